/**
 * The local rate limiter (Miniflare's, like the platform's `simple` limits) counts in windows aligned to the
 * wall clock. A test that counts exactly which call is the first refused must not straddle a window boundary:
 * this waits for the next window when the current one ends within `needMs`. Tests that call it allow for
 * the wait in their timeout.
 */
export async function inFreshRateWindow(periodSeconds = 60, needMs = 5_000): Promise<void> {
  const periodMs = periodSeconds * 1000;
  const left = periodMs - (Date.now() % periodMs);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

/** Timeout for a test that starts with {@link inFreshRateWindow}. */
export const RATE_WINDOW_TEST_TIMEOUT_MS = 20_000;
