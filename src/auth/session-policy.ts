/**
 * Session lifetime rules (SPEC §5.3), as pure functions of a stored session and the clock.
 * OWASP Session Management: both an idle and an absolute timeout, server-side revocation.
 */
export const SESSION_IDLE_TIMEOUT_MS = 24 * 60 * 60 * 1000; // a day without any request
export const SESSION_ABSOLUTE_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000; // then sign in again regardless
/** `last_seen_at` is written at most this often, so an active session costs no write per request. */
export const SESSION_TOUCH_INTERVAL_MS = 5 * 60 * 1000;
/** How often a WorkOS-backed session is re-confirmed with WorkOS (refresh-token rotation). */
export const PROVIDER_SESSION_CHECK_INTERVAL_MS = 10 * 60 * 1000;

export interface SessionTimes {
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  revokedAt: number | null;
  userDeletedAt: number | null;
}

export type SessionVerdict =
  | { valid: true; touch: boolean }
  | { valid: false; reason: "revoked" | "user_deleted" | "expired" | "idle" };

export function evaluateSession(session: SessionTimes, now: number): SessionVerdict {
  if (session.revokedAt !== null) return { valid: false, reason: "revoked" };
  if (session.userDeletedAt !== null) return { valid: false, reason: "user_deleted" };
  if (now >= session.expiresAt) return { valid: false, reason: "expired" };
  if (now - session.lastSeenAt >= SESSION_IDLE_TIMEOUT_MS) return { valid: false, reason: "idle" };
  return { valid: true, touch: now - session.lastSeenAt >= SESSION_TOUCH_INTERVAL_MS };
}

/** Whether a WorkOS-backed session should be re-confirmed now. */
export function isProviderCheckDue(checkedAt: number | null, now: number): boolean {
  return checkedAt === null || now - checkedAt >= PROVIDER_SESSION_CHECK_INTERVAL_MS;
}
