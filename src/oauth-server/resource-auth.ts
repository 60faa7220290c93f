import type { Context } from "hono";
import type { AppEnv } from "../platform/context";
import { oauthServerContext, requireSigningKeys, revokedGrantsFor, verifiedTokensFor } from "./context";
import { protectedResourceMetadataUrlFor } from "./metadata";
import type { Scope } from "./scopes";
import { bearerChallenge, NO_STORE_HEADERS } from "./wire";

/** Who is calling a protected resource: established from a verified access token. */
export interface AccessPrincipal {
  userId: string;
  clientId: string;
  grantId: string;
  scopes: readonly string[];
  token: string;
  expiresAt: number;
}

export type BearerCheck = { ok: true; principal: AccessPrincipal } | { ok: false; response: Response };

const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

/**
 * Authenticates a request to `/mcp` (RFC 6750; RFC 9728 §5.1; MCP authorization "Access Token Usage"):
 * the token only in the `Authorization` header — a token in the query string is refused (RFC 6750 §2.3
 * is not offered; URLs end up in logs); signature, issuer, `typ` and audience = `{APP_URL}/mcp`
 * checked with no storage read (once per token per isolate, expiry on every request: verified-tokens.ts); then the grant against the per-isolate revoked-grants cache
 * (≤ 4 s stale, see revocation-cache.ts). Failures are 401 with `WWW-Authenticate` naming the
 * resource metadata; the reason is logged, not sent.
 */
export async function authenticateBearer(c: Context<AppEnv>): Promise<BearerCheck> {
  const ctx = oauthServerContext(c);
  const resourceMetadata = protectedResourceMetadataUrlFor(ctx.config.appUrl);
  const url = new URL(c.req.url);
  if (url.searchParams.has("access_token")) {
    return refuse(
      c,
      400,
      bearerChallenge({
        resourceMetadata,
        error: "invalid_request",
        description: "Send the access token in the Authorization header",
      }),
      "token_in_query",
    );
  }
  const header = c.req.header("authorization");
  if (!header) return refuse(c, 401, bearerChallenge({ resourceMetadata }), "no_token");
  const match = BEARER.exec(header);
  if (!match)
    return refuse(
      c,
      401,
      bearerChallenge({ resourceMetadata, error: "invalid_request", description: "Use the Bearer scheme" }),
      "not_bearer",
    );
  const token = match[1] as string;
  const keys = await requireSigningKeys(ctx.config);
  const verified = await verifiedTokensFor(keys, ctx.issuer, ctx.resource).check(token, Math.floor(ctx.now / 1000));
  const invalid = () =>
    bearerChallenge({
      resourceMetadata,
      error: "invalid_token",
      description: "The access token is invalid, expired or revoked",
    });
  if (!verified.ok) return refuse(c, 401, invalid(), verified.reason);
  const verdict = await revokedGrantsFor(ctx.d1).check(verified.token.grantId);
  if (verdict.refresh) c.executionCtx.waitUntil(verdict.refresh.catch(() => {}));
  if (verdict.revoked) return refuse(c, 401, invalid(), "grant_revoked");
  return { ok: true, principal: { ...verified.token, token } };
}

function refuse(c: Context<AppEnv>, status: 400 | 401, challenge: string, reason: string): BearerCheck {
  c.var.log.info("mcp request refused", { reason });
  return {
    ok: false,
    response: c.json(
      { error: status === 400 ? "invalid_request" : "invalid_token", error_description: "Authorization required" },
      status,
      { ...NO_STORE_HEADERS, "www-authenticate": challenge },
    ),
  };
}

/**
 * The 403 step-up challenge (RFC 6750 §3.1 `insufficient_scope`; MCP 2025-11-25 "Scope Challenge"):
 * `scope` lists what the client already holds plus what the operation needs, so re-authorizing with
 * it loses nothing.
 */
export function insufficientScopeResponse(
  c: Context<AppEnv>,
  held: readonly string[],
  required: readonly Scope[],
): Response {
  const resourceMetadata = protectedResourceMetadataUrlFor(c.var.config.appUrl);
  const scope = [...new Set([...held.filter((s) => s !== "offline_access"), ...required])].join(" ");
  return c.json({ error: "insufficient_scope", error_description: `This operation needs ${required.join(" ")}` }, 403, {
    ...NO_STORE_HEADERS,
    "www-authenticate": bearerChallenge({ resourceMetadata, error: "insufficient_scope", scope }),
  });
}
