/**
 * Retry delay for a failed job, from the number of deliveries so far (`message.attempts`, 1-based).
 * Exponential (base × 2^(attempts−1)), capped, with ±20% jitter so a burst of failures (a provider
 * outage) does not come back as a synchronized burst of retries.
 */
export const RETRY_BASE_DELAY_SECONDS = 10;
export const RETRY_MAX_DELAY_SECONDS = 15 * 60;
const JITTER_RATIO = 0.2;

export interface RetryDelayOptions {
  baseSeconds?: number;
  maxSeconds?: number;
  /** A number in [0, 1); `Math.random` by default. Injected by tests. */
  random?: () => number;
}

export function retryDelaySeconds(attempts: number, options: RetryDelayOptions = {}): number {
  const base = options.baseSeconds ?? RETRY_BASE_DELAY_SECONDS;
  const max = options.maxSeconds ?? RETRY_MAX_DELAY_SECONDS;
  const random = options.random ?? Math.random;
  const exponent = Math.max(0, Math.min(attempts, 32) - 1);
  const delay = Math.min(max, base * 2 ** exponent);
  const jittered = delay * (1 - JITTER_RATIO + 2 * JITTER_RATIO * random());
  return Math.max(1, Math.min(max, Math.round(jittered)));
}
