import { connectionsGeneration } from "../connections/changes";
import type { CredentialContext } from "../connections/credentials";
import { findConnection } from "../connections/store";
import { keyringFor } from "../crypto/keyring";
import { getDb } from "../db/client";
import { getConfig } from "../platform/config";
import { isAppError } from "../platform/errors";
import { createLogger } from "../platform/logger";
import type { McpToolCallResult } from "./call";
import { asMcpConnection, callMcpTool, listMcpToolsForUser, mcpAuthorizeLink, type UserMcpTools } from "./connection";
import { UserListCache } from "./gateway-cache";

/**
 * The gateway of SPEC §8: the signed-in user's MCP connections' tools, re-offered on our own `/mcp` with stable
 * prefixed names behind the `connections:use` scope. Calls run here, at the edge, with the credential injected,
 * so the AI client never sees a downstream secret; a connection that is missing, expired or needs consent answers
 * a structured "connect required" result with the link that fixes it (just-in-time authorization).
 *
 * `/mcp` (the remote MCP server feature) calls {@link mcpGatewayTools} per request and registers what it returns;
 * the shape matches its `ExtraTool` seam (`src/mcp/gateway-seam.ts`).
 */

export const GATEWAY_SCOPE = "connections:use";
/** SPEC §8: gateway tool names are ≤ 128 characters of `[A-Za-z0-9_.-]`. */
export const GATEWAY_TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const MAX_SLUG = 40;

/** A connection's name as the prefix of its tools: lowercase, runs of other characters become `-`. */
export function connectionSlug(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "") // combining marks: "ü" → "u"
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^[-_.]+|[-_.]+$/g, "")
    .slice(0, MAX_SLUG)
    .replace(/[-_.]+$/, "");
  return slug || "mcp";
}

/**
 * `<connection-slug>__<tool>`, unique among `taken` (a second connection with the same slug gets `-2`, …) and
 * within the name rules; a tool name with characters outside them is made to fit the same way as slugs are.
 */
export function gatewayToolName(slug: string, tool: string, taken: ReadonlySet<string>): string {
  const cleanTool = tool.replace(/[^A-Za-z0-9_.-]+/g, "-").slice(0, 128 - slug.length - 6) || "tool";
  let name = `${slug}__${cleanTool}`;
  for (let n = 2; taken.has(name); n++) name = `${slug}-${n}__${cleanTool}`;
  return name;
}

export interface GatewayTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  requiredScopes: readonly ["connections:use"];
  call(args: Record<string, unknown>): Promise<GatewayCallResult>;
}

export interface GatewayCallResult {
  content: McpToolCallResult["content"];
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
}

/** What the AI client gets instead of an opaque failure when the user must (re)connect (SPEC §8 JIT). */
export function connectRequired(
  appUrl: URL,
  connection: { id: string; name: string },
  reason: string,
  authorize: boolean,
): GatewayCallResult {
  const url = new URL(`/connections/${connection.id}`, appUrl).href;
  return {
    isError: true,
    content: [
      {
        type: "text",
        text: `Connect required: ${connection.name} cannot be used right now (${reason}). Ask the user to open ${url} to connect it, then try again.`,
      },
    ],
    structuredContent: {
      connect_required: {
        connection_id: connection.id,
        connection_name: connection.name,
        reason,
        url,
        ...(authorize ? { authorize_api: new URL(mcpAuthorizeLink(connection.id), appUrl).href } : {}),
      },
    },
  };
}

/** Failures the user fixes by connecting again, rather than errors of the tool. */
const CONNECT_CODES = new Set(["connection_expired", "connection_not_authorized", "mcp_auth_failed", "not_found"]);

function credentialContextOf(env: Env): CredentialContext {
  const config = getConfig(env);
  return {
    env,
    config,
    log: createLogger({ level: config.logLevel, context: { component: "mcp-gateway" } }),
    db: getDb(env.DB),
    keyring: keyringFor(config.keyring),
    now: Date.now,
  };
}

