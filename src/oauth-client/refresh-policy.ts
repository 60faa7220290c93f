/**
 * When to refresh an OAuth access token, and what to do after a failed refresh (SPEC §6.5). Pure.
 *
 * Refreshing ahead of expiry (by a margin) means no request ever goes out with a token that expires
 * in flight; a failed refresh is classified so that a dead grant stops being retried (the user must
 * reconnect) while a provider outage is retried with growing pauses instead of a retry storm.
 */

/**
 * The longest refresh margin: a long-lived token is refreshed this long before it expires (the seeds use
 * five minutes — room for clock skew and a slow request in flight).
 */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;
/**
 * A short-lived token's margin is this fraction of its lifetime, so a token living under five minutes is
 * not "due" from the moment it is issued (a 120 s token is refreshed 30 s before expiry, not on every use).
 */
export const REFRESH_MARGIN_FRACTION = 0.25;
/**
 * A token issued less than this long ago is never refreshed on our own initiative, even if the clock says
 * it is due (`expires_in: 0`, clock skew): only an upstream refusal (`force`) refreshes it. This bounds
 * refreshes to one per token however many callers arrive together.
 */
export const MIN_TOKEN_AGE_MS = 2_000;
/** First pause after a transient refresh failure; doubles per consecutive failure. */
export const REFRESH_COOLDOWN_BASE_MS = 30 * 1000;
export const REFRESH_COOLDOWN_MAX_MS = 15 * 60 * 1000;
/** Transient failures on this many distinct UTC days, with no success in between, exhaust the connection. */
export const EXHAUSTION_DAYS = 2;

export interface TokenTimes {
  /** Epoch ms; null when the provider gave no `expires_in` (the token is used until refused). */
  expiresAt: number | null;
  hasRefreshToken: boolean;
  /**
   * Epoch ms when the token was obtained (the token response's arrival). With it the margin is relative to
   * the token's lifetime; without it (tokens stored before issue times were kept) the margin is the fixed
   * REFRESH_MARGIN_MS.
   */
  issuedAt?: number | null;
}

/** The times of stored tokens (token-store.ts shape), as the decision reads them. */
export function tokenTimesOf(tokens: {
  expires_at: number | null;
  obtained_at?: number | undefined;
  refresh_token?: string | undefined;
}): TokenTimes {
  return {
    expiresAt: tokens.expires_at,
    issuedAt: tokens.obtained_at ?? null,
    hasRefreshToken: Boolean(tokens.refresh_token),
  };
}

export type RefreshReason =
  | "valid"
  | "no_expiry"
  | "expiring"
  | "expired"
  | "forced"
  | "no_refresh_token"
  | "recently_issued";
export type RefreshDecision = { refresh: boolean; reason: RefreshReason };

/**
 * How long before expiry a token becomes due: min(REFRESH_MARGIN_MS, REFRESH_MARGIN_FRACTION × lifetime).
 * Lifetime unknown (no issue time) → REFRESH_MARGIN_MS; no expiry → 0.
 */
export function refreshMarginMs(tokens: Pick<TokenTimes, "expiresAt" | "issuedAt">): number {
  if (tokens.expiresAt === null) return 0;
  if (tokens.issuedAt === undefined || tokens.issuedAt === null) return REFRESH_MARGIN_MS;
  const lifetime = Math.max(0, tokens.expiresAt - tokens.issuedAt);
  return Math.min(REFRESH_MARGIN_MS, Math.floor(lifetime * REFRESH_MARGIN_FRACTION));
}

/**
 * Whether to refresh an access token now (RFC 6749 §6).
 * @param force the upstream refused a token we believed valid (RFC 6750 §3.1 `invalid_token`).
 */
