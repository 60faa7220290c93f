import { type Context, Hono } from "hono";
import * as z from "zod";
import { recordAudit } from "../audit/record";
import { currentSession, requireSession, sessionAuth } from "../auth/session-auth";
import { findProvider, type ProviderEntry } from "../connections/catalog";
import type { ConnectionData } from "../connections/data";
import {
  decryptConnection,
  type EncryptedConnection,
  encryptConnectionData,
  findConnection,
  insertConnection,
  uniqueConnectionName,
  updateConnection,
} from "../connections/store";
import { connectionSummary } from "../connections/summary";
import { keyringFor } from "../crypto/keyring";
import { computeCodeChallenge, createCodeVerifier } from "../crypto/pkce";
import { randomToken } from "../crypto/tokens";
import { getDb } from "../db/client";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { queryParams } from "../platform/middleware/body";
import { resolveOAuthApp } from "./oauth-app";
import { oauthResultPage } from "./pages";
import { callTokenEndpoint } from "./token-endpoint";
import { authorizedTokenColumns } from "./token-store";

/** Authorization transactions live 10 minutes and are used once (RFC 6749 §10.12). */
export const OAUTH_TRANSACTION_TTL_SECONDS = 600;
const TX_PREFIX = "oauth:tx:";

interface OAuthTransaction {
  userId: string;
  provider: string;
  connectionId: string | null;
  name: string | null;
  codeVerifier: string | null;
  redirectUri: string;
  createdAt: number;
}

function oauthProvider(id: string): ProviderEntry {
  const provider = findProvider(id);
  if (!provider || !(provider.auth_methods as readonly string[]).includes("oauth2")) {
    throw new AppError("not_found", `No OAuth provider "${id}"`);
  }
  return provider;
}

function callbackUrl(c: Context<AppEnv>, providerId: string): string {
  return new URL(`/api/oauth/${providerId}/callback`, c.var.config.appOrigin).toString();
}

export const oauthAuthorizeQuery = z.strictObject({
  connection_id: z.uuid().optional(),
  name: z.string().trim().min(1).max(100).optional(),
});

/**
 * The client side of OAuth 2.0 (SPEC §6.5): the authorization-code flow with PKCE in a popup, for every
 * OAuth provider of the catalog and for `custom_oauth2`. Mounted at `/api/oauth`.
 */
