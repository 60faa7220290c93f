import type { CredentialProvider, TokenHealth } from "../connections/credentials";
import { decideRefresh } from "../oauth-client/refresh-policy";
import { readStoredTokens } from "../oauth-client/token-store";
import { checkOutboundUrl } from "../outbound/url-policy";
import { discoveryColumns, staticAuth } from "./connection";
import { discoverMcpServer } from "./discover";
import { isMcpClientError, McpClientError } from "./errors";

/**
 * The `mcp` row of the credential-provider table (`src/proxy/credentials.ts`). MCP connections are used through
 * their tool endpoints, not the HTTP proxy; what the table needs from them is the work done on create (discovery,
 * SPEC §6.7) and the token health of OAuth-protected servers.
 */
export const mcpCredentials: CredentialProvider<"mcp"> = {
  proxyable: { refusal: "mcp connections are used through their tool endpoints (/api/connections/:id/tools)" },
  renewsOnRejection: false,
  injectedHeaders: () => [],
  async inject() {
    throw new Error("mcp connections cannot be used through the HTTP proxy");
  },

  /**
   * Discovery on create fills `mcp_tools`; a server that cannot be reached (or refuses the credential) is still
   * saved, `invalid` with the reason. An `oauth2` server waits for authorization (`disconnected`) and is discovered
   * right after the callback. A URL the SSRF policy refuses is not saved at all.
   */
  async prepareCreate(context, connection) {
    const data = connection.connection.data;
    const check = checkOutboundUrl(data.server_url, { allowInsecure: context.config.allowInsecureTargets });
    if (!check.ok)
      throw new McpClientError("target_not_allowed", `Requests to this address are not allowed: ${check.message}`, {
        details: [{ path: "mcp_server_url", message: check.message }],
      });
    if (data.auth_type === "oauth2") return { awaitsAuthorization: true };
    try {
      const found = await discoverMcpServer({
        serverUrl: data.server_url,
        auth: staticAuth(data),
        timeoutMs: connection.timeoutMs,
        allowInsecure: context.config.allowInsecureTargets,
        ...(connection.defaultHeaders ? { headers: connection.defaultHeaders } : {}),
      });
      return { columns: discoveryColumns(found) };
    } catch (error) {
      if (!isMcpClientError(error) || error.code === "target_not_allowed") throw error;
      context.log.info("mcp discovery on create failed", { code: error.code });
      return {
        afterCreate:
          error.code === "mcp_auth_failed"
            ? { type: "credentials_rejected", message: error.message }
            : { type: "unreachable", message: error.message },
      };
    }
  },

  /**
   * Only an `oauth2` server's credential is a token we obtain. A static one (none, bearer, API key, basic) has
   * no token health: reporting it as "missing" told the user a working connection was not authorized.
   */
  async tokenHealth(context, connection): Promise<TokenHealth | undefined> {
    if (connection.connection.data.auth_type !== "oauth2") return undefined;
    if (!connection.id) return { state: "missing", expires_at: null, scopes: null };
    const tokens = await readStoredTokens(context.keyring, { ...connection, id: connection.id });
    if (!tokens) return { state: "missing", expires_at: null, scopes: null };
    const now = context.now();
    const expired = connection.status === "expired" || (tokens.expires_at !== null && tokens.expires_at <= now);
    const decision = decideRefresh({ expiresAt: tokens.expires_at, hasRefreshToken: true }, now);
    return {
      state: expired ? "expired" : decision.reason === "expiring" ? "expiring" : "valid",
      expires_at: tokens.expires_at,
      scopes: tokens.scope ?? null,
    };
  },
};
