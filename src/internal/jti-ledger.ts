import { eq, inArray, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { type ExecutionRow, executions, workerTokenUses } from "../db/schema";
import { WORKER_TOKEN_CLOCK_TOLERANCE_SECONDS, type WorkerTokenClaims } from "./worker-jwt";

/** Expired rows deleted per use, so the ledger stays about as large as the tokens alive right now. */
export const JTI_PURGE_BATCH = 50;

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
 * would let both through). The same batch purges a few expired rows.
 */
export async function recordTokenUseAndLoadExecution(
  db: Database,
  claims: WorkerTokenClaims,
  now: number,
): Promise<{ use: TokenUse; execution: ExecutionRow | undefined }> {
  const expired = db
    .select({ jti: workerTokenUses.jti })
    .from(workerTokenUses)
    .where(lt(workerTokenUses.expiresAt, now))
    .limit(JTI_PURGE_BATCH);
  const [inserted, , found] = await db.batch([
    db
      .insert(workerTokenUses)
      .values({ jti: claims.jti, executionId: claims.executionId, expiresAt: tokenUseRetentionUntilMs(claims) })
      .onConflictDoNothing()
      .returning({ jti: workerTokenUses.jti }),
    db.delete(workerTokenUses).where(inArray(workerTokenUses.jti, expired)),
    db.select().from(executions).where(eq(executions.id, claims.executionId)).limit(1),
  ]);
  return { use: inserted.length === 1 ? "first_use" : "replayed", execution: found[0] };
}
