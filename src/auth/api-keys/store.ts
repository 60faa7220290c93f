import { and, desc, eq, isNull } from "drizzle-orm";
import { randomToken, sha256Hex } from "../../crypto";
import type { Database } from "../../db/client";
import { type ApiKeyRow, apiKeys } from "../../db/schema";
import { AppError } from "../../platform/errors";
import type { LoadedSession, SessionOrganization } from "../sessions";
import { API_KEY_PREFIX, API_KEY_TOUCH_INTERVAL_MS, displayPrefix, MAX_API_KEYS_PER_USER } from "./keys";

/** Storage of personal API keys: every read and write of `api_keys`. */

/** What the API returns for a key: never the key or its hash. */
export function apiKeySummary(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes ?? null,
    created_at: row.createdAt,
    expires_at: row.expiresAt,
    last_used_at: row.lastUsedAt,
  };
}

export interface NewApiKey {
  userId: string;
  name: string;
  scopes: string[] | null;
  expiresAt: number | null;
  now: number;
}

/** Creates a key; the plaintext is returned once and exists nowhere else afterwards. */
export async function createApiKey(db: Database, input: NewApiKey): Promise<{ row: ApiKeyRow; key: string }> {
  const live = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, input.userId), isNull(apiKeys.revokedAt)))
    .limit(MAX_API_KEYS_PER_USER)
    .all();
  if (live.length >= MAX_API_KEYS_PER_USER)
    throw new AppError("conflict", `You already have ${MAX_API_KEYS_PER_USER} API keys; revoke one first`);
  const key = `${API_KEY_PREFIX}${randomToken(32)}`;
  const row: ApiKeyRow = {
    id: crypto.randomUUID(),
    userId: input.userId,
    name: input.name,
    prefix: displayPrefix(key),
    keyHash: await sha256Hex(key),
    scopes: input.scopes,
    createdAt: input.now,
    expiresAt: input.expiresAt,
    lastUsedAt: null,
    revokedAt: null,
  };
  await db.insert(apiKeys).values(row);
  return { row, key };
}

/** The user's keys that have not been revoked, newest first (expired ones included, marked by `expires_at`). */
export function listApiKeys(db: Database, userId: string): Promise<ApiKeyRow[]> {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt))
    .all();
}

/** Revokes one of the user's keys; another user's (or an unknown, or already revoked) key is a 404. */
export async function revokeApiKey(db: Database, userId: string, id: string, now: number): Promise<void> {
  const revoked = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (revoked.length === 0) throw new AppError("not_found", "API key not found");
}

const LOAD_KEY_SQL = `
select k.id as key_id, k.scopes, k.created_at, k.expires_at, k.last_used_at, k.revoked_at,
       u.id as user_id, u.email, u.name, u.email_verified, u.workos_user_id, u.deleted_at as user_deleted_at,
       u.last_login_at,
       (select json_group_array(json_object('id', o.id, 'name', o.name, 'slug', o.slug, 'domain', o.domain,
                                            'role', m.role, 'sso_enabled', json(iif(o.sso_enabled, 'true', 'false'))))
          from memberships m join organizations o on o.id = m.organization_id
         where m.user_id = u.id) as organizations
  from api_keys k join users u on u.id = k.user_id
 where k.key_hash = ?`;

interface KeyRow {
  key_id: string;
  scopes: string | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
  user_id: string;
  email: string;
  name: string | null;
  email_verified: number;
  workos_user_id: string | null;
  user_deleted_at: number | null;
  last_login_at: number | null;
  organizations: string;
}

export interface ApiKeyPrincipal {
  keyId: string;
  scopes: string[] | null;
  revokedAt: number | null;
  expiresAt: number | null;
  lastUsedAt: number | null;
  /** The owner as a session (authMethod `api_key`), so every route's `currentSession(c)` works unchanged. */
  session: LoadedSession;
}

/** The key with this plaintext and its owner, in one D1 read (the same cost as a cookie session). */
export async function loadApiKey(d1: D1Database, key: string): Promise<ApiKeyPrincipal | null> {
  const row = await d1
    .prepare(LOAD_KEY_SQL)
    .bind(await sha256Hex(key))
    .first<KeyRow>();
  if (!row) return null;
  return {
    keyId: row.key_id,
    scopes: row.scopes === null ? null : (JSON.parse(row.scopes) as string[]),
    revokedAt: row.revoked_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    session: {
      id: `api_key:${row.key_id}`,
      userId: row.user_id,
      authMethod: "api_key",
      createdAt: row.created_at,
      lastSeenAt: row.last_used_at ?? row.created_at,
      expiresAt: row.expires_at ?? Number.MAX_SAFE_INTEGER,
      revokedAt: row.revoked_at,
      workosSessionId: null,
      workosRefreshTokenEncrypted: null,
      workosCheckedAt: null,
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
    },
  };
}

/** Records use, at most once a minute per key. */
export async function touchApiKey(db: Database, principal: ApiKeyPrincipal, now: number): Promise<void> {
  if (principal.lastUsedAt !== null && now - principal.lastUsedAt < API_KEY_TOUCH_INTERVAL_MS) return;
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, principal.keyId));
}
