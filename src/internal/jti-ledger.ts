import { and, eq, getTableColumns, isNull, lt } from "drizzle-orm";
import type { EncryptedConnection } from "../connections/store";
import type { Database } from "../db/client";
import { deleteBatch, type RetentionRule } from "../db/retention";
import { connections, type ExecutionRow, executions, workerTokenUses } from "../db/schema";
import { WORKER_TOKEN_CLOCK_TOLERANCE_SECONDS, type WorkerTokenClaims } from "./worker-jwt";

/**
 * How long a token id must be remembered: until no clock within the leeway would accept the token again.
 * After that its `exp` refuses it, so the row is dead weight (RFC 7519 §4.1.7: a `jti` is unique among
 * the tokens of one issuer; we only need to remember those still valid).
 */
export function tokenUseRetentionUntilMs(claims: Pick<WorkerTokenClaims, "exp">): number {
  return (claims.exp + WORKER_TOKEN_CLOCK_TOLERANCE_SECONDS) * 1000 + 1000;
}

export type TokenUse = "first_use" | "replayed";

/**
 * Records one use of a worker token and reads the execution it names, in ONE D1 round trip (a batch is one
 * request and atomic). The insert is the check: `jti` is the primary key and D1 has one primary, so of two
 * concurrent requests with the same token exactly one inserts (strongly consistent; a KV lookup-then-write
 * would let both through). An activity request also names the connection it uses: that row is read in the same
 * batch, so the activity needs no second round trip. Expired rows are deleted by the hourly retention sweep, off the request path
 * ({@link INTERNAL_RETENTION_RULES}).
 */
export async function recordTokenUseAndLoadExecution(
  db: Database,
  claims: WorkerTokenClaims,
  connectionId?: string,
): Promise<{ use: TokenUse; execution: ExecutionRow | undefined; connection?: EncryptedConnection | null }> {
  const recordUse = db
    .insert(workerTokenUses)
    .values({ jti: claims.jti, executionId: claims.executionId, expiresAt: tokenUseRetentionUntilMs(claims) })
    .onConflictDoNothing()
    .returning({ jti: workerTokenUses.jti });
  const loadExecution = db.select().from(executions).where(eq(executions.id, claims.executionId)).limit(1);
  if (connectionId === undefined) {
    const [inserted, found] = await db.batch([recordUse, loadExecution]);
    return { use: inserted.length === 1 ? "first_use" : "replayed", execution: found[0] };
  }
  // The activity's connection rides in the same round trip, scoped to the execution's owner: only a live
  // connection of the user the execution runs for is ever returned (the same rows as findLiveConnection).
  const loadConnection = db
    .select(getTableColumns(connections))
    .from(connections)
    .innerJoin(executions, eq(executions.userId, connections.userId))
    .where(and(eq(executions.id, claims.executionId), eq(connections.id, connectionId), isNull(connections.deletedAt)))
    .limit(1);
  const [inserted, found, connection] = await db.batch([recordUse, loadExecution, loadConnection]);
  return {
    use: inserted.length === 1 ? "first_use" : "replayed",
    execution: found[0],
    connection: connection[0] ?? null,
  };
}

/** Token ids past {@link tokenUseRetentionUntilMs}: no clock within the leeway accepts their tokens any more. */
export const INTERNAL_RETENTION_RULES: readonly RetentionRule[] = [
  {
    name: "worker_token_uses.expired",
    purge: (db, nowMs, limit) => deleteBatch(db, workerTokenUses, lt(workerTokenUses.expiresAt, nowMs), limit),
  },
];