export function decideRefresh(tokens: TokenTimes, now: number, force = false): RefreshDecision {
  if (!tokens.hasRefreshToken) return { refresh: false, reason: "no_refresh_token" };
  if (force) return { refresh: true, reason: "forced" };
  if (tokens.expiresAt === null) return { refresh: false, reason: "no_expiry" };
  if (tokens.issuedAt !== undefined && tokens.issuedAt !== null && now - tokens.issuedAt < MIN_TOKEN_AGE_MS)
    return { refresh: false, reason: "recently_issued" };
  if (tokens.expiresAt <= now) return { refresh: true, reason: "expired" };
  if (tokens.expiresAt - now <= refreshMarginMs(tokens)) return { refresh: true, reason: "expiring" };
  return { refresh: false, reason: "valid" };
}

/**
 * Whether a cached client-credentials token (RFC 6749 §4.4) must be fetched again: the same lifetime-relative
 * margin as refresh, and never a token fetched moments ago. There is no refresh token: a new one is requested.
 */
export function isClientCredentialsTokenDue(tokens: Pick<TokenTimes, "expiresAt" | "issuedAt">, now: number): boolean {
  return decideRefresh({ ...tokens, hasRefreshToken: true }, now).refresh;
}

/** The kinds of refresh failure, from the token endpoint's answer (RFC 6749 §5.2). */
export type RefreshFailureKind = "invalid_grant" | "rejected" | "transient";

/**
 * Classifies a token-endpoint failure. `invalid_grant` (revoked, expired or rotated-away refresh token)
 * is final; other 4xx errors are configuration problems (bad client secret), also final; 5xx, 429,
 * timeouts, network errors and unparseable answers are transient.
 */
export function classifyRefreshFailure(input: { status: number | null; error?: string | null }): RefreshFailureKind {
  const known = input.error ? FINAL_TOKEN_ERRORS[input.error] : undefined;
  if (known === "invalid_grant") return known;
  if (input.status === null || input.status >= 500 || input.status === 429 || input.status === 408) return "transient";
  // A final error code is final whatever the status: GitHub answers them with 200.
  if (known) return known;
  if (input.status >= 400) return input.error === "temporarily_unavailable" ? "transient" : "rejected";
  return "transient";
}

/**
 * Token-endpoint error codes that retrying cannot fix: RFC 6749 §5.2's, plus the ones GitHub sends instead,
 * with HTTP 200 (docs.github.com "Troubleshooting OAuth app access token request errors"). A dead refresh
 * token must end the connection at once, not after a day of cooldowns.
 */
const FINAL_TOKEN_ERRORS: Readonly<Record<string, RefreshFailureKind>> = {
  invalid_grant: "invalid_grant",
  bad_refresh_token: "invalid_grant",
  bad_verification_code: "invalid_grant",
  invalid_request: "rejected",
  invalid_client: "rejected",
  unauthorized_client: "rejected",
  unsupported_grant_type: "rejected",
  invalid_scope: "rejected",
  incorrect_client_credentials: "rejected",
  redirect_uri_mismatch: "rejected",
  unverified_user_email: "rejected",
};

/** Pause after the n-th consecutive transient failure (1-based). */
export function cooldownMs(consecutiveFailures: number): number {
  const exponent = Math.max(0, Math.min(consecutiveFailures, 16) - 1);
  return Math.min(REFRESH_COOLDOWN_MAX_MS, REFRESH_COOLDOWN_BASE_MS * 2 ** exponent);
}

/** UTC day number of an epoch-ms instant. */
export function utcDay(epochMs: number): number {
  return Math.floor(epochMs / 86_400_000);
}

/**
 * Whether failures recorded on these UTC days (since the last success) exhaust the connection: failures on
 * at least EXHAUSTION_DAYS consecutive days mean the provider is not coming back by itself.
 */
export function isExhausted(failureDays: readonly number[]): boolean {
  const days = [...new Set(failureDays)].sort((a, b) => a - b);
  let run = 1;
  for (let i = 1; i < days.length; i++) {
    run = days[i] === (days[i - 1] as number) + 1 ? run + 1 : 1;
    if (run >= EXHAUSTION_DAYS) return true;
  }
  return EXHAUSTION_DAYS <= 1 && days.length > 0;
}
