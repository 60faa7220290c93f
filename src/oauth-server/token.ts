import type { Context } from "hono";
import { Hono } from "hono";
import { randomToken, sha256Hex } from "../crypto";
import type { OAuthClientRow } from "../db/schema";
import type { AppEnv } from "../platform/context";
import { OAuthError } from "../platform/oauth-error";
import { clientIp } from "../platform/rate-limit";
import { issueAccessToken, verifyAccessToken } from "./access-token";
import { authenticateClient, presentedClientCredentials } from "./client-authentication";
import { clientMayRefresh, resolveClient } from "./clients";
import { type OAuthServerContext, oauthServerContext, requireSigningKeys, revokeGrantNow } from "./context";
import { verifyPkceCodeVerifier } from "./pkce";
import { formatScopes, narrowScopes, OFFLINE_ACCESS, parseScopeParameter, type Scope } from "./scopes";
import {
  claimAuthorizationCode,
  findAuthorizationCode,
  findRefreshToken,
  insertGrant,
  rotateRefreshToken,
} from "./store";
import {
  judgeClaimedCode,
  judgeRefresh,
  judgeUnclaimableCode,
  REFRESH_TOKEN_TTL_SECONDS,
  type TokenFailure,
} from "./token-decisions";
import { NO_STORE_HEADERS } from "./wire";

/**
 * The token endpoint (RFC 6749 §3.2, §4.1.3, §6; OAuth 2.1 §3.2, §4.1.3, §4.3), revocation (RFC 7009)
 * and introspection (RFC 7662). Requests are form-encoded (RFC 6749 §3.2); answers are JSON with
 * `Cache-Control: no-store` (RFC 6749 §5.1); errors are RFC 6749 §5.2 bodies via `OAuthError`.
 */
const MAX_FORM_BYTES = 8 * 1024;

async function readForm(c: Context<AppEnv>): Promise<URLSearchParams> {
  const type = c.req.header("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    throw new OAuthError("invalid_request", {
      description: "The body must be application/x-www-form-urlencoded",
      reason: "content_type",
    });
  }
  const text = await c.req.text();
  if (text.length > MAX_FORM_BYTES)
    throw new OAuthError("invalid_request", { description: "The request body is too large", reason: "body_size" });
  const form = new URLSearchParams(text);
  // RFC 6749 §3.2: parameters sent without a value are omitted; none may repeat.
  for (const name of new Set(form.keys())) {
    if (form.getAll(name).length > 1)
      throw new OAuthError("invalid_request", {
        description: `${name} appears more than once`,
        reason: "duplicate_parameter",
      });
  }
  for (const [name, value] of [...form]) if (value === "") form.delete(name);
  return form;
}

function failure(decision: TokenFailure): OAuthError {
  return new OAuthError(decision.error, {
    description:
      decision.error === "invalid_target"
        ? "The resource does not match this grant"
        : "The grant is invalid, expired or revoked",
    reason: decision.reason,
  });
}

async function tokenResponse(
  c: Context<AppEnv>,
  ctx: OAuthServerContext,
  grant: { id: string; userId: string; clientId: string; resource: string },
  accessScopes: Scope[],
  refreshToken: string | null,
) {
  const keys = await requireSigningKeys(ctx.config);
  const scope = formatScopes(accessScopes);
  const { token, expiresIn } = await issueAccessToken(
    keys,
    { userId: grant.userId, clientId: grant.clientId, grantId: grant.id, scope, resource: grant.resource },
    { issuer: ctx.issuer, nowSeconds: Math.floor(ctx.now / 1000) },
  );
  return c.json(
    {
      access_token: token,
      token_type: "Bearer",
      expires_in: expiresIn,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      scope,
    },
    200,
    NO_STORE_HEADERS,
  );
}

async function authenticatedClient(
  c: Context<AppEnv>,
  ctx: OAuthServerContext,
  form: URLSearchParams,
): Promise<OAuthClientRow> {
  const presented = presentedClientCredentials(c.req.header("authorization"), form);
  // A CIMD client is resolved (and cached) by its URL; registered clients come from D1.
  const resolved = presented.clientId.startsWith("https://")
    ? await resolveClient(ctx.db, presented.clientId, { now: ctx.now })
    : null;
  return authenticateClient(ctx.db, presented, resolved?.ok ? resolved.client : resolved ? null : undefined);
}

