import { and, eq, isNull, or } from "drizzle-orm";
import { decryptString, encryptString } from "../crypto/aes-gcm";
import { signHmacSha256Base64Url, timingSafeEqualStrings } from "../crypto/hmac";
import type { Keyring } from "../crypto/keyring";
import { randomToken, sha256Hex } from "../crypto/tokens";
import type { Database } from "../db/client";
import type { MembershipRole } from "../db/schema";
import { sessions } from "../db/schema";
import { SESSION_ABSOLUTE_LIFETIME_MS } from "./session-policy";

/**
 * Session storage. The cookie carries `<token>.<signature>`: a 256-bit random token and its
 * HMAC-SHA256 under SESSION_SECRET. The signature lets a forged or tampered cookie be refused without
 * touching storage; the token's SHA-256 is the lookup key, so the table alone cannot mint cookies.
 */
export interface SessionOrganization {
  id: string;
  name: string;
  slug: string;
  domain: string | null;
  role: MembershipRole;
  sso_enabled: boolean;
}

/** Everything an authenticated request needs, loaded by one query. */
export interface LoadedSession {
  id: string;
  userId: string;
  authMethod: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  revokedAt: number | null;
  workosSessionId: string | null;
  workosRefreshTokenEncrypted: string | null;
  workosCheckedAt: number | null;
  user: {
    id: string;
    email: string;
    name: string | null;
    emailVerified: boolean;
    workosUserId: string | null;
    deletedAt: number | null;
    lastLoginAt: number | null;
  };
  organizations: SessionOrganization[];
}

export async function signSessionToken(secret: string, token: string): Promise<string> {
  return `${token}.${await signHmacSha256Base64Url(secret, `session:${token}`)}`;
}

/** base64url (RFC 4648 §5) without padding of 32 bytes: exactly 43 characters. */
const CANONICAL_43 = /^[A-Za-z0-9_-]{43}$/;

/**
 * Returns the token of a well-formed, correctly signed cookie value, or null. The signature is compared
 * as its canonical encoding (the string we would have issued), not as decoded bytes: a decoder accepts
 * other spellings of the same bytes (a trailing `=`, non-zero pad bits, RFC 4648 §3.5), and a cookie
 * must have exactly one valid value.
 */
export async function verifySessionCookie(secret: string, value: string | undefined): Promise<string | null> {
  if (!value) return null;
  const [token, signature, ...rest] = value.split(".");
  if (!token || !signature || rest.length > 0 || !CANONICAL_43.test(token) || !CANONICAL_43.test(signature))
    return null;
  const expected = await signHmacSha256Base64Url(secret, `session:${token}`);
  return (await timingSafeEqualStrings(expected, signature)) ? token : null;
}

export function refreshTokenAssociatedData(sessionId: string, userId: string): string {
  return `sessions.workos_refresh_token:${sessionId}:${userId}`;
}

export interface NewSession {
  userId: string;
  authMethod: string;
  providerSession?: { sessionId: string | null; refreshToken: string };
  ip: string | null;
  userAgent: string | null;
}

/** Stores a new session and returns the signed cookie value and the absolute expiry. */
export async function createSession(
  db: Database,
  keyring: Keyring,
  secret: string,
  input: NewSession,
  now: number,
): Promise<{ id: string; cookieValue: string; expiresAt: number }> {
  const id = crypto.randomUUID();
  const token = randomToken();
  const expiresAt = now + SESSION_ABSOLUTE_LIFETIME_MS;
  await db.insert(sessions).values({
    id,
    tokenHash: await sha256Hex(token),
    userId: input.userId,
    authMethod: input.authMethod,
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
    workosSessionId: input.providerSession?.sessionId ?? null,
    workosRefreshTokenEncrypted: input.providerSession
      ? await encryptString(keyring, input.providerSession.refreshToken, refreshTokenAssociatedData(id, input.userId))
      : null,
    workosCheckedAt: input.providerSession ? now : null,
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 256) ?? null,
  });
  return { id, cookieValue: await signSessionToken(secret, token), expiresAt };
}

const LOAD_SESSION_SQL = `
select s.id, s.user_id, s.auth_method, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at,
       s.workos_session_id, s.workos_refresh_token_encrypted, s.workos_checked_at,
       u.email, u.name, u.email_verified, u.workos_user_id, u.deleted_at as user_deleted_at, u.last_login_at,
       (select json_group_array(json_object('id', o.id, 'name', o.name, 'slug', o.slug, 'domain', o.domain,
                                            'role', m.role, 'sso_enabled', json(iif(o.sso_enabled, 'true', 'false'))))
          from memberships m join organizations o on o.id = m.organization_id
         where m.user_id = u.id) as organizations
  from sessions s join users u on u.id = s.user_id
 where s.token_hash = ?`;

