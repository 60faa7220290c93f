import { eq, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { deleteBatch, type RetentionRule } from "../db/retention";
import { type ExecutionRow, executions, workerTokenUses } from "../db/schema";
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
 * would let both through). Expired rows are deleted by the hourly retention sweep, off the request path
 * ({@link INTERNAL_RETENTION_RULES}).
 */
export async function recordTokenUseAndLoadExecution(
  db: Database,
  claims: WorkerTokenClaims,
): Promise<{ use: TokenUse; execution: ExecutionRow | undefined }> {
  const [inserted, found] = await db.batch([
    db
      .insert(workerTokenUses)
      .values({ jti: claims.jti, executionId: claims.executionId, expiresAt: tokenUseRetentionUntilMs(claims) })
      .onConflictDoNothing()
      .returning({ jti: workerTokenUses.jti }),
    db.select().from(executions).where(eq(executions.id, claims.executionId)).limit(1),
  ]);
  return { use: inserted.length === 1 ? "first_use" : "replayed", execution: found[0] };
}

/** Token ids past {@link tokenUseRetentionUntilMs}: no clock within the leeway accepts their tokens any more. */
export const INTERNAL_RETENTION_RULES: readonly RetentionRule[] = [
  {
    name: "worker_token_uses.expired",
    purge: (db, nowMs, limit) => deleteBatch(db, workerTokenUses, lt(workerTokenUses.expiresAt, nowMs), limit),
  },
];
