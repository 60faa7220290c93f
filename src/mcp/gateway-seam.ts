import type { CallToolResult } from "@modelcontextprotocol/server";
import type { Scope } from "../oauth-server/scopes";
import type { McpPrincipal } from "./principal";

/**
 * The seam for the MCP gateway (SPEC §8 "Gateway"): the user's own connected MCP servers' tools and
 * Paragon actions, registered per request next to ours. The gateway feature implements an
 * {@link ExtraToolsProvider}; `/mcp` calls it with the authenticated user and registers what it returns
 * behind the scopes each tool declares (normally `connections:use`).
 */
export interface ExtraTool {
  /** `<connection-slug>__<tool>` or `paragon__<action>`: ≤ 128 characters of `[A-Za-z0-9_.-]`. */
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12) of the arguments, as the upstream advertised it. */
  inputSchema: Record<string, unknown>;
  requiredScopes: readonly Scope[];
  call(args: Record<string, unknown>): Promise<{
    /** MCP content blocks as the upstream tool returned them (text, images, audio, resources). */
    content: CallToolResult["content"];
    isError?: boolean;
    structuredContent?: Record<string, unknown>;
  }>;
}

/** `waitUntil` lets a provider finish background work (a cache refresh) after the answer. */
export type ExtraToolsProvider = (
  principal: McpPrincipal,
  env: Env,
  waitUntil: (promise: Promise<unknown>) => void,
) => Promise<readonly ExtraTool[]>;

export const NO_EXTRA_TOOLS: ExtraToolsProvider = async () => [];

export const GATEWAY_TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