async function exchangeAuthorizationCode(
  c: Context<AppEnv>,
  ctx: OAuthServerContext,
  client: OAuthClientRow,
  form: URLSearchParams,
) {
  const code = form.get("code");
  if (!code) throw new OAuthError("invalid_request", { description: "code is required", reason: "no_code" });
  const codeHash = await sha256Hex(code);
  const grantId = crypto.randomUUID();
  const claimed = await claimAuthorizationCode(ctx.db, codeHash, grantId, ctx.now);
  if (!claimed) {
    const decision = judgeUnclaimableCode(await findAuthorizationCode(ctx.db, codeHash));
    if ("revokeGrantId" in decision && decision.revokeGrantId) {
      await revokeGrantNow(ctx.d1, decision.revokeGrantId, "code_replay", ctx.now);
      c.var.log.warn("authorization code replayed; grant revoked", {
        grant_id: decision.revokeGrantId,
        client_id: client.id,
      });
    }
    throw failure(decision);
  }
  const decision = judgeClaimedCode(
    claimed,
    {
      clientId: client.id,
      redirectUri: form.get("redirect_uri"),
      resource: form.get("resource"),
      pkceVerified: await verifyPkceCodeVerifier(form.get("code_verifier"), claimed.codeChallenge),
    },
    Math.floor(ctx.now / 1000),
  );
  if (!decision.ok) throw failure(decision);
  const scopes = claimed.scope.split(" ").filter(Boolean) as Scope[];
  const refreshToken = scopes.includes(OFFLINE_ACCESS) && clientMayRefresh(client) ? randomToken(32) : null;
  await insertGrant(ctx.d1, {
    id: grantId,
    userId: claimed.userId,
    clientId: client.id,
    scope: claimed.scope,
    resource: decision.resource,
    now: ctx.now,
    ...(refreshToken
      ? { refreshToken: { hash: await sha256Hex(refreshToken), expiresAt: ctx.now + REFRESH_TOKEN_TTL_SECONDS * 1000 } }
      : {}),
  });
  return tokenResponse(
    c,
    ctx,
    { id: grantId, userId: claimed.userId, clientId: client.id, resource: decision.resource },
    scopes,
    refreshToken,
  );
}

async function refreshAccessToken(
  c: Context<AppEnv>,
  ctx: OAuthServerContext,
  client: OAuthClientRow,
  form: URLSearchParams,
) {
  if (!clientMayRefresh(client))
    throw new OAuthError("unauthorized_client", {
      description: "This client may not use refresh tokens",
      reason: "no_refresh_grant",
    });
  const presented = form.get("refresh_token");
  if (!presented)
    throw new OAuthError("invalid_request", { description: "refresh_token is required", reason: "no_refresh_token" });
  const requested = parseScopeParameter(form.get("scope"));
  if (!requested.ok) throw new OAuthError("invalid_scope", { description: "Unknown scope", reason: "unknown_scope" });
  const oldHash = await sha256Hex(presented);
  const found = await findRefreshToken(ctx.db, oldHash);
  const newToken = randomToken(32);
  const newHash = await sha256Hex(newToken);
  const claimed =
    found !== null &&
    found.token.rotatedAt === null &&
    found.grant.revokedAt === null &&
    found.grant.clientId === client.id &&
    Math.floor(ctx.now / 1000) < found.token.expiresAt &&
    (form.get("resource") === null || form.get("resource") === found.grant.resource) &&
    (await rotateRefreshToken(ctx.d1, {
      oldHash,
      newHash,
      grantId: found.grant.id,
      now: ctx.now,
      expiresAt: ctx.now + REFRESH_TOKEN_TTL_SECONDS * 1000,
    }));
  const decision = judgeRefresh({
    token: found?.token ?? null,
    grant: found?.grant ?? null,
    clientId: client.id,
    claimed,
    resource: form.get("resource"),
    nowSeconds: Math.floor(ctx.now / 1000),
  });
  if (!decision.ok) {
    if ("revokeGrantId" in decision && decision.revokeGrantId) {
      await revokeGrantNow(ctx.d1, decision.revokeGrantId, "refresh_token_reuse", ctx.now);
      c.var.log.warn("refresh token reused; grant revoked", { grant_id: decision.revokeGrantId, client_id: client.id });
    }
    throw failure(decision);
  }
  const granted = decision.grant.scope.split(" ").filter(Boolean) as Scope[];
  const narrowed = narrowScopes(granted, requested.scopes);
  if (!narrowed)
    throw new OAuthError("invalid_scope", { description: "The scope exceeds the grant", reason: "scope_widening" });
  return tokenResponse(c, ctx, decision.grant, narrowed, newToken);
}

async function rateLimit(c: Context<AppEnv>, key: string) {
  const { success } = await c.env.RATE_LIMIT_TOKEN_ENDPOINT.limit({ key });
  return success
    ? null
    : c.json({ error: "invalid_request", error_description: "Too many requests; slow down" }, 429, {
        ...NO_STORE_HEADERS,
        "retry-after": "60",
      });
}

