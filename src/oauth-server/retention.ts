import { lt } from "drizzle-orm";
import { deleteBatch, type RetentionRule } from "../db/retention";
import { oauthAuthorizationCodes, oauthRefreshTokens } from "../db/schema";
import { REFRESH_TOKEN_TTL_SECONDS } from "./token-decisions";

/**
 * A used code is kept while anything issued from it could still be alive, so a late replay still
 * revokes the grant (RFC 6749 §4.1.2, OAuth 2.1 §4.1.3): its refresh token's lifetime after expiry.
 */
export const AUTHORIZATION_CODE_RETENTION_MS = REFRESH_TOKEN_TTL_SECONDS * 1000;

/**
 * Retention rules of the authorization server. Refresh tokens are kept — rotated ones included — until
 * their own expiry: presenting a rotated one before then is reuse and revokes the grant (RFC 9700
 * §4.14.2); after it, the token is refused as expired (or unknown) and nothing is left to protect.
 */
export const OAUTH_SERVER_RETENTION_RULES: readonly RetentionRule[] = [
  {
    name: "oauth_authorization_codes.expired",
    purge: (db, nowMs, limit) =>
      deleteBatch(
        db,
        oauthAuthorizationCodes,
        lt(oauthAuthorizationCodes.expiresAt, nowMs - AUTHORIZATION_CODE_RETENTION_MS),
        limit,
      ),
  },
  {
    name: "oauth_refresh_tokens.expired",
    purge: (db, nowMs, limit) => deleteBatch(db, oauthRefreshTokens, lt(oauthRefreshTokens.expiresAt, nowMs), limit),
  },
];
