import type { Context } from "hono";
import type { AppEnv } from "./context";
import { AppError } from "./errors";

/**
 * Checks one key against a Workers rate-limiting binding and throws 429 `rate_limited` with
 * `Retry-After` (RFC 9110 §10.2.3) when it is over its limit. `periodSeconds` is the binding's period
 * (wrangler.toml), the longest a caller must wait for the window to move.
 */
export async function enforceRateLimit(limiter: RateLimit, key: string, periodSeconds = 60): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (!success) {
    throw new AppError("rate_limited", "Too many requests; try again later", {
      headers: { "retry-after": String(periodSeconds) },
    });
  }
}

/** The caller's IP as Cloudflare reports it; `unknown` outside Cloudflare (tests, local tools). */
export function clientIp(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip") ?? "unknown";
}
