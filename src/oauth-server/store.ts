import { and, desc, eq, isNull } from "drizzle-orm";
import type { Database } from "../db/client";
import {
  type OAuthClientRow,
  oauthAuthorizationCodes,
  oauthClients,
  oauthConsents,
  oauthGrants,
  oauthRefreshTokens,
} from "../db/schema";
import type { AuthorizationCodeRow, GrantRow, RefreshTokenRow } from "./token-decisions";

/**
 * Every read and write of the authorization server's tables (schema: src/db/schema.ts, "OAuth 2.1
 * authorization server"). Security decisions that depend on "exactly once" — claiming a code, rotating a
 * refresh token — are single conditional statements (or one atomic batch) in D1, which is strongly
 * consistent; KV is never consulted for them.
 */

export async function findClient(db: Database, id: string): Promise<OAuthClientRow | null> {
  const [row] = await db
    .select()
    .from(oauthClients)
    .where(and(eq(oauthClients.id, id), isNull(oauthClients.revokedAt)))
    .limit(1);
  return row ?? null;
}

export async function insertClient(db: Database, row: typeof oauthClients.$inferInsert): Promise<void> {
  await db.insert(oauthClients).values(row);
}

/** Stores (or refreshes) a fetched Client ID Metadata Document as a `cimd` client. */
export async function upsertMetadataDocumentClient(
  db: Database,
  row: Pick<OAuthClientRow, "id" | "clientName" | "redirectUris" | "grantTypes" | "clientUri" | "metadataExpiresAt">,
): Promise<void> {
  const values = { ...row, kind: "cimd" as const, tokenEndpointAuthMethod: "none", scope: "", updatedAt: Date.now() };
  await db
    .insert(oauthClients)
    .values(values)
    .onConflictDoUpdate({
      target: oauthClients.id,
      set: {
        clientName: values.clientName,
        redirectUris: values.redirectUris,
        grantTypes: values.grantTypes,
        clientUri: values.clientUri,
        metadataExpiresAt: values.metadataExpiresAt,
        updatedAt: values.updatedAt,
      },
    });
}

/** A CIMD client row that exists but is not `cimd` (e.g. an admin row with an https id) is never overwritten. */
export async function findClientAnyState(db: Database, id: string): Promise<OAuthClientRow | null> {
  const [row] = await db.select().from(oauthClients).where(eq(oauthClients.id, id)).limit(1);
  return row ?? null;
}

export async function listConfidentialClients(db: Database): Promise<OAuthClientRow[]> {
  return db
    .select()
    .from(oauthClients)
    .where(and(eq(oauthClients.kind, "confidential"), isNull(oauthClients.revokedAt)))
    .orderBy(desc(oauthClients.createdAt));
}

/** Revokes a client and every grant issued to it (RFC 7591 §5: a deleted client's tokens stop). */
export async function revokeClient(d1: D1Database, clientId: string, now: number): Promise<boolean> {
  const [client] = await d1.batch([
    d1
      .prepare("UPDATE oauth_clients SET revoked_at = ?1, updated_at = ?1 WHERE id = ?2 AND revoked_at IS NULL")
      .bind(now, clientId),
    d1
      .prepare(
        "UPDATE oauth_grants SET revoked_at = ?1, revoked_reason = 'client_revoked' WHERE client_id = ?2 AND revoked_at IS NULL",
      )
      .bind(now, clientId),
  ]);
  return (client?.meta.changes ?? 0) > 0;
}

// ---------------------------------------------------------------------------------------------
// Authorization codes

export async function insertAuthorizationCode(
  db: Database,
  row: typeof oauthAuthorizationCodes.$inferInsert,
): Promise<void> {
  await db.insert(oauthAuthorizationCodes).values(row);
}

const toCodeRow = (row: typeof oauthAuthorizationCodes.$inferSelect): AuthorizationCodeRow => ({
  clientId: row.clientId,
  userId: row.userId,
  redirectUri: row.redirectUri,
  scope: row.scope,
  resource: row.resource,
  codeChallenge: row.codeChallenge,
  expiresAt: Math.floor(row.expiresAt / 1000),
  usedAt: row.usedAt,
  grantId: row.grantId,
});

