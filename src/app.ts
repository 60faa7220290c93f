import { Hono } from "hono";
import { adminRoutes } from "./admin/routes";
import { apiDocsRoutes } from "./api-docs/document";
import { bearerApiKey } from "./auth/api-keys/keys";
import { apiKeyRoutes } from "./auth/api-keys/routes";
import { sessionCookieName } from "./auth/cookies";
import { authRoutes } from "./auth/routes";
import { INBOUND_WEBHOOK_PATHS, workosWebhookRoutes } from "./auth/workos-webhooks";
import { encryptionAdminRoutes } from "./connections/rotation-routes";
import { createConnectionRoutes } from "./connections/routes";
import { healthRoutes } from "./health/routes";
import { internalRoutes } from "./internal/routes";
import { createMcpRoutes } from "./mcp/routes";
import { createWorkflowsPort } from "./mcp/workflows-port";
import { cachedMcpGatewayTools } from "./mcp-client/gateway";
import { mcpClientMetadataRoutes, mcpOAuthRoutes } from "./mcp-client/oauth-routes";
import { mcpClientRoutes } from "./mcp-client/routes";
import { oauthClientRoutes } from "./oauth-client/routes";
import { adminClientRoutes, grantRoutes, oauthServerRoutes } from "./oauth-server/routes";
import { paragonGatewayTools } from "./paragon/mcp-tools";
import { PARAGON_WEBHOOK_PATHS, paragonRoutes } from "./paragon/routes";
import { getConfig } from "./platform/config";
import type { AppEnv } from "./platform/context";
import { errorResponse, handleError } from "./platform/error-handler";
import { AppError } from "./platform/errors";
import { limitBodySize } from "./platform/middleware/body";
import { apiCors } from "./platform/middleware/cors";
import { csrfProtection } from "./platform/middleware/csrf";
import { requestContext } from "./platform/middleware/request-context";
import { securityHeaders } from "./platform/middleware/security-headers";
import { CREDENTIAL_PROVIDERS } from "./proxy/credentials";
import { PROXY_PATH_PATTERN, proxyRoutes } from "./proxy/routes";
import { outboundWebhookRoutes } from "./proxy/webhook-routes";
import { agentRoutes, executionRoutes, workflowRoutes } from "./workflows/routes";

/** Paths the Worker owns; everything else is the single-page app's static files (wrangler.toml [assets]). */
const WORKER_PATH_PATTERN = /^\/(api|oauth|internal|\.well-known)(\/|$)|^\/mcp$/;

/**
 * Builds the application: platform middleware, then one sub-app per feature. `src/index.ts` exports it.
 * Each sub-app mounts its own session authentication; the exemptions below are declared by the
 * sub-apps they concern. The chained `.route()` calls keep `typeof app` usable as the web client's RPC type.
 */
export function createApp() {
  // Middleware instances are built once per app, not per request.
  const csrfExempt = new Set<string>([...INBOUND_WEBHOOK_PATHS, ...PARAGON_WEBHOOK_PATHS]);
  const streamedBodies = [PROXY_PATH_PATTERN];
  const jsonSizedBodies = limitBodySize();
  const csrf = csrfProtection((ctx) => sessionCookieName(ctx.var.config));
  const app = new Hono<AppEnv>()
    .use(requestContext())
    .use(securityHeaders())
    .use("/api/*", apiCors())
    .use("/api/*", async function bodySizeLimit(c, next) {
      if (streamedBodies.some((pattern) => pattern.test(c.req.path))) return next();
      return jsonSizedBodies(c, next);
    })
    .use("/api/*", async function csrfUnlessExempt(c, next) {
      // CSRF protects ambient credentials (cookies); a request carrying an API key is authenticated by
      // that header alone, which a cross-site page cannot set without a CORS preflight we refuse.
      if (csrfExempt.has(c.req.path) || bearerApiKey(c.req.header("authorization"))) return next();
      return csrf(c, next);
    })
    .route("/api", healthRoutes)
    .route("/api", apiDocsRoutes)
    .route("/api/auth", authRoutes)
    .route("/api/api-keys", apiKeyRoutes)
    .route("/api/admin/encryption", encryptionAdminRoutes)
    // OAuth authorization server (SPEC §8): mounted before /api/admin and /api/oauth/:provider so these win.
    .route("/api/admin/oauth/clients", adminClientRoutes)
    .route("/api/oauth/grants", grantRoutes)
    .route("/", oauthServerRoutes)
    // The remote MCP server (SPEC §8): its tools run the user's workflows through the workflows feature.
    .route(
      "/",
      createMcpRoutes({
        workflows: (c) =>
          createWorkflowsPort({ env: c.env, log: c.var.log, waitUntil: (p) => c.executionCtx.waitUntil(p) }),
        // The gateway (SPEC §8): the user's MCP connections' tools and Paragon actions, called at the edge with
        // credentials injected there; both listings are cached per isolate (bounds: gateway-cache.ts, mcp-tools.ts).
        extraTools: async (principal, env, waitUntil) => [
          ...(await cachedMcpGatewayTools(principal, env, waitUntil)),
          ...(await paragonGatewayTools(principal, getConfig(env))),
        ],
      }),
    )
    .route("/api/admin", adminRoutes)
    // MCP connections' own routes come before the generic ones they share prefixes with.
    .route("/api", mcpClientRoutes)
    .route("/api/oauth/mcp", mcpOAuthRoutes)
    .route("/oauth", mcpClientMetadataRoutes)
    .route("/api", createConnectionRoutes(CREDENTIAL_PROVIDERS))
    .route("/api", proxyRoutes)
    .route("/api/oauth", oauthClientRoutes)
    .route("/api/paragon", paragonRoutes)
    .route("/api/webhooks", workosWebhookRoutes)
    .route("/api/webhooks", outboundWebhookRoutes)
    .route("/api/workflows", workflowRoutes)
    .route("/api/agents", agentRoutes)
    .route("/api/executions", executionRoutes)
    .route("/internal", internalRoutes);

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
