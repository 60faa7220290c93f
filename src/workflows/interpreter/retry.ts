import type { RetryPolicy } from "./types";

/** SPEC §7.1: three attempts, exponential backoff from one second. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, backoffMs: 1000 };
/** Bounds of a node's `retryPolicy` (validated at save time; clamped here for definitions saved before). */
export const MAX_NODE_ATTEMPTS = 10;
export const MAX_NODE_BACKOFF_MS = 60_000;
/** No single wait between attempts is longer, whatever the backoff or an upstream's `Retry-After`. */
export const MAX_RETRY_WAIT_MS = 5 * 60_000;

function clamp(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}

/** The retry policy of a node: its `retryPolicy` over the defaults. */
export function retryPolicyOf(config: Record<string, unknown>): RetryPolicy {
  const override = config.retryPolicy;
  const given = typeof override === "object" && override !== null ? (override as Record<string, unknown>) : {};
  return {
    attempts: clamp(given.attempts, 1, MAX_NODE_ATTEMPTS, DEFAULT_RETRY_POLICY.attempts),
    backoffMs: clamp(given.backoffMs, 0, MAX_NODE_BACKOFF_MS, DEFAULT_RETRY_POLICY.backoffMs),
  };
}

/**
 * The wait before attempt `failedAttempt + 1`: `backoffMs × 2^(failedAttempt − 1)`, or the upstream's
 * `Retry-After` when it asks for longer, capped at {@link MAX_RETRY_WAIT_MS}. No jitter: the interpreter is
 * deterministic (the edge's proxy already jitters its own inner retries).
 */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number, retryAfterMs?: number): number {
  const backoff = policy.backoffMs * 2 ** Math.min(30, Math.max(0, failedAttempt - 1));
  const wanted = retryAfterMs !== undefined && retryAfterMs > backoff ? retryAfterMs : backoff;
  return Math.min(MAX_RETRY_WAIT_MS, wanted);
}
