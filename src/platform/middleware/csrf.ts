import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context";
import { AppError } from "../errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface CsrfRequestFacts {
  method: string;
  /** The `Origin` header, if any. */
  origin: string | undefined;
  /** The `Sec-Fetch-Site` header, if any (Fetch Metadata). */
  secFetchSite: string | undefined;
  /** Whether the request carries our session cookie (ambient credentials). */
  hasSessionCookie: boolean;
}

/**
 * Decides whether a state-changing request may proceed (OWASP CSRF cheat sheet: "Verifying origin with
 * standard headers" and Fetch Metadata). Pure.
 *
 * - Safe methods always pass (they must not change state).
 * - A browser request (it sends `Origin` or `Sec-Fetch-Site`) must come from an allowed origin, or be
 *   `same-origin`; a `cross-site`/`same-site` request is refused even without a cookie (login CSRF).
 * - A request carrying the session cookie but neither header is refused: every current browser sends
 *   `Origin` on POST, so its absence with a cookie is not a browser we can trust.
 * - Requests with neither cookie nor browser headers (server-to-server API clients) pass: they carry
 *   no ambient credentials to abuse.
 */
export function isCsrfSafe(facts: CsrfRequestFacts, allowedOrigins: ReadonlySet<string>): boolean {
  if (SAFE_METHODS.has(facts.method)) return true;
  if (facts.origin !== undefined && facts.origin !== "null") return allowedOrigins.has(facts.origin);
  if (facts.secFetchSite !== undefined) return facts.secFetchSite === "same-origin" || facts.secFetchSite === "none";
  if (facts.origin === "null") return false;
  return !facts.hasSessionCookie;
}

/** Refuses cross-site state-changing requests with 403 `csrf_rejected`. */
export function csrfProtection(
  sessionCookieName: (c: { var: AppEnv["Variables"] }) => string,
): MiddlewareHandler<AppEnv> {
  return async function csrfProtectionMiddleware(c, next) {
    const cookieHeader = c.req.header("cookie") ?? "";
    const facts: CsrfRequestFacts = {
      method: c.req.method,
      origin: c.req.header("origin"),
      secFetchSite: c.req.header("sec-fetch-site"),
      hasSessionCookie: cookieHeader.includes(`${sessionCookieName(c)}=`),
    };
    if (!isCsrfSafe(facts, c.var.config.corsAllowedOrigins)) {
      throw new AppError("csrf_rejected", "Cross-site request refused");
    }
    await next();
  };
}
