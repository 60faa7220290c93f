import { and, asc, eq, gt, isNotNull, ne, or, sql } from "drizzle-orm";
import { decryptString, encryptString, parseCiphertext } from "../crypto/aes-gcm";
import type { Keyring } from "../crypto/keyring";
import type { Database } from "../db/client";
import { connections, reencryptionRuns } from "../db/schema";
import { safeErrorMessage } from "../platform/logger";
import { dataAssociatedData, tokensAssociatedData } from "./store";

/**
 * Key rotation (SPEC §6.2, docs/storage.md): rewrites every connection whose `data` or tokens are
 * still under an old key so the old key can be removed. Runs as a chain of queue jobs, one batch each,
 * walking ids in order from a cursor — resumable after any failure, and safe to run twice: each row
 * is rewritten with a compare-and-set on its old ciphertext, so a concurrent edit is never lost.
 */
export const REENCRYPTION_BATCH_SIZE = 50;

export interface BatchResult {
  processed: number;
  failed: number;
  lastError: string | null;
  /** The id to continue after, or null when the walk is complete. */
  nextCursor: string | null;
}

function underOldKey(ciphertext: string | null, primaryKeyId: string): boolean {
  if (!ciphertext) return false;
  try {
    return parseCiphertext(ciphertext).keyId !== primaryKeyId;
  } catch {
    return false;
  }
}

export async function reencryptBatch(db: Database, keyring: Keyring, cursor: string | null): Promise<BatchResult> {
  const primary = keyring.primaryKeyId;
  const rows = await db
    .select({
      id: connections.id,
      userId: connections.userId,
      data: connections.dataEncrypted,
      tokens: connections.tokensEncrypted,
    })
    .from(connections)
    .where(
      and(
        cursor ? gt(connections.id, cursor) : undefined,
        or(
          ne(connections.encryptionKeyId, primary),
          and(
            isNotNull(connections.tokensEncrypted),
            sql`${connections.tokensEncrypted} not like ${`v1.${primary}.%`}`,
          ),
        ),
      ),
    )
    .orderBy(asc(connections.id))
    .limit(REENCRYPTION_BATCH_SIZE);

  let processed = 0;
  let failed = 0;
  let lastError: string | null = null;
  for (const row of rows) {
    try {
      const data = underOldKey(row.data, primary)
        ? await encryptString(
            keyring,
            await decryptString(keyring, row.data, dataAssociatedData(row.id, row.userId)),
            dataAssociatedData(row.id, row.userId),
          )
        : row.data;
      const tokens =
        row.tokens && underOldKey(row.tokens, primary)
          ? await encryptString(
              keyring,
              await decryptString(keyring, row.tokens, tokensAssociatedData(row.id, row.userId)),
              tokensAssociatedData(row.id, row.userId),
            )
          : row.tokens;
      await db
        .update(connections)
        .set({ dataEncrypted: data, tokensEncrypted: tokens, encryptionKeyId: parseCiphertext(data).keyId })
        .where(
          and(
            eq(connections.id, row.id),
            eq(connections.dataEncrypted, row.data),
            row.tokens === null
              ? sql`${connections.tokensEncrypted} is null`
              : eq(connections.tokensEncrypted, row.tokens),
          ),
        );
      processed++;
    } catch (error) {
      failed++;
      lastError = `connection ${row.id}: ${safeErrorMessage(error)}`;
    }
  }
  const last = rows.at(-1);
  return { processed, failed, lastError, nextCursor: rows.length === REENCRYPTION_BATCH_SIZE && last ? last.id : null };
}

/** Rows (data or tokens) still under a key other than the primary, by key id. */
export async function ciphertextsByKey(db: Database): Promise<Array<{ key_id: string; connections: number }>> {
  const rows = await db
    .select({ keyId: connections.encryptionKeyId, count: sql<number>`count(*)` })
    .from(connections)
    .groupBy(connections.encryptionKeyId);
  return rows.map((row) => ({ key_id: row.keyId, connections: row.count }));
}

export async function recordBatch(db: Database, runId: string, result: BatchResult, now: number): Promise<void> {
  await db
    .update(reencryptionRuns)
    .set({
      processed: sql`${reencryptionRuns.processed} + ${result.processed}`,
      failed: sql`${reencryptionRuns.failed} + ${result.failed}`,
      ...(result.lastError ? { lastError: result.lastError } : {}),
      updatedAt: now,
      ...(result.nextCursor === null ? { status: result.failed > 0 ? "failed" : "completed", finishedAt: now } : {}),
    })
    .where(eq(reencryptionRuns.id, runId));
}
