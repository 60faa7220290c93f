import type { CredentialContext, UsableConnectionOf } from "../connections/credentials";
import type { DataOf } from "../connections/data";
import {
  applyStatusEvent,
  type ConnectionRef,
  type DecryptedConnection,
  decryptConnection,
  isLastUsedStale,
  listConnections,
  markConnectionUsed,
  updateConnection,
} from "../connections/store";
import { usableAccessToken } from "../oauth-client/lifecycle";
import { AppError } from "../platform/errors";
import { callMcpServerTool, type McpToolCallResult } from "./call";
import { discoverMcpServer, type McpDiscovery } from "./discover";
import { isMcpClientError, McpClientError } from "./errors";
import type { McpAuth, McpServerFacts, McpTarget } from "./target";
import type { McpToolRecord } from "./tools";

/**
 * Using a saved MCP connection (SPEC §6.7): its credential (static, or an OAuth access token kept fresh by the
 * `ConnectionRefresher`), its stored tools, refreshing them, and calling one. These are the functions the routes,
 * the workflow `mcp_tool` node and the `/mcp` gateway share, so all of them get the same checks.
 */

export type McpConnection = UsableConnectionOf<"mcp"> &
  ConnectionRef &
  Pick<DecryptedConnection, "mcpTools" | "lastUsedAt" | "statusReason" | "capabilities">;

/** Where the owner (re)authorizes an OAuth MCP connection (the JIT link of the gateway, too). */
export function mcpAuthorizeLink(connectionId: string): string {
  return `/api/oauth/mcp/authorize?connection_id=${connectionId}`;
}

/** The static credential of the connection's data, as the MCP client takes it. */
export function staticAuth(data: DataOf<"mcp">): McpAuth {
  switch (data.auth_type) {
    case "none":
    case "oauth2":
      return { type: "none" };
    case "api_key":
      return {
        type: "api_key",
        apiKey: data.api_key as string,
        ...(data.header_name ? { headerName: data.header_name } : {}),
      };
    case "bearer":
      return { type: "bearer", token: data.token as string };
    case "basic":
      return { type: "basic", username: data.username as string, password: data.password as string };
  }
}

/**
 * The target of a saved connection. For `oauth2`, a usable access token: no I/O while it is valid, a refresh
 * through the connection's single-flight `ConnectionRefresher` when it is due (or just refused, `rejected`).
 */
export async function targetFor(
  context: CredentialContext,
  connection: McpConnection,
  rejected?: string,
): Promise<McpTarget> {
  const data = connection.connection.data;
  let auth = staticAuth(data);
  if (data.auth_type === "oauth2") {
    // `provider: "mcp"` makes the reconnect link of an expired grant point at the MCP authorize route.
    const oauthView = { ...connection, provider: "mcp" } as unknown as Parameters<typeof usableAccessToken>[1];
    auth = {
      type: "oauth2",
      accessToken: await usableAccessToken(context, oauthView, { rejectedAccessToken: rejected }),
    };
  }
  const server = storedServerFacts(connection);
  return {
    serverUrl: data.server_url,
    auth,
    timeoutMs: connection.timeoutMs,
    allowInsecure: context.config.allowInsecureTargets,
    ...(connection.defaultHeaders ? { headers: connection.defaultHeaders } : {}),
    ...(server ? { server } : {}),
  };
}

/**
 * What the last discovery stored about the server (`capabilities`: `protocol_version`, `server_capabilities`), when
 * it is there and well-formed — it decides the protocol lane of a call (./lanes.ts).
 */
export function storedServerFacts(connection: Pick<DecryptedConnection, "capabilities">): McpServerFacts | undefined {
  const stored = connection.capabilities;
  if (!stored || typeof stored.protocol_version !== "string") return undefined;
  const capabilities = stored.server_capabilities;
  return {
    protocolVersion: stored.protocol_version,
    capabilities:
      typeof capabilities === "object" && capabilities !== null && !Array.isArray(capabilities)
        ? (capabilities as Record<string, unknown>)
        : {},
  };
}

/** The tools stored on a connection. */
export function storedTools(connection: Pick<DecryptedConnection, "mcpTools">): McpToolRecord[] {
  return Array.isArray(connection.mcpTools) ? (connection.mcpTools as McpToolRecord[]) : [];
}

/** The columns discovery fills (SPEC §6.1 MCP fields): the tools, and what the server said about itself. */
export function discoveryColumns(found: McpDiscovery) {
  return {
    mcpTools: found.tools,
    capabilities: {
      server: found.server,
      protocol_version: found.protocol_version,
      transport: found.transport,
      server_capabilities: found.capabilities,
    },
  };
}

