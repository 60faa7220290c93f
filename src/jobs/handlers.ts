import { eq } from "drizzle-orm";
import { recordBatch, reencryptBatch } from "../connections/rotation";
import { keyringFor } from "../crypto/keyring";
import type { Database } from "../db/client";
import { auditEvents, reencryptionRuns } from "../db/schema";
import { getConfig } from "../platform/config";
import type { Logger } from "../platform/logger";
import type { JobKind, JobOf } from "./messages";
import { enqueueJob } from "./producer";

export interface JobContext {
  env: Env;
  db: Database;
  log: Logger;
}

export type JobHandler<K extends JobKind> = (job: JobOf<K>, context: JobContext) => Promise<void>;
export type JobHandlers = { [K in JobKind]: JobHandler<K> };

/**
 * The handler of every job kind. Handlers must be idempotent: a message can be delivered more than
 * once (at-least-once delivery), so each uses the job's own ids as keys.
 */
export const JOB_HANDLERS: JobHandlers = {
  "audit.record": async (job, { db }) => {
    // The event id is the primary key: a redelivered message inserts nothing twice.
    await db.insert(auditEvents).values(job.payload).onConflictDoNothing();
  },
  "connections.reencrypt": async (job, { env, db, log }) => {
    const run = await db.select().from(reencryptionRuns).where(eq(reencryptionRuns.id, job.payload.runId)).get();
    if (run?.status !== "running") return; // finished, failed or unknown: nothing to resume
    const keyring = keyringFor(getConfig(env).keyring);
    if (run.targetKeyId !== keyring.primaryKeyId) {
      await db
        .update(reencryptionRuns)
        .set({
          status: "failed",
          lastError: `the primary key changed to ${keyring.primaryKeyId}; start a new run`,
          finishedAt: Date.now(),
          updatedAt: Date.now(),
        })
        .where(eq(reencryptionRuns.id, run.id));
      return;
    }
    const result = await reencryptBatch(db, keyring, job.payload.cursor);
    // Progress first: if enqueueing the next batch fails, this job is retried and, since rewritten rows
    // are no longer selected, simply carries on from where it stopped.
    await recordBatch(db, run.id, result, Date.now());
    if (result.nextCursor) {
      await enqueueJob(env.JOBS, {
        kind: "connections.reencrypt",
        payload: { runId: run.id, cursor: result.nextCursor },
      });
    }
    log.info("re-encryption batch", {
      run_id: run.id,
      processed: result.processed,
      failed: result.failed,
      done: result.nextCursor === null,
    });
  },
};
