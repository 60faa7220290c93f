import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context";

/**
 * Defaults for every response the Worker produces. A route that renders HTML (dev sign-in, consent)
 * sets its own stricter-but-workable CSP, which is kept. The SPA's static files get the same policy
 * from `web/public/_headers`.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin-allow-popups",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
};
/** RFC 6797: one year, subdomains included; only sent when the app itself is served over https. */
const HSTS_VALUE = "max-age=31536000; includeSubDomains";

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    const headers = c.res.headers;
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!headers.has(name)) headers.set(name, value);
    }
    if (c.var.config?.appUrl.protocol === "https:") headers.set("strict-transport-security", HSTS_VALUE);
  };
}