/**
 * Runs an operation with the connection's credential; an OAuth token the server refuses although we believed it
 * valid is refreshed once (forced, single-flight) and the operation retried once (RFC 6750 §3.1 `invalid_token`).
 */
async function withCredential<T>(
  context: CredentialContext,
  connection: McpConnection,
  operation: (target: McpTarget) => Promise<T>,
): Promise<T> {
  const target = await targetFor(context, connection);
  try {
    return await operation(target);
  } catch (error) {
    if (!(isMcpClientError(error) && error.code === "mcp_auth_failed" && target.auth.type === "oauth2")) throw error;
    return operation(await targetFor(context, connection, target.auth.accessToken));
  }
}

/**
 * Discovers the connection's tools again and stores them (`POST /api/connections/:id/refresh-tools`). A server
 * that now refuses the credential marks the connection `invalid` with the reason; success revives a connection
 * that was `invalid` because it could not be reached.
 */
export async function refreshMcpTools(context: CredentialContext, connection: McpConnection): Promise<McpToolRecord[]> {
  let found: McpDiscovery;
  try {
    found = await withCredential(context, connection, discoverMcpServer);
  } catch (error) {
    if (
      isMcpClientError(error) &&
      error.code === "mcp_auth_failed" &&
      connection.connection.data.auth_type !== "oauth2"
    )
      await applyStatusEvent(context.db, connection, { type: "credentials_rejected", message: error.message });
    throw error;
  }
  await updateConnection(context.db, connection, discoveryColumns(found), {
    ...(connection.status === "invalid" ? { event: { type: "test_passed" } as const } : {}),
    now: context.now(),
  });
  return found.tools;
}

/**
 * Calls a tool of a saved MCP connection — the one call path of the API route, the workflow `mcp_tool` node and
 * the `/mcp` gateway. The tool must be in the stored `mcp_tools` (404 `tool_not_found`); its arguments are
 * validated against the stored schema before anything is sent (400 `invalid_tool_arguments`).
 */
export async function callMcpTool(
  context: CredentialContext & { waitUntil?: (promise: Promise<unknown>) => void },
  connection: McpConnection,
  name: string,
  args: unknown,
): Promise<McpToolCallResult> {
  if (
    connection.status === "disconnected" &&
    connection.connection.data.auth_type === "oauth2" &&
    !connection.tokensEncrypted
  ) {
    throw new AppError("connection_not_authorized", "Authorize this MCP connection before calling its tools", {
      details: { authorize: mcpAuthorizeLink(connection.id) },
    });
  }
  const tool = storedTools(connection).find((candidate) => candidate.name === name);
  if (!tool) throw new McpClientError("tool_not_found", `The connection has no tool named ${name.slice(0, 128)}`);
  const result = await withCredential(context, connection, (target) => callMcpServerTool(target, tool, args));
  const now = context.now();
  if (isLastUsedStale(connection.lastUsedAt ?? null, now)) {
    const mark = markConnectionUsed(context.db, connection.id, now).catch(() => {});
    if (context.waitUntil) context.waitUntil(mark);
    else await mark;
  }
  return result;
}

/** One MCP connection of a user with its tools, for the `/mcp` gateway and agents. */
export interface UserMcpTools {
  connection: { id: string; name: string; provider: string; status: string; server_url: string | null };
  tools: McpToolRecord[];
  /** Set when the connection cannot be used now; the link that fixes it (just-in-time authorization). */
  connect_required?: { reason: string; link: string };
}

/**
 * Every live MCP connection of a user with its stored tools (no upstream call), and for each one that cannot be
 * used right now — awaiting authorization, expired, invalid — the link that fixes it.
 */
export async function listMcpToolsForUser(context: CredentialContext, userId: string): Promise<UserMcpTools[]> {
  const rows = await listConnections(context.db, userId, { connection_method: "mcp", limit: 200, offset: 0 });
  return rows.map((row) => {
    const entry: UserMcpTools = {
      connection: {
        id: row.id,
        name: row.name,
        provider: row.provider,
        status: row.status,
        server_url: row.mcpServerUrl,
      },
      tools: storedTools(row),
    };
    if (row.status !== "active") {
      entry.connect_required = {
        reason: row.statusReason ?? `The connection is ${row.status}`,
        link:
          row.status === "disconnected" || row.status === "expired"
            ? mcpAuthorizeLink(row.id)
            : `/connections/${row.id}`,
      };
    }
    return entry;
  });
}

/** A saved connection, decrypted and checked to be an MCP one (anything else is a 404 on these routes). */
export async function asMcpConnection(
  context: CredentialContext,
  row: Parameters<typeof decryptConnection>[1],
): Promise<McpConnection> {
  if (row.connectionMethod !== "mcp") throw new AppError("not_found", "MCP connection not found");
  return (await decryptConnection(context.keyring, row)) as McpConnection;
}
