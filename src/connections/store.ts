import { and, desc, eq, getTableColumns, isNull, like, type SQL, sql } from "drizzle-orm";
import { decryptString, encryptString, parseCiphertext } from "../crypto/aes-gcm";
import { CryptoError } from "../crypto/errors";
import type { Keyring } from "../crypto/keyring";
import { type Database, getDb } from "../db/client";
import { compiledStatement } from "../db/compiled";
import {
  type ConnectionMethodColumn,
  type ConnectionRow,
  type ConnectionStatus,
  connections,
  sessions,
} from "../db/schema";
import { AppError } from "../platform/errors";
import { noteConnectionsChanged } from "./changes";
import { type ConnectionData, DATA_SCHEMAS } from "./data";
import { type StatusEvent, transitionStatus } from "./status";

/**
 * The one store of connections: every read and write of the `connections` table goes through here
 * (key rotation's compare-and-set batches aside, in `rotation.ts`). Rows hold ciphertext
 * (`EncryptedConnection`); plaintext exists only as `DecryptedConnection`, a different type without
 * `dataEncrypted`, so a decrypted value can never be written back or returned where a row is expected.
 */
export type EncryptedConnection = ConnectionRow;
/** A connection with its `data` decrypted and re-validated. Tokens stay sealed until their owner reads them. */
export type DecryptedConnection = Omit<ConnectionRow, "dataEncrypted"> & { connection: ConnectionData };
/** Every column but the ciphertexts: what lists and summaries need. */
export type ConnectionSummaryRow = Omit<ConnectionRow, "dataEncrypted" | "tokensEncrypted">;
/** Identifies one user's connection in every write: an owner check is part of every `where`. */
export interface ConnectionRef {
  id: string;
  userId: string;
}

const CONNECTION_ID = /^[0-9a-f-]{36}$/;

/** Associated data binding `data_encrypted` to its row and owner (SPEC §6.2). */
export function dataAssociatedData(connectionId: string, userId: string): string {
  return `connections.data:${connectionId}:${userId}`;
}

/** Associated data binding `tokens_encrypted` to its row and owner. */
export function tokensAssociatedData(connectionId: string, userId: string): string {
  return `connections.tokens:${connectionId}:${userId}`;
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
  const { dataEncrypted: _sealed, ...rest } = row;
  return { ...rest, connection: parseConnectionData(row.connectionMethod, JSON.parse(plaintext)) };
}

/** Validates `data` for `method` into the discriminated `ConnectionData` (throws zod's error on mismatch). */
export function parseConnectionData(method: ConnectionMethodColumn, data: unknown): ConnectionData {
  // Each schema yields its own method's data; the pair is built from the same key, which TypeScript cannot follow.
  return { method, data: DATA_SCHEMAS[method].parse(data) } as ConnectionData;
}

/** The key id a ciphertext was written under (kept in `encryption_key_id` for the rotation job). */
export function keyIdOf(ciphertext: string): string {
  return parseCiphertext(ciphertext).keyId;
}

// ---- reads ----------------------------------------------------------------------------------------

const CONNECTION_COLUMN_ENTRIES = Object.entries(getTableColumns(connections));

/** Maps a raw `connections` row (snake_case, driver values, e.g. from a raw D1 batch) to the drizzle row type. */
export function connectionFromRaw(raw: Record<string, unknown>): EncryptedConnection {
  const row: Record<string, unknown> = {};
  for (const [key, column] of CONNECTION_COLUMN_ENTRIES) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as EncryptedConnection;
}

/** A live connection of this user, or null. */
export async function findLiveConnection(db: Database, ref: ConnectionRef): Promise<EncryptedConnection | null> {
  if (!CONNECTION_ID.test(ref.id)) return null;
  const row = await db
    .select()
    .from(connections)
    .where(and(eq(connections.id, ref.id), eq(connections.userId, ref.userId), isNull(connections.deletedAt)))
    .get();
  return row ?? null;
}

/**
 * The one lookup of a live connection by the session that owns it (joining `sessions` on the token hash),
 * for a D1 batch with the session lookup (`session-companions.ts`).
 */
export function connectionBySessionQuery(db: Database, sessionTokenHash: string, id: string) {
  return db
    .select(getTableColumns(connections))
    .from(connections)
    .innerJoin(sessions, eq(sessions.userId, connections.userId))
    .where(and(eq(sessions.tokenHash, sessionTokenHash), eq(connections.id, id), isNull(connections.deletedAt)));
}

