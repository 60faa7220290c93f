/**
 * The token endpoint's security decisions, as pure functions over the rows storage returned
 * (RFC 6749 §4.1.3, §6, §10.5; OAuth 2.1 §4.1.3, §4.3; RFC 9700 §2.2.2, §4.14; RFC 8707 §2.2).
 * Storage makes the claims atomic (a conditional UPDATE … RETURNING in D1); these functions decide
 * what the claimed — or unclaimable — row means. Each failure is a tagged reason for logs, collapsed
 * to `invalid_grant` on the wire (RFC 6749 §5.2) so a caller cannot tell which check failed.
 */

/** OAuth 2.1 §4.1.2 recommends ≤ 10 minutes; we keep codes for 60 s, enough for any real client. */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;
/** A refresh token lives 30 days unless used (each use rotates it) or its grant is revoked. */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

export interface AuthorizationCodeRow {
  clientId: string;
  userId: string;
  redirectUri: string;
  scope: string;
  resource: string;
  codeChallenge: string;
  expiresAt: number;
  usedAt: number | null;
  /** The grant created by the first exchange; a replay revokes it (RFC 6749 §4.1.2, §10.5). */
  grantId: string | null;
}

export interface CodeExchangeRequest {
  clientId: string;
  redirectUri: string | null;
  /** RFC 8707 §2.2: `resource` on the token request, if any. */
  resource: string | null;
  /** The outcome of the PKCE check (RFC 7636 §4.6), computed by the caller. */
  pkceVerified: boolean;
}

export type TokenFailure =
  | { error: "invalid_grant"; reason: string; revokeGrantId?: string }
  | { error: "invalid_target"; reason: string };

export type CodeExchangeDecision = { ok: true; resource: string } | ({ ok: false } & TokenFailure);

/**
 * Judges a code this request has just claimed (marked used, atomically). The code is spent whatever
 * the verdict: a wrong verifier or redirect URI must not leave it usable for a second attempt.
 */
export function judgeClaimedCode(
  code: AuthorizationCodeRow,
  request: CodeExchangeRequest,
  nowSeconds: number,
): CodeExchangeDecision {
  if (nowSeconds >= code.expiresAt) return { ok: false, error: "invalid_grant", reason: "code_expired" };
  // RFC 6749 §4.1.3: the code was issued to this client, for this redirect URI.
  if (code.clientId !== request.clientId) return { ok: false, error: "invalid_grant", reason: "client_mismatch" };
  if (request.redirectUri !== code.redirectUri)
    return { ok: false, error: "invalid_grant", reason: "redirect_uri_mismatch" };
  if (!request.pkceVerified) return { ok: false, error: "invalid_grant", reason: "pkce_failed" };
  // RFC 8707 §2.2: a token request may repeat the resource, never name another one.
  if (request.resource !== null && request.resource !== code.resource) {
    return { ok: false, error: "invalid_target", reason: "resource_mismatch" };
  }
  return { ok: true, resource: code.resource };
}

/**
 * Judges a code this request could not claim: unknown, expired, or already used. A used code is a
 * replay — someone else holds it — so everything issued from it is revoked (RFC 6749 §4.1.2 "SHOULD
 * revoke … all tokens previously issued based on that authorization code"; OAuth 2.1 §4.1.3).
 */
export function judgeUnclaimableCode(code: AuthorizationCodeRow | null): { ok: false } & TokenFailure {
  if (!code) return { ok: false, error: "invalid_grant", reason: "code_unknown" };
  if (code.usedAt !== null) {
    return code.grantId
      ? { ok: false, error: "invalid_grant", reason: "code_replayed", revokeGrantId: code.grantId }
      : { ok: false, error: "invalid_grant", reason: "code_replayed" };
  }
  return { ok: false, error: "invalid_grant", reason: "code_expired" };
}

export interface RefreshTokenRow {
  grantId: string;
  expiresAt: number;
  /** Set when the token was exchanged for its successor. */
  rotatedAt: number | null;
}

export interface GrantRow {
  id: string;
  clientId: string;
  userId: string;
  scope: string;
  resource: string;
  revokedAt: number | null;
}

export type RefreshDecision = { ok: true; grant: GrantRow } | ({ ok: false } & TokenFailure);

/**
 * Judges a refresh request (RFC 6749 §6; OAuth 2.1 §4.3.1; RFC 9700 §4.14.2). Refresh tokens rotate
 * on every use, so a token that was already rotated and is presented again means two parties hold
 * it — the legitimate client and a thief, and we cannot tell which is which: the whole grant is
 * revoked (every refresh and access token issued under it). `claimed` says whether this request won
 * the atomic rotation claim (attempted only when the other checks pass); losing it to a concurrent
 * request is reuse, too. A wrong resource or an expired token is refused without revoking anything.
 */
export function judgeRefresh(input: {
  token: RefreshTokenRow | null;
  grant: GrantRow | null;
  clientId: string;
  claimed: boolean;
  resource: string | null;
  nowSeconds: number;
}): RefreshDecision {
  const { token, grant } = input;
  if (!token || !grant) return { ok: false, error: "invalid_grant", reason: "refresh_token_unknown" };
  if (grant.revokedAt !== null) return { ok: false, error: "invalid_grant", reason: "grant_revoked" };
  // RFC 6749 §6: the refresh token is bound to the client it was issued to.
  if (grant.clientId !== input.clientId) return { ok: false, error: "invalid_grant", reason: "client_mismatch" };
  if (token.rotatedAt !== null) {
    return { ok: false, error: "invalid_grant", reason: "refresh_token_reused", revokeGrantId: grant.id };
  }
  if (input.nowSeconds >= token.expiresAt)
    return { ok: false, error: "invalid_grant", reason: "refresh_token_expired" };
  if (input.resource !== null && input.resource !== grant.resource) {
    return { ok: false, error: "invalid_target", reason: "resource_mismatch" };
  }
  // Every check passed but another request rotated the token first: that is a reuse too.
  if (!input.claimed)
    return { ok: false, error: "invalid_grant", reason: "refresh_token_reused", revokeGrantId: grant.id };
  return { ok: true, grant };
}
