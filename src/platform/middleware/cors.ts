import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "../context";

/**
 * Credentialed CORS for the API: only `APP_URL`'s origin and the configured `CORS_ALLOWED_ORIGINS`
 * are reflected; never `*` (Fetch standard: a wildcard cannot carry credentials, and reflecting any
 * origin would let every site act as the signed-in user).
 */
export function apiCors(): MiddlewareHandler<AppEnv> {
  // The allowed origins come from the configuration, which is parsed once per environment.
  const handlers = new WeakMap<ReadonlySet<string>, MiddlewareHandler>();
  return async function apiCorsMiddleware(c, next) {
    // Only a real preflight carries Access-Control-Request-Method (Fetch standard, CORS-preflight request);
    // any other OPTIONS is an ordinary request — the proxy forwards it to the upstream — not ours to answer.
    if (c.req.method === "OPTIONS" && !c.req.header("access-control-request-method")) return next();
    const allowed = c.var.config.corsAllowedOrigins;
    let handler = handlers.get(allowed);
    if (!handler) {
      handler = cors({
        origin: (origin) => (allowed.has(origin) ? origin : null),
        credentials: true,
        allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allowHeaders: ["content-type", "authorization", "x-request-id", "x-csrf-token"],
        exposeHeaders: ["x-request-id", "retry-after"],
        maxAge: 600,
      });
      handlers.set(allowed, handler);
    }
    return handler(c, next);
  };
}
