/**
 * `workerAuth()`: the internal API's authentication (SPEC §7.4). Never a session or a cookie: only
 * `Authorization: Bearer <worker JWT>`, verified by ./worker-jwt.ts, bound to the `:id` in the path, used once.
 *
 * Wire answers (RFC 6750 §3): no token → 401 with a bare `WWW-Authenticate: Bearer realm="internal"`; any
 * invalid token (bad signature, wrong issuer or audience, expired, too long-lived, replayed …) → the same 401
 * with `error="invalid_token"`, so a caller cannot tell which check failed (the reason is logged); a valid
 * token for another execution → 403; our JWKS unreachable → 503 (retry later). Not configured → 503. Then the
 * execution the token names must exist and run on Temporal (404 otherwise); it is set as `c.var.workerExecution`.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { EncryptedConnection } from "../connections/store";
import { getDb } from "../db/client";
import type { ExecutionRow } from "../db/schema";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { hasJsonBody } from "../platform/middleware/body";
import { recordTokenUseAndLoadExecution } from "./jti-ledger";
import { workerKeyLookup } from "./keys";
import { parseWorkerAuthSettings, type WorkerAuthSettings } from "./settings";
import { authorizeExecution, bearerTokenOf, verifyWorkerToken, type WorkerTokenClaims } from "./worker-jwt";

declare module "hono" {
  interface ContextVariableMap {
    /** Set by `workerAuth` once the worker's token has passed every check. */
    workerToken: WorkerTokenClaims;
    /** The execution the token names, read in the same D1 round trip as the jti check; only Temporal's. */
    workerExecution: ExecutionRow;
    /** On activity requests, the connection the body names, read in that same round trip (null: none). */
    workerPrefetchedConnection?: { id: string; row: EncryptedConnection | null };
  }
}

const ACTIVITY_PATH = /\/v1\/executions\/[^/]+\/activities\/[^/]+$/;

/**
 * The connection an activity request's body names (`config.connectionId`), so it can be read in the token's
 * D1 round trip. The body is parsed once (Hono caches it for the route's own validator, which still answers
 * a malformed one); anything unexpected here just means no prefetch.
 */
async function activityConnectionId(c: Context<AppEnv>): Promise<string | undefined> {
  if (c.req.method !== "POST" || !ACTIVITY_PATH.test(c.req.path)) return undefined;
  if (!hasJsonBody(c)) return undefined;
  try {
    const body: unknown = await c.req.json();
    const config = typeof body === "object" && body !== null ? (body as { config?: unknown }).config : undefined;
    const id =
      typeof config === "object" && config !== null ? (config as { connectionId?: unknown }).connectionId : undefined;
    return typeof id === "string" && id.length <= 64 ? id : undefined;
  } catch {
    return undefined;
  }
}

const REALM = 'Bearer realm="internal"';
const INVALID_TOKEN = 'Bearer realm="internal", error="invalid_token"';

export interface WorkerAuthOptions {
  /** Epoch ms; injected by tests. */
  now?: () => number;
}

const settingsCache = new WeakMap<object, WorkerAuthSettings | null>();

/** The worker-auth settings of this Worker environment, parsed once per `env` object. */
export function workerAuthSettingsOf(env: Env, appUrl: URL, environment: string): WorkerAuthSettings | undefined {
  let settings = settingsCache.get(env);
  if (settings === undefined) {
    settings = parseWorkerAuthSettings(env as unknown as Record<string, unknown>, appUrl, environment) ?? null;
    settingsCache.set(env, settings);
  }
  return settings ?? undefined;
}

/**
 * Mount once on routes with an `:id` path parameter (the execution); `/:id/*` covers `/:id` too, and a second
 * mount would spend the token's `jti` twice. Sets `c.var.workerToken`.
 * @example
 * internal.use("/v1/executions/:id/*", workerAuth())
 */
export function workerAuth(options: WorkerAuthOptions = {}): MiddlewareHandler<AppEnv> {
  const now = options.now ?? Date.now;
  return async function workerAuthentication(c, next) {
    const config = c.var.config;
    const settings = workerAuthSettingsOf(c.env, config.appUrl, config.environment);
    if (!settings) {
      throw new AppError(
        "auth_not_configured",
        "Worker authentication is not configured (WORKER_JWKS or WORKER_JWKS_URL)",
      );
    }
    const token = bearerTokenOf(c.req.header("authorization"));
    if (!token) {
      throw new AppError("unauthenticated", "A worker token is required", { headers: { "www-authenticate": REALM } });
    }
    const invalid = () =>
      new AppError("unauthenticated", "Invalid worker token", { headers: { "www-authenticate": INVALID_TOKEN } });
    const verified = await verifyWorkerToken(token, {
      keys: workerKeyLookup(settings.keys),
      issuer: settings.issuer,
      audience: settings.audience,
      now: now(),
    });
    if (!verified.ok) {
      if (verified.reason === "keys_unavailable") {
        throw new AppError("service_unavailable", "Worker keys are unavailable; retry later", {
          headers: { "retry-after": "5" },
          cause: verified.detail,
        });
      }
      c.var.log.info("worker token refused", { reason: verified.reason, detail: verified.detail });
      throw invalid();
    }
    const executionId = c.req.param("id") ?? "";
    if (!authorizeExecution(verified.claims, executionId).ok) {
      c.var.log.warn("worker token used for another execution", { token_execution_id: verified.claims.executionId });
      throw new AppError("forbidden", "This token is for another execution");
    }
    // Last, once the signature is known good: only a genuine token may take a row in the ledger.
    const connectionId = await activityConnectionId(c);
    const { use, execution, connection } = await recordTokenUseAndLoadExecution(
      getDb(c.env.DB),
      verified.claims,
      connectionId,
    );
    if (use === "replayed") {
      c.var.log.warn("worker token replayed", { jti: verified.claims.jti });
      throw invalid();
    }
    // Only executions handed to Temporal exist for the worker; another engine's is a 404 like a missing one.
    if (execution?.engine !== "temporal") throw new AppError("not_found", "Execution not found");
    c.set("workerToken", verified.claims);
    c.set("workerExecution", execution);
    if (connectionId !== undefined) c.set("workerPrefetchedConnection", { id: connectionId, row: connection ?? null });
    await next();
  };
}
