import { Hono } from "hono";
import * as z from "zod";
import { recordAudit } from "../audit/record";
import { currentSession, requireSession, sessionAuth } from "../auth/session-auth";
import { requestCredentialContext } from "../connections/credentials";
import { findConnection, updateConnection } from "../connections/store";
import { connectionSummary } from "../connections/summary";
import { decryptString, encryptString } from "../crypto/aes-gcm";
import { randomToken } from "../crypto/tokens";
import { storedOAuthApp } from "../oauth-client/oauth-app";
import { oauthResultPage } from "../oauth-client/pages";
import { authorizedTokenColumns, readStoredTokens } from "../oauth-client/token-store";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { queryParams } from "../platform/middleware/body";
import { asMcpConnection, discoveryColumns, type McpConnection } from "./connection";
import { discoverMcpServer } from "./discover";
import { isMcpClientError, type McpClientError } from "./errors";
import { boundedFetch } from "./fetch";
import { beginAuthorization, completeAuthorization, oauthAppRecord } from "./oauth/authorize";
import { discoverAuthorizationServer, type McpAuthorizationServerInfo } from "./oauth/discovery";
import { callbackUrl, clientMetadataDocument, type McpOAuthClient, resolveOAuthClient } from "./oauth/registration";

/** Authorization transactions live 10 minutes and are used once (RFC 6749 §10.12), as for other OAuth connections. */
const TRANSACTION_TTL_SECONDS = 600;
const TX_PREFIX = "mcp-oauth:tx:";
const STATE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** What the callback needs; kept in KV encrypted (it may hold a registered client's secret). */
interface McpAuthorizationTransaction {
  userId: string;
  connectionId: string;
  codeVerifier: string;
  redirectUri: string;
  server: McpAuthorizationServerInfo;
  client: McpOAuthClient;
  createdAt: number;
}

const transactionAad = (state: string) => `mcp-oauth.tx:${state}`;

/** A client registered for this connection before (reconnecting reuses it rather than registering again). */
async function previousClient(
  context: ReturnType<typeof requestCredentialContext>,
  connection: McpConnection,
  server: McpAuthorizationServerInfo,
): Promise<McpOAuthClient | undefined> {
  const tokens = connection.tokensEncrypted
    ? await readStoredTokens(context.keyring, connection).catch(() => null)
    : null;
  const app = storedOAuthApp(tokens?.extras);
  const recorded = tokens?.extras?.oauth_client as McpOAuthClient | undefined;
  if (!app || !recorded || app.tokenUrl !== server.tokenEndpoint) return undefined;
  return recorded;
}

export const authorizeQuery = z.strictObject({ connection_id: z.uuid() });

/**
 * The MCP authorization flow as a client (SPEC §6.7), mounted at `/api/oauth/mcp` ahead of the generic OAuth
 * routes: `authorize` probes the server for its challenge, discovers its authorization server, picks CIMD or DCR,
 * and answers `{authUrl}` (PKCE S256 + `resource`); `callback` redeems the code, stores the tokens encrypted
 * together with the client they belong to, discovers the tools, and answers with the same popup page as every
 * OAuth connection (SPEC §6.5).
 */
export const mcpOAuthRoutes = new Hono<AppEnv>()
  .get("/authorize", requireSession(), queryParams(authorizeQuery), async (c) => {
    const context = requestCredentialContext(c);
    const session = currentSession(c);
    const connection = await asMcpConnection(
      context,
      await findConnection(context.db, session.userId, c.req.valid("query").connection_id),
    );
    const data = connection.connection.data;
    if (data.auth_type !== "oauth2")
      throw new AppError("invalid_request", "This MCP connection does not use OAuth (auth_type is not oauth2)");
    const allowInsecure = context.config.allowInsecureTargets;
    let challenge: McpClientError["challenge"];
    try {
      await discoverMcpServer({ serverUrl: data.server_url, auth: { type: "none" }, timeoutMs: 10_000, allowInsecure });
    } catch (error) {
      if (!isMcpClientError(error) || error.code !== "mcp_auth_failed") throw error;
      challenge = error.challenge;
    }
    if (!challenge)
      throw new AppError("invalid_request", "This MCP server answers without authorization; use auth_type none");
    const server = await discoverAuthorizationServer(data.server_url, challenge, boundedFetch(allowInsecure));
    const client =
      (await previousClient(context, connection, server)) ??
      (await resolveOAuthClient(server, {
        appUrl: context.config.appUrl,
        ...(data.client_id
          ? {
              preregistered: {
                client_id: data.client_id,
                ...(data.client_secret ? { client_secret: data.client_secret } : {}),
              },
            }
          : {}),
        fetchFn: boundedFetch(allowInsecure),
      }));
    const state = randomToken();
    const redirectUri = callbackUrl(context.config.appUrl);
    const start = await beginAuthorization(server, client, { redirectUri, state });
    const tx: McpAuthorizationTransaction = {
      userId: session.userId,
      connectionId: connection.id,
      codeVerifier: start.codeVerifier,
      redirectUri,
      server,
      client,
      createdAt: context.now(),
    };
    const sealed = await encryptString(context.keyring, JSON.stringify(tx), transactionAad(state));
    await c.env.KV.put(TX_PREFIX + state, sealed, { expirationTtl: TRANSACTION_TTL_SECONDS });
    return c.json({ success: true, data: { authUrl: start.authorizationUrl } });
  })

  .get("/callback", sessionAuth(), async (c) => {
    const fail = (status: 400 | 403 | 404 | 502, error: string, description: string) => {
      c.var.log.warn("mcp oauth connection failed", { error });
      return oauthResultPage(c, status, { type: "oauth_error", error, description });
    };
    const context = requestCredentialContext(c);
    const query = c.req.query();
    const state = query.state ?? "";
    const sealed = STATE_PATTERN.test(state) ? await c.env.KV.get(TX_PREFIX + state) : null;
    if (!sealed)
      return fail(
        400,
        "invalid_state",
        "This authorization link is invalid, expired or was already used. Start connecting again.",
      );
    await c.env.KV.delete(TX_PREFIX + state);
    const tx = JSON.parse(
      await decryptString(context.keyring, sealed, transactionAad(state)),
    ) as McpAuthorizationTransaction;
    const session = c.var.session;
    if (!session || session.userId !== tx.userId)
      return fail(
        403,
        "invalid_state",
        "This authorization was started by another account. Sign in as that account and start again.",
      );
    if (context.now() - tx.createdAt > TRANSACTION_TTL_SECONDS * 1000)
      return fail(400, "invalid_state", "This authorization link expired. Start connecting again.");
    if (query.error) {
      const description =
        query.error_description?.slice(0, 300) ||
        (query.error === "access_denied"
          ? "You declined to grant access."
          : `The server answered “${query.error.slice(0, 60)}”.`);
      return fail(query.error === "access_denied" ? 403 : 400, query.error.slice(0, 60), description);
    }
    if (!query.code) return fail(400, "invalid_request", "The authorization server did not return a code.");
    const row = await findConnection(context.db, session.userId, tx.connectionId).catch(() => null);
    if (!row) return fail(404, "connection_not_found", "The connection being authorized no longer exists.");
    const connection = await asMcpConnection(context, row);

    const now = context.now();
    let tokens: Awaited<ReturnType<typeof completeAuthorization>>;
    try {
      tokens = await completeAuthorization(tx.server, tx.client, {
        code: query.code,
        ...(query.iss !== undefined ? { iss: query.iss } : {}),
        codeVerifier: tx.codeVerifier,
        redirectUri: tx.redirectUri,
        fetchFn: boundedFetch(context.config.allowInsecureTargets),
        now,
      });
    } catch (error) {
      return fail(400, "authorization_failed", isMcpClientError(error) ? error.message : "The authorization failed.");
    }
    // The app (AS endpoints + client, secret included) travels with the encrypted tokens: the refresher reads it.
    tokens.extras = { oauth_app: oauthAppRecord(tx.server, tx.client), oauth_client: tx.client };
    let updated = await updateConnection(
      context.db,
      connection,
      await authorizedTokenColumns(context.keyring, connection, tokens, now),
      {
        event: { type: "authorized" },
        now,
      },
    );
    // Tools right after authorization (SPEC §6.7); a server that fails now is authorized but `invalid`.
    try {
      const found = await discoverMcpServer({
        serverUrl: connection.connection.data.server_url,
        auth: { type: "oauth2", accessToken: tokens.access_token },
        timeoutMs: connection.timeoutMs,
        allowInsecure: context.config.allowInsecureTargets,
      });
      updated = await updateConnection(context.db, updated, discoveryColumns(found), { now });
    } catch (error) {
      if (!isMcpClientError(error)) throw error;
      updated = await updateConnection(
        context.db,
        updated,
        {},
        { event: { type: "unreachable", message: error.message }, now },
      );
    }
    recordAudit(c, {
      action: "connection.authorize",
      outcome: "success",
      actorId: session.userId,
      targetType: "connection",
      targetId: connection.id,
      metadata: { method: "mcp", registration: tx.client.registration },
    });
    return oauthResultPage(c, 200, { type: "oauth_success", connection: connectionSummary(updated) });
  });

/** `GET /oauth/mcp-client.json`: our Client ID Metadata Document (public, cacheable). */
export const mcpClientMetadataRoutes = new Hono<AppEnv>().get("/mcp-client.json", (c) => {
  c.header("cache-control", "public, max-age=3600");
  return c.json(clientMetadataDocument(c.var.config.appUrl));
});