/**
 * Marks a code used, if and only if it is unused and unexpired, in one statement (OAuth 2.1 §4.1.3:
 * single use even under concurrent redemption). Returns the code when this call won, else null.
 */
export async function claimAuthorizationCode(
  db: Database,
  codeHash: string,
  grantId: string,
  now: number,
): Promise<AuthorizationCodeRow | null> {
  const [row] = await db
    .update(oauthAuthorizationCodes)
    .set({ usedAt: now, grantId })
    .where(and(eq(oauthAuthorizationCodes.codeHash, codeHash), isNull(oauthAuthorizationCodes.usedAt)))
    .returning();
  return row ? { ...toCodeRow(row), usedAt: null } : null;
}

export async function findAuthorizationCode(db: Database, codeHash: string): Promise<AuthorizationCodeRow | null> {
  const [row] = await db
    .select()
    .from(oauthAuthorizationCodes)
    .where(eq(oauthAuthorizationCodes.codeHash, codeHash))
    .limit(1);
  return row ? toCodeRow(row) : null;
}

// ---------------------------------------------------------------------------------------------
// Grants and refresh tokens

export interface NewGrant {
  id: string;
  userId: string;
  clientId: string;
  scope: string;
  resource: string;
  now: number;
  refreshToken?: { hash: string; expiresAt: number };
}

