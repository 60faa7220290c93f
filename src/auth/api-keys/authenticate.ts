import type { Context } from "hono";
import { getDb } from "../../db/client";
import type { AppEnv } from "../../platform/context";
import { AppError } from "../../platform/errors";
import { clientIp, enforceRateLimit } from "../../platform/rate-limit";
import type { LoadedSession } from "../sessions";
import { apiKeyState, authorizeApiKeyRequest } from "./keys";
import { loadApiKey, touchApiKey } from "./store";

declare module "hono" {
  interface ContextVariableMap {
    /** Set when the request is authenticated by a personal API key rather than a session cookie. */
    apiKey?: { id: string; scopes: string[] | null };
  }
}

/** Rate-limit period of RATE_LIMIT_SIGN_IN (wrangler.toml), which also counts failed API-key attempts. */
const FAILED_KEY_RATE_PERIOD_SECONDS = 60;

/**
 * Authenticates `Authorization: Bearer <key>` (SPEC §5.4): the key must exist, be neither revoked nor
 * expired (checked now, never cached), belong to a live user, and allow this route. Every way a key
 * can be wrong answers the same 401, so a caller learns nothing about which keys exist; failures are
 * counted per client IP with the sign-in limiter, and too many answer 429.
 */
export async function authenticateApiKey(c: Context<AppEnv>, key: string | null): Promise<LoadedSession> {
  const now = Date.now();
  const principal = key === null ? null : await loadApiKey(c.env.DB, key);
  const usable =
    principal !== null && apiKeyState(principal, now) === "active" && principal.session.user.deletedAt === null;
  if (!principal || !usable) {
    await enforceRateLimit(c.env.RATE_LIMIT_SIGN_IN, `api_key:${clientIp(c)}`, FAILED_KEY_RATE_PERIOD_SECONDS);
    c.var.log.info("api key refused", { reason: principal ? apiKeyState(principal, now) : "unknown" });
    throw new AppError("unauthenticated", "The API key is invalid, expired or revoked", {
      headers: { "www-authenticate": 'Bearer error="invalid_token"' },
    });
  }
  const access = authorizeApiKeyRequest(principal.scopes, c.req.method, c.req.path);
  if (!access.allowed) {
    throw new AppError(
      "forbidden",
      access.reason === "session_only"
        ? "API keys cannot be used for this; sign in to the app instead"
        : `This API key lacks the scope this route needs${access.scope ? ` (${access.scope})` : ""}`,
      {
        details: access.reason === "insufficient_scope" ? { required_scope: access.scope } : { reason: "session_only" },
      },
    );
  }
  c.set("apiKey", { id: principal.keyId, scopes: principal.scopes });
  c.executionCtx.waitUntil(touchApiKey(getDb(c.env.DB), principal, now).catch(() => {}));
  return principal.session;
}