function toolsOf(
  context: CredentialContext,
  userId: string,
  entry: UserMcpTools,
  slug: string,
  taken: Set<string>,
): GatewayTool[] {
  const appUrl = context.config.appUrl;
  const { connection } = entry;
  const authorize = connection.status === "disconnected" || connection.status === "expired";
  const blocked = entry.connect_required;
  const make = (toolName: string, description: string, inputSchema: Record<string, unknown>): GatewayTool => {
    const name = gatewayToolName(slug, toolName, taken);
    taken.add(name);
    return {
      name,
      description,
      inputSchema,
      requiredScopes: [GATEWAY_SCOPE],
      async call(args) {
        if (blocked) return connectRequired(appUrl, connection, blocked.reason, authorize);
        try {
          const saved = await asMcpConnection(context, await findConnection(context.db, userId, connection.id));
          const result = await callMcpTool(context, saved, toolName, args);
          return {
            content: result.content,
            isError: result.is_error,
            ...(result.structured_content ? { structuredContent: result.structured_content } : {}),
          };
        } catch (error) {
          if (isAppError(error) && CONNECT_CODES.has(error.code))
            return connectRequired(appUrl, connection, error.message, error.code !== "not_found");
          if (isAppError(error))
            return { isError: true, content: [{ type: "text", text: `${error.code}: ${error.message}` }] };
          throw error;
        }
      },
    };
  };
  if (entry.tools.length === 0 && blocked) {
    // Never authorized (no tools known yet): one tool that tells the client how to connect it.
    return [
      make("connect", `Connect ${connection.name} (not connected yet): returns the link that connects it.`, {
        type: "object",
      }),
    ];
  }
  return entry.tools.map((tool) =>
    make(
      tool.name,
      `[${connection.name}] ${tool.title ?? tool.name}${tool.description ? `: ${tool.description}` : ""}`,
      tool.input_schema,
    ),
  );
}

/**
 * The gateway tools of one user, per request: every MCP connection's stored tools (no upstream call to list them),
 * named `<connection-slug>__<tool>`, each behind `connections:use`. Reads the user's connections from D1; `/mcp`
 * uses {@link cachedMcpGatewayTools} instead.
 */
export async function mcpGatewayTools(principal: { userId: string }, env: Env): Promise<GatewayTool[]> {
  const context = credentialContextOf(env);
  return gatewayToolsOf(context, principal.userId, await listMcpToolsForUser(context, principal.userId));
}

const listingCaches = new WeakMap<D1Database, UserListCache<UserMcpTools[]>>();

/** The isolate's cache of users' MCP connection listings for this database (bound: see gateway-cache.ts). */
function listingCacheFor(env: Env): UserListCache<UserMcpTools[]> {
  let cache = listingCaches.get(env.DB);
  if (!cache) {
    const context = credentialContextOf(env);
    cache = new UserListCache({
      load: (userId) => listMcpToolsForUser(context, userId),
      generation: connectionsGeneration,
    });
    listingCaches.set(env.DB, cache);
  }
  return cache;
}

/**
 * {@link mcpGatewayTools} from the isolate's per-user listing cache (gateway-cache.ts: this isolate's own
 * connection changes show at once, anyone else's within 5 s), so `/mcp` does not read D1 on every request.
 * Calls still re-read their connection, so a stale listing never runs a removed connection.
 * A background re-read, when one starts, is handed to `waitUntil`.
 */
export async function cachedMcpGatewayTools(
  principal: { userId: string },
  env: Env,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<GatewayTool[]> {
  const { value, refresh } = await listingCacheFor(env).get(principal.userId);
  if (refresh) waitUntil(refresh.catch(() => {}));
  return gatewayToolsOf(credentialContextOf(env), principal.userId, value);
}

function gatewayToolsOf(context: CredentialContext, userId: string, entries: UserMcpTools[]): GatewayTool[] {
  const taken = new Set<string>();
  const slugs = new Map<string, number>();
  return entries.flatMap((entry) => {
    const base = connectionSlug(entry.connection.name);
    const seen = slugs.get(base) ?? 0;
    slugs.set(base, seen + 1);
    return toolsOf(context, userId, entry, seen === 0 ? base : `${base}-${seen + 1}`, taken);
  });
}