export const tokenRoutes = new Hono<AppEnv>()
  .post("/oauth/token", async (c) => {
    const ctx = oauthServerContext(c);
    // Before any state changes: a misconfigured server must not spend codes or rotate refresh tokens.
    await requireSigningKeys(ctx.config);
    const form = await readForm(c);
    const limited = await rateLimit(c, `token:${form.get("client_id") ?? clientIp(c)}`);
    if (limited) return limited;
    const grantType = form.get("grant_type");
    if (grantType !== "authorization_code" && grantType !== "refresh_token") {
      throw new OAuthError("unsupported_grant_type", {
        description: "Use authorization_code or refresh_token",
        reason: `grant_type_${grantType ?? "missing"}`,
      });
    }
    const client = await authenticatedClient(c, ctx, form);
    if (!client.grantTypes.includes(grantType)) {
      throw new OAuthError("unauthorized_client", {
        description: "This client did not register this grant type",
        reason: "grant_not_registered",
      });
    }
    return grantType === "authorization_code"
      ? exchangeAuthorizationCode(c, ctx, client, form)
      : refreshAccessToken(c, ctx, client, form);
  })
  .post("/oauth/revoke", async (c) => {
    // RFC 7009 §2: the client authenticates; the answer is 200 whether or not the token was known (§2.2).
    const ctx = oauthServerContext(c);
    const form = await readForm(c);
    const client = await authenticatedClient(c, ctx, form);
    const token = form.get("token");
    if (!token) throw new OAuthError("invalid_request", { description: "token is required", reason: "no_token" });
    const refresh = await findRefreshToken(ctx.db, await sha256Hex(token));
    if (refresh && refresh.grant.clientId === client.id) {
      // RFC 7009 §2.1: revoking a refresh token also invalidates the access tokens of the same grant.
      await revokeGrantNow(ctx.d1, refresh.grant.id, "token_revocation", ctx.now);
    } else if (token.split(".").length === 3) {
      const keys = await requireSigningKeys(ctx.config);
      const access = await verifyAccessToken(keys, token, { issuer: ctx.issuer, audience: ctx.resource });
      // Self-contained tokens cannot be revoked one by one; revoking one ends its grant (RFC 7009 §2.1 MAY).
      if (access.ok && access.token.clientId === client.id)
        await revokeGrantNow(ctx.d1, access.token.grantId, "token_revocation", ctx.now);
    }
    return c.body(null, 200, NO_STORE_HEADERS);
  })
  .post("/oauth/introspect", async (c) => {
    // RFC 7662 §2.1: for confidential clients (resource servers); public clients are refused.
    const ctx = oauthServerContext(c);
    const form = await readForm(c);
    const client = await authenticatedClient(c, ctx, form);
    if (client.tokenEndpointAuthMethod === "none") {
      throw new OAuthError("invalid_client", {
        description: "Introspection requires client authentication",
        reason: "public_client_introspection",
      });
    }
    const token = form.get("token");
    if (!token) throw new OAuthError("invalid_request", { description: "token is required", reason: "no_token" });
    const inactive = () => c.json({ active: false }, 200, NO_STORE_HEADERS);
    const keys = await requireSigningKeys(ctx.config);
    const access = await verifyAccessToken(keys, token, { issuer: ctx.issuer, audience: ctx.resource });
    if (access.ok) {
      // Introspection answers from D1 directly (strongly consistent), not from the per-isolate cache.
      const grant = await ctx.d1
        .prepare("SELECT revoked_at FROM oauth_grants WHERE id = ?1")
        .bind(access.token.grantId)
        .first<{ revoked_at: number | null }>();
      if (!grant || grant.revoked_at !== null) return inactive();
      return c.json(
        {
          active: true,
          token_type: "Bearer",
          scope: access.token.scopes.join(" "),
          client_id: access.token.clientId,
          sub: access.token.userId,
          aud: ctx.resource,
          iss: ctx.issuer,
          exp: access.token.expiresAt,
        },
        200,
        NO_STORE_HEADERS,
      );
    }
    const refresh = await findRefreshToken(ctx.db, await sha256Hex(token));
    if (
      !refresh ||
      refresh.token.rotatedAt !== null ||
      refresh.grant.revokedAt !== null ||
      refresh.token.expiresAt <= Math.floor(ctx.now / 1000)
    ) {
      return inactive();
    }
    return c.json(
      {
        active: true,
        token_type: "refresh_token",
        scope: refresh.grant.scope,
        client_id: refresh.grant.clientId,
        sub: refresh.grant.userId,
        exp: refresh.token.expiresAt,
      },
      200,
      NO_STORE_HEADERS,
    );
  });
