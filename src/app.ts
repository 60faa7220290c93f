import { Hono } from "hono";
import { encryptionAdminRoutes } from "./admin/encryption";
import { adminRoutes } from "./admin/routes";
import { sessionCookieName } from "./auth/cookies";
import { sessionAuth } from "./auth/middleware";
import { authRoutes } from "./auth/routes";
import { connectionRoutes } from "./connections/routes";
import { healthRoutes } from "./health/routes";
import { oauthClientRoutes } from "./oauth-client/routes";
import type { AppEnv } from "./platform/context";
import { errorResponse, handleError } from "./platform/error-handler";
import { AppError } from "./platform/errors";
import { limitBodySize } from "./platform/middleware/body";
import { apiCors } from "./platform/middleware/cors";
import { csrfProtection } from "./platform/middleware/csrf";
import { requestContext } from "./platform/middleware/request-context";
import { securityHeaders } from "./platform/middleware/security-headers";
import { outboundWebhookRoutes } from "./webhooks/outbound";
import { workosWebhookRoutes } from "./webhooks/workos";

const INBOUND_WEBHOOK_PATHS = new Set(["/api/webhooks/workos"]);
const PROXY_PATH_PATTERN = /^\/api\/connections\/[^/]+\/proxy(\/|$)/;

/** Paths the Worker owns; everything else is the single-page app's static files (wrangler.toml [assets]). */
const WORKER_PATH_PATTERN = /^\/(api|oauth|internal|\.well-known)(\/|$)|^\/mcp$/;

/**
 * Builds the application: platform middleware, then one sub-app per feature. `src/index.ts` exports it.
 * The chained `.route()` calls keep `typeof app` usable as the RPC type of the web client.
 */
export function createApp() {
  // Middleware instances are built once per app, not per request.
  const jsonSizedBodies = limitBodySize();
  const csrf = csrfProtection((ctx) => sessionCookieName(ctx.var.config));
  const app = new Hono<AppEnv>()
    .use(requestContext())
    .use(securityHeaders())
    .use("/api/*", apiCors())
    .use("/api/*", async (c, next) => {
      // The proxy streams bodies through (up to the platform's request limit); everything else is JSON-sized.
      if (PROXY_PATH_PATTERN.test(c.req.path)) return next();
      return jsonSizedBodies(c, next);
    })
    .use("/api/*", async (c, next) => {
      // Inbound webhooks are server-to-server, authenticated by their signatures, and carry no cookies.
      if (INBOUND_WEBHOOK_PATHS.has(c.req.path)) return next();
      return csrf(c, next);
    })
    .use("/api/*", sessionAuth())
    .route("/api", healthRoutes)
    .route("/api/auth", authRoutes)
    .route("/api/admin/encryption", encryptionAdminRoutes)
    .route("/api/admin", adminRoutes)
    .route("/api", connectionRoutes)
    .route("/api/oauth", oauthClientRoutes)
    .route("/api/webhooks", workosWebhookRoutes)
    .route("/api/webhooks", outboundWebhookRoutes);

  app.notFound(async (c) => {
    const path = new URL(c.req.url).pathname;
    // Reached only when the Worker is called directly (tests, bench) for a static path: serve the SPA.
    if (!WORKER_PATH_PATTERN.test(path) && (c.req.method === "GET" || c.req.method === "HEAD")) {
      const asset = await c.env.ASSETS.fetch(c.req.raw);
      return new Response(asset.body, asset); // mutable headers, so the platform middleware can add its own
    }
    return errorResponse(c, new AppError("not_found", `No route for ${c.req.method} ${path}`));
  });
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;
