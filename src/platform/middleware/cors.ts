import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "../context";

/**
 * Credentialed CORS for the API: only `APP_URL`'s origin and the configured `CORS_ALLOWED_ORIGINS`
 * are reflected; never `*` (Fetch standard: a wildcard cannot carry credentials, and reflecting any
 * origin would let every site act as the signed-in user).
 */
export function apiCors(): MiddlewareHandler<AppEnv> {
  return async function apiCorsMiddleware(c, next) {
    const allowed = c.var.config.corsAllowedOrigins;
    return cors({
      origin: (origin) => (allowed.has(origin) ? origin : null),
      credentials: true,
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["content-type", "authorization", "x-request-id", "x-csrf-token"],
      exposeHeaders: ["x-request-id", "retry-after"],
      maxAge: 600,
    })(c, next);
  };
}
