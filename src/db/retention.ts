import { type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./client";

/**
 * Retention: rows that have outlived every purpose are deleted by the hourly sweep (`scheduled` in
 * src/index.ts). Each feature declares the rules for its own tables — what is deleted, and why
 * nothing still needs it — and src/retention-registry.ts composes them, like the job registry.
 */
export interface RetentionRule {
  /** Stable name, used in logs: `<table>.<what>`. */
  name: string;
  /** Deletes at most `limit` rows that this rule no longer needs at `nowMs`; answers how many. */
  purge(db: Database, nowMs: number, limit: number): Promise<number>;
}

/**
 * One bounded delete: `DELETE FROM table WHERE rowid IN (SELECT rowid … WHERE condition LIMIT n)`.
 * D1 (SQLite) has no `DELETE … LIMIT`; the sub-select keeps each statement short, so a large
 * backlog never holds the database for long.
 */
export async function deleteBatch(db: Database, table: SQLiteTable, condition: SQL, limit: number): Promise<number> {
  const result = await db.run(
    sql`delete from ${table} where rowid in (select rowid from ${table} where ${condition} limit ${limit})`,
  );
  return result.meta.changes ?? 0;
}

export interface SweepOptions {
  /** Rows per statement. */
  batchSize?: number;
  /** Statements per rule and sweep; whatever is left waits for the next sweep. */
  maxBatches?: number;
}

export interface SweepReport {
  rule: string;
  deleted: number;
  /** The rule hit `maxBatches`: more rows are due than one sweep deletes. */
  backlog: boolean;
}

/** Runs every rule until it has nothing left to delete (or its batch budget is spent). */
export async function sweepExpired(
  db: Database,
  rules: readonly RetentionRule[],
  nowMs: number,
  { batchSize = 500, maxBatches = 20 }: SweepOptions = {},
): Promise<SweepReport[]> {
  const reports: SweepReport[] = [];
  for (const rule of rules) {
    let deleted = 0;
    let batches = 0;
    let last = batchSize;
    while (last === batchSize && batches < maxBatches) {
      last = await rule.purge(db, nowMs, batchSize);
      deleted += last;
      batches++;
    }
    reports.push({ rule: rule.name, deleted, backlog: last === batchSize });
  }
  return reports;
}