interface SessionRow {
  id: string;
  user_id: string;
  auth_method: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
  workos_session_id: string | null;
  workos_refresh_token_encrypted: string | null;
  workos_checked_at: number | null;
  email: string;
  name: string | null;
  email_verified: number;
  workos_user_id: string | null;
  user_deleted_at: number | null;
  last_login_at: number | null;
  organizations: string;
}

/** The session for a token, with its user and organizations — one D1 read (the hot path). */
export async function loadSession(d1: D1Database, token: string): Promise<LoadedSession | null> {
  const row = await d1
    .prepare(LOAD_SESSION_SQL)
    .bind(await sha256Hex(token))
    .first<SessionRow>();
  return row ? sessionFromRow(row) : null;
}

/**
 * The session plus one more row that the same token authorizes, in a single D1 round trip (a batch).
 * `companion(tokenHash)` builds the second statement; it must itself join on the session's token so it
 * can only return the session owner's data.
 */
export async function loadSessionWith(
  d1: D1Database,
  token: string,
  companion: (tokenHash: string) => D1PreparedStatement,
): Promise<{ session: LoadedSession | null; companionRows: Record<string, unknown>[] }> {
  const tokenHash = await sha256Hex(token);
  const [sessionResult, companionResult] = await d1.batch<Record<string, unknown>>([
    d1.prepare(LOAD_SESSION_SQL).bind(tokenHash),
    companion(tokenHash),
  ]);
  const row = sessionResult?.results[0] as SessionRow | undefined;
  return { session: row ? sessionFromRow(row) : null, companionRows: companionResult?.results ?? [] };
}

function sessionFromRow(row: SessionRow): LoadedSession {
  return {
    id: row.id,
    userId: row.user_id,
    authMethod: row.auth_method,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    workosSessionId: row.workos_session_id,
    workosRefreshTokenEncrypted: row.workos_refresh_token_encrypted,
    workosCheckedAt: row.workos_checked_at,
    user: {
      id: row.user_id,
      email: row.email,
      name: row.name,
      emailVerified: row.email_verified === 1,
      workosUserId: row.workos_user_id,
      deletedAt: row.user_deleted_at,
      lastLoginAt: row.last_login_at,
    },
    organizations: JSON.parse(row.organizations) as SessionOrganization[],
  };
}

export async function touchSession(db: Database, sessionId: string, now: number): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, sessionId));
}

export async function revokeSession(db: Database, sessionId: string, reason: string, now: number): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Revokes every live session of a user; returns how many, and the WorkOS session ids among them. */
export async function revokeUserSessions(
  db: Database,
  userId: string,
  reason: string,
  now: number,
): Promise<{ count: number; workosSessionIds: string[] }> {
  const revoked = await db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ workosSessionId: sessions.workosSessionId });
  return {
    count: revoked.length,
    workosSessionIds: revoked.flatMap((row) => (row.workosSessionId ? [row.workosSessionId] : [])),
  };
}

/**
 * Claims the right to re-confirm a WorkOS session: a conditional update on `workos_checked_at`, so
 * of several concurrent requests exactly one refreshes (WorkOS refresh tokens are single-use; two
 * refreshes with one token would end the session).
 */
export async function claimProviderCheck(db: Database, session: LoadedSession, now: number): Promise<boolean> {
  const previous = session.workosCheckedAt;
  const claimed = await db
    .update(sessions)
    .set({ workosCheckedAt: now })
    .where(
      and(
        eq(sessions.id, session.id),
        previous === null ? isNull(sessions.workosCheckedAt) : or(eq(sessions.workosCheckedAt, previous)),
      ),
    )
    .returning({ id: sessions.id });
  return claimed.length === 1;
}

export async function readProviderRefreshToken(keyring: Keyring, session: LoadedSession): Promise<string | null> {
  if (!session.workosRefreshTokenEncrypted) return null;
  return decryptString(
    keyring,
    session.workosRefreshTokenEncrypted,
    refreshTokenAssociatedData(session.id, session.userId),
  );
}

export async function storeProviderRefreshToken(
  db: Database,
  keyring: Keyring,
  session: LoadedSession,
  refreshToken: string,
) {
  await db
    .update(sessions)
    .set({
      workosRefreshTokenEncrypted: await encryptString(
        keyring,
        refreshToken,
        refreshTokenAssociatedData(session.id, session.userId),
      ),
    })
    .where(eq(sessions.id, session.id));
}
