import type { CredentialContext } from "../connections/credentials";
import { findConnection } from "../connections/store";
import type { McpToolCallResult } from "./call";
import { asMcpConnection, callMcpTool } from "./connection";

/** Failures of an MCP call worth another attempt (the server was down or slow), for engines that retry. */
export const RETRYABLE_MCP_CODES: ReadonlySet<string> = new Set([
  "mcp_unreachable",
  "mcp_timeout",
  "connection_refresh_backoff",
]);

/** The `mcp_tool` node config (seed 001 "MCP Tool Node"): `{connectionId, tool, parameters?, timeoutMs?}`. */
export interface McpToolNodeConfig {
  connectionId: string;
  tool: string;
  parameters?: Record<string, unknown>;
  timeoutMs?: number;
}

/**
 * Runs an `mcp_tool` workflow node (or an agent's MCP tool) for the execution's owner: the same call path as the
 * API — the owner's connection only (another user's is `not_found`), stored schema checked first, credential
 * injected at the edge and never returned. The node's `timeoutMs` narrows the connection's own.
 */
export async function runMcpToolNode(
  context: CredentialContext & { waitUntil?: (promise: Promise<unknown>) => void },
  userId: string,
  config: McpToolNodeConfig,
): Promise<McpToolCallResult> {
  const connection = await asMcpConnection(context, await findConnection(context.db, userId, config.connectionId));
  const bounded = config.timeoutMs
    ? { ...connection, timeoutMs: Math.min(config.timeoutMs, connection.timeoutMs) }
    : connection;
  return callMcpTool(context, bounded, config.tool, config.parameters ?? {});
}
