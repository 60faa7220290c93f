import type { Context, MiddlewareHandler } from "hono";
import { keyringFor } from "../crypto/keyring";
import { getDb } from "../db/client";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { describeError } from "../platform/logger";
import { authenticateApiKey } from "./api-keys/authenticate";
import { bearerApiKey } from "./api-keys/keys";
import { clearAppCookie, readAppCookie, sessionCookieName } from "./cookies";
import { WorkOSIdentityProvider } from "./providers/workos";
import { evaluateSession, isProviderCheckDue } from "./session-policy";
import {
  claimProviderCheck,
  type LoadedSession,
  loadSession,
  loadSessionWith,
  readProviderRefreshToken,
  revokeSession,
  storeProviderRefreshToken,
  touchSession,
  verifySessionCookie,
} from "./sessions";

declare module "hono" {
  interface ContextVariableMap {
    /** Set by `sessionAuth` when the request carries a valid session cookie. */
    session?: LoadedSession;
    /** Set once the session cookie has been looked at, so a second `sessionAuth` on the same path costs nothing. */
    sessionResolved?: true;
  }
}

/**
 * A read that rides along with the session lookup in one D1 round trip (a batch), declared by the
 * feature whose hot route needs it. Each statement must join `sessions` on the cookie's token hash, so it
 * can only ever return the session owner's rows; the session itself is still validated by the usual code.
 */
export interface SessionCompanion {
  /** The statement to batch with the session query, or null when this request has none. */
  statement(c: Context<AppEnv>): ((tokenHash: string) => D1PreparedStatement) | null;
  /** Keeps the companion's rows for the route. */
  store(c: Context<AppEnv>, rows: Record<string, unknown>[]): void;
}

export interface SessionAuthOptions {
  /** Answer 401 `unauthenticated` unless a valid session was resolved (default false: the route decides). */
  required?: boolean;
  /** Reads to batch with the session lookup on this sub-app's hot routes (the first that applies is used). */
  companions?: readonly SessionCompanion[];
}

/**
 * Session authentication, mounted by each sub-app on the paths that need it: resolves the session cookie
 * into `c.var.session`. Cost on the hot path: an HMAC check, then one D1 read (session + user +
 * organizations, plus the sub-app's companion read in the same batch). `last_seen_at` is written at
 * most every few minutes, in the background. A WorkOS-backed session is re-confirmed with WorkOS every
 * ten minutes, by exactly one request.
 *
 * @example
 * new Hono<AppEnv>().use("/connections/*", sessionAuth({ required: true, companions: [connectionList] }))
 */
export function sessionAuth(options: SessionAuthOptions = {}): MiddlewareHandler<AppEnv> {
  const companions = options.companions ?? [];
  for (const companion of companions) {
    if (typeof companion?.statement !== "function" || typeof companion.store !== "function")
      throw new TypeError("sessionAuth: each companion needs statement() and store()");
  }
  const required = options.required ?? false;
  return async function sessionAuthMiddleware(c, next) {
    if (!c.var.sessionResolved) {
      c.set("sessionResolved", true);
      const cookieName = sessionCookieName(c.var.config);
      const raw = readAppCookie(c, cookieName);
      // A personal API key (SPEC §5.4) authenticates instead of the cookie. A bearer credential that is
      // not one of our keys is refused, unless a cookie session is present (then it is the caller's
      // header for the upstream, which the proxy strips).
      const key = bearerApiKey(c.req.header("authorization"));
      if (key !== undefined && (key !== null || raw === undefined)) {
        c.set("session", await authenticateApiKey(c, key));
      } else if (raw !== undefined) {
        const session = await resolveSession(c, raw, companions);
        if (session) c.set("session", session);
        else clearAppCookie(c, cookieName);
      }
    }
    if (required && !c.var.session) throw new AppError("unauthenticated", "Sign in to continue");
    await next();
  };
}

/** 401 `unauthenticated` unless a valid session was resolved: `sessionAuth({ required: true })`. */
export function requireSession(): MiddlewareHandler<AppEnv> {
  return sessionAuth({ required: true });
}

/** The session of a route behind `sessionAuth({ required: true })`. */
export function currentSession(c: Context<AppEnv>): LoadedSession {
  const session = c.var.session;
  if (!session) throw new AppError("unauthenticated", "Sign in to continue");
  return session;
}

async function resolveSession(
  c: Context<AppEnv>,
  raw: string,
  companions: readonly SessionCompanion[],
): Promise<LoadedSession | null> {
  const config = c.var.config;
  const token = await verifySessionCookie(config.sessionSecret, raw);
  if (!token) return null;
  let session: LoadedSession | null | undefined;
  for (const companion of companions) {
    const statement = companion.statement(c);
    if (!statement) continue;
    const loaded = await loadSessionWith(c.env.DB, token, statement);
    session = loaded.session;
    companion.store(c, loaded.companionRows);
    break;
  }
  if (session === undefined) session = await loadSession(c.env.DB, token);
  if (!session) return null;
  const now = Date.now();
  const verdict = evaluateSession({ ...session, userDeletedAt: session.user.deletedAt }, now);
  if (!verdict.valid) return null;
  if (verdict.touch) c.executionCtx.waitUntil(touchSession(getDb(c.env.DB), session.id, now).catch(() => {}));
  if (session.workosRefreshTokenEncrypted && config.workos && isProviderCheckDue(session.workosCheckedAt, now)) {
    return (await confirmProviderSession(c, session, now)) ? session : null;
  }
  return session;
}

/** Refreshes the WorkOS session; ends ours if WorkOS says it is over. Unreachable WorkOS keeps it. */
async function confirmProviderSession(c: Context<AppEnv>, session: LoadedSession, now: number): Promise<boolean> {
  const config = c.var.config;
  const db = getDb(c.env.DB);
  if (!config.workos || !(await claimProviderCheck(db, session, now))) return true;
  const keyring = keyringFor(config.keyring);
  try {
    const refreshToken = await readProviderRefreshToken(keyring, session);
    if (!refreshToken) return true;
    const result = await new WorkOSIdentityProvider(config.workos).checkSession(refreshToken);
    if (result.status === "alive") {
      await storeProviderRefreshToken(db, keyring, session, result.refreshToken);
      return true;
    }
    if (result.status === "ended") {
      await revokeSession(db, session.id, "provider_session_ended", now);
      c.var.log.info("session ended by WorkOS", { session_id: session.id });
      return false;
    }
    return true;
  } catch (error) {
    c.var.log.warn("WorkOS session check failed; keeping the session", { error: describeError(error) });
    return true;
  }
}