/** Creates a grant and its first refresh token atomically. */
export async function insertGrant(d1: D1Database, grant: NewGrant): Promise<void> {
  const statements = [
    d1
      .prepare(
        "INSERT INTO oauth_grants (id, user_id, client_id, scope, resource, created_at, last_used_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
      )
      .bind(grant.id, grant.userId, grant.clientId, grant.scope, grant.resource, grant.now),
  ];
  if (grant.refreshToken) {
    statements.push(
      d1
        .prepare(
          "INSERT INTO oauth_refresh_tokens (token_hash, grant_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(grant.refreshToken.hash, grant.id, grant.now, grant.refreshToken.expiresAt),
    );
  }
  await d1.batch(statements);
}

const toGrantRow = (row: typeof oauthGrants.$inferSelect): GrantRow => ({
  id: row.id,
  clientId: row.clientId,
  userId: row.userId,
  scope: row.scope,
  resource: row.resource,
  revokedAt: row.revokedAt,
});

export async function findRefreshToken(
  db: Database,
  tokenHash: string,
): Promise<{ token: RefreshTokenRow; grant: GrantRow } | null> {
  const [row] = await db
    .select({ token: oauthRefreshTokens, grant: oauthGrants })
    .from(oauthRefreshTokens)
    .innerJoin(oauthGrants, eq(oauthGrants.id, oauthRefreshTokens.grantId))
    .where(eq(oauthRefreshTokens.tokenHash, tokenHash))
    .limit(1);
  if (!row) return null;
  return {
    token: {
      grantId: row.token.grantId,
      expiresAt: Math.floor(row.token.expiresAt / 1000),
      rotatedAt: row.token.rotatedAt,
    },
    grant: toGrantRow(row.grant),
  };
}

/**
 * Rotates `oldHash` into `newHash` in one atomic batch: the old token is marked rotated only if it was
 * current, and the new one is inserted only if that mark is this call's (`replaced_by_hash = newHash`).
 * Returns whether this call won; a loser is a concurrent reuse (RFC 9700 §4.14.2).
 */
export async function rotateRefreshToken(
  d1: D1Database,
  input: { oldHash: string; newHash: string; grantId: string; now: number; expiresAt: number },
): Promise<boolean> {
  const [, inserted] = await d1.batch([
    d1
      .prepare(
        "UPDATE oauth_refresh_tokens SET rotated_at = ?1, replaced_by_hash = ?2 WHERE token_hash = ?3 AND rotated_at IS NULL",
      )
      .bind(input.now, input.newHash, input.oldHash),
    d1
      .prepare(
        `INSERT INTO oauth_refresh_tokens (token_hash, grant_id, created_at, expires_at)
         SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM oauth_refresh_tokens WHERE token_hash = ?5 AND replaced_by_hash = ?1)`,
      )
      .bind(input.newHash, input.grantId, input.now, input.expiresAt, input.oldHash),
    d1.prepare("UPDATE oauth_grants SET last_used_at = ?1 WHERE id = ?2").bind(input.now, input.grantId),
  ]);
  return (inserted?.meta.changes ?? 0) > 0;
}

/** Revokes a grant (idempotent); its refresh tokens die with it and its access tokens via the revocation cache. */
export async function revokeGrant(d1: D1Database, grantId: string, reason: string, now: number): Promise<boolean> {
  const result = await d1
    .prepare("UPDATE oauth_grants SET revoked_at = ?1, revoked_reason = ?2 WHERE id = ?3 AND revoked_at IS NULL")
    .bind(now, reason, grantId)
    .run();
  return result.meta.changes > 0;
}

/** Grant ids revoked at or after `sinceMs` — the revocation cache's one query (index on revoked_at). */
export async function listGrantsRevokedSince(d1: D1Database, sinceMs: number): Promise<string[]> {
  const { results } = await d1
    .prepare("SELECT id FROM oauth_grants WHERE revoked_at >= ?1")
    .bind(sinceMs)
    .all<{ id: string }>();
  return results.map((row) => row.id);
}

export interface GrantListing {
  id: string;
  clientId: string;
  clientName: string | null;
  clientKind: string | null;
  scope: string;
  resource: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export async function listLiveGrantsForUser(db: Database, userId: string): Promise<GrantListing[]> {
  return db
    .select({
      id: oauthGrants.id,
      clientId: oauthGrants.clientId,
      clientName: oauthClients.clientName,
      clientKind: oauthClients.kind,
      scope: oauthGrants.scope,
      resource: oauthGrants.resource,
      createdAt: oauthGrants.createdAt,
      lastUsedAt: oauthGrants.lastUsedAt,
    })
    .from(oauthGrants)
    .leftJoin(oauthClients, eq(oauthClients.id, oauthGrants.clientId))
    .where(and(eq(oauthGrants.userId, userId), isNull(oauthGrants.revokedAt)))
    .orderBy(desc(oauthGrants.createdAt));
}

export async function revokeGrantOfUser(
  d1: D1Database,
  userId: string,
  grantId: string,
  now: number,
): Promise<boolean> {
  const result = await d1
    .prepare(
      "UPDATE oauth_grants SET revoked_at = ?1, revoked_reason = 'user' WHERE id = ?2 AND user_id = ?3 AND revoked_at IS NULL",
    )
    .bind(now, grantId, userId)
    .run();
  return result.meta.changes > 0;
}

// ---------------------------------------------------------------------------------------------
// Remembered consent

export async function findConsentScope(db: Database, userId: string, clientId: string): Promise<string | null> {
  const [row] = await db
    .select({ scope: oauthConsents.scope })
    .from(oauthConsents)
    .where(and(eq(oauthConsents.userId, userId), eq(oauthConsents.clientId, clientId)))
    .limit(1);
  return row?.scope ?? null;
}

export async function rememberConsent(
  db: Database,
  userId: string,
  clientId: string,
  scope: string,
  now: number,
): Promise<void> {
  await db
    .insert(oauthConsents)
    .values({ userId, clientId, scope, createdAt: now })
    .onConflictDoUpdate({ target: [oauthConsents.userId, oauthConsents.clientId], set: { scope, createdAt: now } });
}

/** Forgets consent when the user revokes the client's grant, so the next authorization asks again. */
export async function forgetConsent(db: Database, userId: string, clientId: string): Promise<void> {
  await db.delete(oauthConsents).where(and(eq(oauthConsents.userId, userId), eq(oauthConsents.clientId, clientId)));
}
