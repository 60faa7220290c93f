import { and, eq, getTableColumns, isNull, sql } from "drizzle-orm";
import { decryptString, encryptString, parseCiphertext } from "../crypto/aes-gcm";
import { CryptoError } from "../crypto/errors";
import type { Keyring } from "../crypto/keyring";
import type { Database } from "../db/client";
import { type ConnectionRow, connections } from "../db/schema";
import { AppError } from "../platform/errors";
import { type ConnectionData, DATA_SCHEMAS, describeData } from "./data";

/**
 * Connection storage. Rows hold ciphertext (`EncryptedConnection`); handlers get plaintext only by
 * calling `decryptConnection`, which yields a distinct type (`DecryptedConnection`), so a decrypted
 * value cannot be written or returned by accident where a row is expected.
 */
export type EncryptedConnection = ConnectionRow;
export type DecryptedConnection = EncryptedConnection & { connection: ConnectionData };

/** Maps a raw `connections` row (snake_case, driver values) to the drizzle row type. */
const CONNECTION_COLUMN_ENTRIES = Object.entries(getTableColumns(connections));

export function connectionFromRaw(raw: Record<string, unknown>): EncryptedConnection {
  const row: Record<string, unknown> = {};
  for (const [key, column] of CONNECTION_COLUMN_ENTRIES) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as EncryptedConnection;
}

/** Associated data binding `data_encrypted` to its row and owner (SPEC §6.2). */
export function dataAssociatedData(connectionId: string, userId: string): string {
  return `connections.data:${connectionId}:${userId}`;
}

/** Associated data binding `tokens_encrypted` to its row and owner. */
export function tokensAssociatedData(connectionId: string, userId: string): string {
  return `connections.tokens:${connectionId}:${userId}`;
}

/** A live connection of this user, or a 404 — another user's connection is indistinguishable from none. */
export async function findConnection(db: Database, userId: string, id: string): Promise<EncryptedConnection> {
  const row = /^[0-9a-f-]{36}$/.test(id)
    ? await db
        .select()
        .from(connections)
        .where(and(eq(connections.id, id), eq(connections.userId, userId), isNull(connections.deletedAt)))
        .get()
    : undefined;
  if (!row) throw new AppError("not_found", "Connection not found");
  return row;
}

export async function encryptConnectionData(
  keyring: Keyring,
  id: string,
  userId: string,
  data: unknown,
): Promise<string> {
  return encryptString(keyring, JSON.stringify(data), dataAssociatedData(id, userId));
}

/**
 * Decrypts and re-validates a row's `data`. A ciphertext that does not authenticate (wrong key,
 * tampering, or copied from another row) is a clear 500 `credentials_unreadable`, never garbage.
 */
export async function decryptConnection(keyring: Keyring, row: EncryptedConnection): Promise<DecryptedConnection> {
  let plaintext: string;
  try {
    plaintext = await decryptString(keyring, row.dataEncrypted, dataAssociatedData(row.id, row.userId));
  } catch (error) {
    if (error instanceof CryptoError) {
      throw new AppError(
        "credentials_unreadable",
        "This connection's stored credentials cannot be decrypted; reconnect it",
        {
          cause: error,
          details: { reason: error.code },
        },
      );
    }
    throw error;
  }
  const method = row.connectionMethod;
  const data = DATA_SCHEMAS[method].parse(JSON.parse(plaintext));
  return { ...row, connection: { method, data } as ConnectionData };
}

/** The key id a ciphertext was written under (kept in `encryption_key_id` for the rotation job). */
export function keyIdOf(ciphertext: string): string {
  return parseCiphertext(ciphertext).keyId;
}

/** Every column but the ciphertexts: what a list needs, without moving secrets-at-rest around. */
const { dataEncrypted: _data, tokensEncrypted: _tokens, ...summaryColumns } = getTableColumns(connections);
export const SUMMARY_COLUMNS = summaryColumns;
export type ConnectionSummaryRow = Omit<EncryptedConnection, "dataEncrypted" | "tokensEncrypted">;

/** The public view of a connection (SPEC §6.3): never `data`, never tokens. */
export function connectionSummary(row: ConnectionSummaryRow, decrypted?: DecryptedConnection) {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    connection_method: row.connectionMethod,
    status: row.status,
    status_reason: row.statusReason,
    organization_id: row.organizationId,
    base_url: row.baseUrl,
    default_headers: row.defaultHeaders ?? {},
    timeout_ms: row.timeoutMs,
    retries: row.retries,
    backoff_ms: row.backoffMs,
    verify_request: row.verifyRequest ?? null,
    mcp_server_url: row.mcpServerUrl,
    mcp_tools: row.mcpTools ?? null,
    capabilities: row.capabilities ?? null,
    paragon:
      row.connectionMethod === "paragon"
        ? {
            user_id: row.paragonUserId,
            integration: row.paragonIntegration,
            credential_id: row.paragonCredentialId,
            metadata: row.paragonMetadata ?? null,
          }
        : null,
    metadata: row.metadata ?? {},
    token_expires_at: row.tokenExpiresAt,
    last_used_at: row.lastUsedAt,
    last_tested_at: row.lastTestedAt,
    last_test_success: row.lastTestSuccess,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    ...(decrypted
      ? describeData(decrypted.connection.method, decrypted.connection.data as Record<string, unknown>)
      : {}),
  };
}

export type ConnectionSummary = ReturnType<typeof connectionSummary>;

/** `last_used_at` is a health signal, not an audit log: minute precision keeps the hot path write-free. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Whether `last_used_at` is stale enough to be worth a write. */
export function isLastUsedStale(lastUsedAt: number | null, now: number): boolean {
  return lastUsedAt === null || now - lastUsedAt >= LAST_USED_RESOLUTION_MS;
}

/**
 * Marks the connection used, at most once a minute, without delaying anyone (call under waitUntil).
 * The conditional update also keeps concurrent isolates from writing the same minute twice.
 */
export async function markConnectionUsed(db: Database, id: string, now: number): Promise<void> {
  await db
    .update(connections)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(connections.id, id),
        sql`(${connections.lastUsedAt} is null or ${connections.lastUsedAt} < ${now - 60_000})`,
      ),
    );
}
