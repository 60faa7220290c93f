import type { Context, MiddlewareHandler } from "hono";
import { SESSION_COMPANIONS } from "../connections/prefetch";
import { keyringFor } from "../crypto/keyring";
import { getDb } from "../db/client";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { describeError } from "../platform/logger";
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

/**
 * Resolves the session cookie into `c.var.session` (or leaves it unset). Cost on the hot path: an
 * HMAC check, then one D1 read (session + user + organizations). `last_seen_at` is written at most
 * every few minutes, in the background. A WorkOS-backed session is re-confirmed with WorkOS every
 * ten minutes, by exactly one request.
 */
export function sessionAuth(): MiddlewareHandler<AppEnv> {
  return async function sessionAuthMiddleware(c, next) {
    const config = c.var.config;
    const cookieName = sessionCookieName(config);
    const raw = readAppCookie(c, cookieName);
    if (raw !== undefined) {
      const session = await resolveSession(c, raw);
      if (session) c.set("session", session);
      else clearAppCookie(c, cookieName);
    }
    await next();
  };
}

async function resolveSession(c: Context<AppEnv>, raw: string): Promise<LoadedSession | null> {
  const config = c.var.config;
  const token = await verifySessionCookie(config.sessionSecret, raw);
  if (!token) return null;
  // Hot routes read their rows in the same D1 round trip as the session (see connections/prefetch.ts).
  let session: LoadedSession | null = null;
  for (const companion of SESSION_COMPANIONS) {
    const statement = companion.statement(c);
    if (!statement) continue;
    const loaded = await loadSessionWith(c.env.DB, token, statement);
    session = loaded.session;
    companion.store(c, loaded.companionRows);
    break;
  }
  session ??= await loadSession(c.env.DB, token);
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

/** 401 `unauthenticated` unless a valid session was resolved. */
export function requireSession(): MiddlewareHandler<AppEnv> {
  return async function requireSessionMiddleware(c, next) {
    if (!c.var.session) throw new AppError("unauthenticated", "Sign in to continue");
    await next();
  };
}

/** The session of a route behind `requireSession()`. */
export function currentSession(c: Context<AppEnv>): LoadedSession {
  const session = c.var.session;
  if (!session) throw new AppError("unauthenticated", "Sign in to continue");
  return session;
}