/**
 * {@link connectionBySessionQuery} as a D1 statement, for the session companions of the proxy and the MCP tool
 * routes, compiled once per isolate (`db/compiled.ts`).
 */
export function connectionBySessionStatement(
  d1: D1Database,
  sessionTokenHash: string,
  id: string,
): D1PreparedStatement {
  return compiledStatement(
    d1,
    "connections.by_session",
    (slot) => connectionBySessionQuery(getDb(d1), slot("tokenHash"), slot("id")),
    { tokenHash: sessionTokenHash, id },
  );
}

/** A live connection of this user, or a 404 — another user's connection is indistinguishable from none. */
export async function findConnection(db: Database, userId: string, id: string): Promise<EncryptedConnection> {
  const row = await findLiveConnection(db, { id, userId });
  if (!row) throw new AppError("not_found", "Connection not found");
  return row;
}

/** Every column but the ciphertexts: a list never moves secrets-at-rest around. */
const { dataEncrypted: _data, tokensEncrypted: _tokens, ...summaryColumns } = getTableColumns(connections);
export const SUMMARY_COLUMNS = summaryColumns;

export interface ConnectionListFilters {
  provider?: string;
  connection_method?: ConnectionMethodColumn;
  status?: ConnectionStatus;
  limit: number;
  offset: number;
}

/**
 * The one list query: a user's live connections, newest first. The owner is named either by user id or
 * by a session token hash (joining `sessions`, so it can only ever return the session owner's rows) — the
 * second form rides in the same D1 batch as the session lookup (`session-companions.ts`).
 */
export function listConnectionsQuery(
  db: Database,
  owner: { userId: string } | { sessionTokenHash: string },
  filters: ConnectionListFilters,
) {
  const where: SQL[] = [isNull(connections.deletedAt)];
  if (filters.provider) where.push(eq(connections.provider, filters.provider));
  if (filters.connection_method) where.push(eq(connections.connectionMethod, filters.connection_method));
  if (filters.status) where.push(eq(connections.status, filters.status));
  const base = db.select(SUMMARY_COLUMNS).from(connections);
  const owned =
    "userId" in owner
      ? base.where(and(eq(connections.userId, owner.userId), ...where))
      : base
          .innerJoin(sessions, eq(sessions.userId, connections.userId))
          .where(and(eq(sessions.tokenHash, owner.sessionTokenHash), ...where));
  return owned.orderBy(desc(connections.createdAt), desc(connections.id)).limit(filters.limit).offset(filters.offset);
}

/**
 * {@link listConnectionsQuery} by session, as a D1 statement for the session companion of `GET /api/connections`,
 * compiled once per isolate and filter shape (`db/compiled.ts`).
 */
export function listConnectionsBySessionStatement(
  d1: D1Database,
  sessionTokenHash: string,
  filters: ConnectionListFilters,
): D1PreparedStatement {
  const shape = `connections.list_by_session:${filters.provider ? "p" : ""}${filters.connection_method ? "m" : ""}${filters.status ? "s" : ""}`;
  return compiledStatement(
    d1,
    shape,
    (slot) =>
      listConnectionsQuery(
        getDb(d1),
        { sessionTokenHash: slot("tokenHash") },
        {
          ...(filters.provider ? { provider: slot("provider") } : {}),
          ...(filters.connection_method ? { connection_method: slot("connection_method") } : {}),
          ...(filters.status ? { status: slot("status") } : {}),
          limit: slot("limit"),
          offset: slot("offset"),
        },
      ),
    { tokenHash: sessionTokenHash, ...filters },
  );
}

export async function listConnections(
  db: Database,
  userId: string,
  filters: ConnectionListFilters,
): Promise<ConnectionSummaryRow[]> {
  return listConnectionsQuery(db, { userId }, filters);
}

/** Names are unique per owner among live connections (also enforced by a partial unique index). */
export async function assertNameFree(db: Database, userId: string, name: string): Promise<void> {
  const clash = await db
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.userId, userId), eq(connections.name, name), isNull(connections.deletedAt)))
    .get();
  if (clash) throw nameTaken(name);
}

/** Picks a free name: "GitHub", then "GitHub (2)", … */
export async function uniqueConnectionName(db: Database, userId: string, wanted: string): Promise<string> {
  const taken = new Set(
    (
      await db
        .select({ name: connections.name })
        .from(connections)
        .where(
          and(
            eq(connections.userId, userId),
            isNull(connections.deletedAt),
            like(connections.name, `${wanted.replaceAll("%", "")}%`),
          ),
        )
    ).map((row) => row.name),
  );
  if (!taken.has(wanted)) return wanted;
  for (let i = 2; ; i++) if (!taken.has(`${wanted} (${i})`)) return `${wanted} (${i})`;
}