export const oauthClientRoutes = new Hono<AppEnv>()
  .get("/:provider/authorize", requireSession(), queryParams(oauthAuthorizeQuery), async (c) => {
    const session = currentSession(c);
    const provider = oauthProvider(c.req.param("provider"));
    const { connection_id, name } = c.req.valid("query");
    let connection: ConnectionData | undefined;
    if (connection_id) {
      const row = await findConnection(getDb(c.env.DB), session.userId, connection_id);
      if (row.provider !== provider.id || row.connectionMethod !== "oauth2")
        throw new AppError("not_found", "Connection not found");
      connection = (await decryptConnection(keyringFor(c.var.config.keyring), row)).connection;
    } else if (!provider.oauth2) {
      throw new AppError(
        "invalid_request",
        `${provider.id} needs connection_id: the connection holding the OAuth app settings`,
        {
          details: [{ path: "connection_id", message: "is required" }],
        },
      );
    }
    const app = resolveOAuthApp(provider, connection, c.env);
    const state = randomToken();
    const codeVerifier = app.pkce ? createCodeVerifier() : null;
    const redirectUri = callbackUrl(c, provider.id);
    const tx: OAuthTransaction = {
      userId: session.userId,
      provider: provider.id,
      connectionId: connection_id ?? null,
      name: name ?? null,
      codeVerifier,
      redirectUri,
      createdAt: Date.now(),
    };
    await c.env.KV.put(TX_PREFIX + state, JSON.stringify(tx), { expirationTtl: OAUTH_TRANSACTION_TTL_SECONDS });
    const url = new URL(app.authorizationUrl);
    for (const [key, value] of Object.entries(app.extraAuthorizeParams)) url.searchParams.set(key, value);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("client_id", app.clientId);
    url.searchParams.set("redirect_uri", redirectUri);
    url.searchParams.set("state", state);
    if (app.scopes.length > 0) url.searchParams.set("scope", app.scopes.join(app.scopeSeparator));
    if (codeVerifier) {
      url.searchParams.set("code_challenge", await computeCodeChallenge(codeVerifier));
      url.searchParams.set("code_challenge_method", "S256");
    }
    return c.json({ success: true, data: { authUrl: url.toString() } });
  })

  .get("/:provider/callback", sessionAuth(), async (c) => {
    const fail = (status: 400 | 403 | 404 | 502, error: string, description: string) => {
      c.var.log.warn("oauth connection failed", { error, provider: c.req.param("provider") });
      return oauthResultPage(c, status, { type: "oauth_error", error, description });
    };
    const query = c.req.query();
    const state = query.state ?? "";
    const tx = /^[A-Za-z0-9_-]{43}$/.test(state)
      ? await c.env.KV.get<OAuthTransaction>(TX_PREFIX + state, "json")
      : null;
    if (!tx)
      return fail(
        400,
        "invalid_state",
        "This authorization link is invalid, expired or was already used. Start connecting again.",
      );
    // The owner is checked BEFORE the state is consumed: someone else presenting the state (a leaked
    // callback URL) must not burn it for the user who holds it (issue 14 #9). Single use is kept for the owner.
    const session = c.var.session;
    if (!session || session.userId !== tx.userId)
      return fail(
        403,
        "invalid_state",
        "This authorization was started by another account. Sign in as that account and start again.",
      );
    await c.env.KV.delete(TX_PREFIX + state);
    if (Date.now() - tx.createdAt > OAUTH_TRANSACTION_TTL_SECONDS * 1000)
      return fail(400, "invalid_state", "This authorization link expired. Start connecting again.");
    if (tx.provider !== c.req.param("provider"))
      return fail(400, "invalid_state", "The authorization came back for another provider.");
    if (query.error) {
      const description =
        query.error_description?.slice(0, 300) ||
        (query.error === "access_denied"
          ? "You declined to grant access."
          : `The provider answered “${query.error.slice(0, 60)}”.`);
      return fail(query.error === "access_denied" ? 403 : 400, query.error.slice(0, 60), description);
    }
    if (!query.code) return fail(400, "invalid_request", "The provider did not return an authorization code.");

    const provider = oauthProvider(tx.provider);
    const db = getDb(c.env.DB);
    const keyring = keyringFor(c.var.config.keyring);
    const existing = tx.connectionId
      ? await findConnection(db, session.userId, tx.connectionId).catch(() => null)
      : null;
    if (tx.connectionId && !existing)
      return fail(404, "connection_not_found", "The connection being reconnected no longer exists.");
    const connection = existing ? await decryptConnection(keyring, existing) : undefined;
    const app = resolveOAuthApp(provider, connection?.connection, c.env);
    const now = Date.now();
    const result = await callTokenEndpoint(
      app,
      {
        grant_type: "authorization_code",
        code: query.code,
        redirect_uri: tx.redirectUri,
        ...(tx.codeVerifier ? { code_verifier: tx.codeVerifier } : {}),
      },
      { allowInsecure: c.var.config.allowInsecureTargets, now },
    );
    if (!result.ok) {
      return fail(
        result.kind === "transient" ? 502 : 400,
        result.error,
        `The provider refused the authorization: ${result.description}`,
      );
    }

    // One write per outcome, tokens included: nothing half-connected can remain.
    let row: EncryptedConnection;
    if (existing) {
      row = await updateConnection(db, existing, await authorizedTokenColumns(keyring, existing, result.tokens, now), {
        event: { type: "authorized" },
        now,
      });
    } else {
      const id = crypto.randomUUID();
      const owner = { id, userId: session.userId };
      row = await insertConnection(db, {
        id,
        userId: session.userId,
        organizationId: session.organizations[0]?.id ?? null,
        name: await uniqueConnectionName(db, session.userId, tx.name ?? provider.name),
        provider: provider.id,
        connectionMethod: "oauth2",
        awaitsAuthorization: false,
        dataEncrypted: await encryptConnectionData(keyring, id, session.userId, {}),
        ...(await authorizedTokenColumns(keyring, owner, result.tokens, now)),
        baseUrl: provider.api_base_url ?? null,
        retries: provider.retry?.max_retries ?? 2,
        backoffMs: provider.retry?.backoff_ms ?? 500,
        createdAt: now,
        updatedAt: now,
      });
    }
    recordAudit(c, {
      action: existing ? "connection.reconnect" : "connection.create",
      outcome: "success",
      actorId: session.userId,
      targetType: "connection",
      targetId: row.id,
      metadata: { provider: provider.id, method: "oauth2" },
    });
    return oauthResultPage(c, 200, { type: "oauth_success", connection: connectionSummary(row) });
  });
