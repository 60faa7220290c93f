import { Hono } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "../platform/context";
import { handleError } from "../platform/error-handler";
import { isOAuthError, renderOAuthError } from "../platform/oauth-error";
import { authorizeRoutes } from "./authorize";
import { discoveryRoutes } from "./discovery";
import { registerRoutes } from "./register";
import { tokenRoutes } from "./token";

/**
 * The authorization server's public endpoints: discovery, registration, authorize, token, revoke,
 * introspect. Errors render as RFC 6749 §5.2 bodies (`OAuthError`); anything else falls back to the
 * application's handler.
 *
 * CORS: browser-based MCP clients call discovery, registration, token and revocation cross-origin.
 * These endpoints authenticate nothing by cookie, so any origin may read them (no credentials mode);
 * `/oauth/authorize` is a top-level navigation and gets no CORS at all.
 */
const publicCors = cors({
  origin: "*",
  allowMethods: ["GET", "POST", "OPTIONS"],
  allowHeaders: ["authorization", "content-type", "mcp-protocol-version"],
  maxAge: 600,
});

export const oauthServerRoutes = new Hono<AppEnv>()
  .use("/.well-known/*", publicCors)
  .use("/oauth/token", publicCors)
  .use("/oauth/register", publicCors)
  .use("/oauth/revoke", publicCors)
  .route("/", discoveryRoutes)
  .route("/", registerRoutes)
  .route("/", tokenRoutes)
  .route("/", authorizeRoutes);

oauthServerRoutes.onError((error, c) => (isOAuthError(error) ? renderOAuthError(c, error) : handleError(error, c)));

export { adminClientRoutes } from "./admin-clients";
export { grantRoutes } from "./grants";