function nameTaken(name: string): AppError {
  return new AppError("conflict", `A connection named "${name}" already exists`, { details: { field: "name" } });
}

// ---- writes ---------------------------------------------------------------------------------------
// Each write that can change a listing notes it (changes.ts) once D1 has answered, so this isolate's caches of
// connection-derived data never serve what it has just changed.

export type NewConnection = Omit<typeof connections.$inferInsert, "status" | "statusReason" | "encryptionKeyId"> & {
  /** Whether the connection waits for an authorization (OAuth) before it can be used. */
  awaitsAuthorization: boolean;
};

/** Inserts a connection; a name clash (the partial unique index) is a 409 `conflict`. */
export async function insertConnection(db: Database, values: NewConnection): Promise<EncryptedConnection> {
  const { awaitsAuthorization, ...columns } = values;
  const initial = transitionStatus(null, {
    type: "created",
    method: columns.connectionMethod,
    awaitsAuthorization,
  });
  if (!initial.ok) throw new Error(initial.refusal);
  return db
    .insert(connections)
    .values({
      ...columns,
      status: initial.status,
      statusReason: initial.statusReason,
      encryptionKeyId: keyIdOf(columns.dataEncrypted),
    })
    .returning()
    .get()
    .catch((error: unknown) => {
      if (String((error as Error)?.cause ?? error).includes("UNIQUE constraint failed")) throw nameTaken(columns.name);
      throw error;
    })
    .finally(noteConnectionsChanged);
}

/** A connection as far as a write needs it: whose it is, and where its status stands. */
export type StatusOwner = ConnectionRef & { status: ConnectionStatus; statusReason?: string | null };

/** Columns a caller may change directly; status changes go through `applyStatusEvent` or the `event` option. */
export type ConnectionPatch = Partial<
  Omit<typeof connections.$inferInsert, "id" | "userId" | "status" | "statusReason" | "encryptionKeyId" | "createdAt">
>;

/**
 * Updates a connection of this owner; with `event`, its status moves as `transitionStatus` decides (a
 * refused transition is a 409 `conflict` carrying the refusal). `current` is the row the change is based on.
 * @returns the updated row.
 */
export async function updateConnection(
  db: Database,
  current: StatusOwner,
  patch: ConnectionPatch,
  options: { event?: StatusEvent; now?: number } = {},
): Promise<EncryptedConnection> {
  const status = options.event ? statusColumns(current, options.event) : {};
  return db
    .update(connections)
    .set({
      ...patch,
      ...(patch.dataEncrypted ? { encryptionKeyId: keyIdOf(patch.dataEncrypted) } : {}),
      ...status,
      updatedAt: options.now ?? Date.now(),
    })
    .where(and(eq(connections.id, current.id), eq(connections.userId, current.userId)))
    .returning()
    .get()
    .finally(noteConnectionsChanged);
}

/** Moves a connection's status (and writes `extra` columns in the same statement), without reading it back. */
export async function applyStatusEvent(
  db: Database,
  current: StatusOwner,
  event: StatusEvent,
  extra: ConnectionPatch = {},
): Promise<void> {
  await db
    .update(connections)
    .set({ ...extra, ...statusColumns(current, event) })
    .where(and(eq(connections.id, current.id), eq(connections.userId, current.userId)))
    .finally(noteConnectionsChanged);
}

function statusColumns(
  current: { status: ConnectionStatus; statusReason?: string | null },
  event: StatusEvent,
): { status: ConnectionStatus; statusReason: string | null } {
  const next = transitionStatus(current, event);
  if (!next.ok) throw new AppError("conflict", next.refusal, { details: { field: "status" } });
  return { status: next.status, statusReason: next.statusReason };
}

/** Soft delete (SPEC §6.1): the row stays for audit, marked `revoked`, and its name is free again. */
export async function softDeleteConnection(db: Database, current: EncryptedConnection, now: number): Promise<void> {
  await db
    .update(connections)
    .set({ deletedAt: now, updatedAt: now, ...statusColumns(current, { type: "deleted" }) })
    .where(and(eq(connections.id, current.id), eq(connections.userId, current.userId)))
    .finally(noteConnectionsChanged);
}

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
        sql`(${connections.lastUsedAt} is null or ${connections.lastUsedAt} < ${now - LAST_USED_RESOLUTION_MS})`,
      ),
    );
}
