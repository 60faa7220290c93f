import type { Context } from "hono";
import { type Database, getDb } from "../db/client";
import type { AppConfig } from "../platform/config";
import type { AppEnv } from "../platform/context";
import { OAuthError } from "../platform/oauth-error";
import { ACCESS_TOKEN_TTL_SECONDS, verifyAccessToken } from "./access-token";
import { issuerFor, mcpResourceFor } from "./metadata";
import { RevokedGrantsCache } from "./revocation-cache";
import { type SigningKeys, signingKeysFor } from "./signing-keys";
import { listGrantsRevokedSince, revokeGrant } from "./store";
import { VerifiedTokenMemo } from "./verified-tokens";

/** What every authorization-server handler needs, read once per request. */
export interface OAuthServerContext {
  db: Database;
  d1: D1Database;
  config: AppConfig;
  issuer: string;
  resource: string;
  now: number;
}

export function oauthServerContext(c: Context<AppEnv>): OAuthServerContext {
  const config = c.var.config;
  return {
    db: getDb(c.env.DB),
    d1: c.env.DB,
    config,
    issuer: issuerFor(config.appUrl),
    resource: mcpResourceFor(config.appUrl),
    now: Date.now(),
  };
}

/** The signing keys, or 503 `temporarily_unavailable` when `OAUTH_SIGNING_KEYS` is missing or malformed. */
export async function requireSigningKeys(config: AppConfig): Promise<SigningKeys> {
  try {
    return await signingKeysFor(config.oauth.signingKeys);
  } catch (error) {
    throw new OAuthError("temporarily_unavailable", {
      description: "The authorization server is not configured",
      reason: (error as Error).message,
      cause: error,
    });
  }
}

/** Revocations older than this cannot matter: every access token they could stop has expired. */
const REVOCATION_WINDOW_MS = (ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;
const caches = new WeakMap<D1Database, RevokedGrantsCache>();

/** The isolate's revoked-grants cache for this database (see revocation-cache.ts for the bound). */
export function revokedGrantsFor(d1: D1Database): RevokedGrantsCache {
  let cache = caches.get(d1);
  if (!cache) {
    cache = new RevokedGrantsCache({
      windowMs: REVOCATION_WINDOW_MS,
      load: (since) => listGrantsRevokedSince(d1, since),
    });
    caches.set(d1, cache);
  }
  return cache;
}

/** Revokes a grant in D1 and, at once, in this isolate's cache (other isolates follow within 4 s). */
export async function revokeGrantNow(d1: D1Database, grantId: string, reason: string, now: number): Promise<boolean> {
  const changed = await revokeGrant(d1, grantId, reason, now);
  revokedGrantsFor(d1).markRevoked(grantId);
  return changed;
}

const verifiedTokenMemos = new WeakMap<SigningKeys, Map<string, VerifiedTokenMemo>>();

/**
 * The isolate's memo of verified access tokens for these keys, issuer and audience (verified-tokens.ts): a
 * token's signature and claims are checked once, its expiry on every use.
 */
export function verifiedTokensFor(keys: SigningKeys, issuer: string, audience: string): VerifiedTokenMemo {
  let byTarget = verifiedTokenMemos.get(keys);
  if (!byTarget) {
    byTarget = new Map();
    verifiedTokenMemos.set(keys, byTarget);
  }
  const target = `${issuer} ${audience}`;
  let memo = byTarget.get(target);
  if (!memo) {
    memo = new VerifiedTokenMemo({
      verify: (token, nowSeconds) => verifyAccessToken(keys, token, { issuer, audience, nowSeconds }),
    });
    byTarget.set(target, memo);
  }
  return memo;
}
