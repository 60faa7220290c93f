import { eq } from "drizzle-orm";
import * as z from "zod";
import { keyringFor } from "../crypto/keyring";
import { reencryptionRuns } from "../db/schema";
import { defineJob } from "../jobs/define";
import { enqueueJob } from "../jobs/producer";
import { getConfig } from "../platform/config";
import { recordBatch, reencryptBatch } from "./rotation";

export const reencryptPayload = z.strictObject({
  runId: z.uuid(),
  /** Continue after this connection id (null: from the start). */
  cursor: z.uuid().nullable(),
});

/**
 * `connections.reencrypt`: one batch of a key-rotation run (docs/storage.md), then the next batch as a new
 * job. Resumable: progress is recorded before the next batch is enqueued, and rewritten rows are no longer
 * selected, so a retried job simply carries on from where it stopped.
 */
export const reencryptJob = defineJob({
  kind: "connections.reencrypt",
  payload: reencryptPayload,
  async handler(job, { env, db, log }) {
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
    await recordBatch(db, run.id, result, Date.now());
    if (result.nextCursor) {
      await enqueueJob(env.JOBS, reencryptJob, { runId: run.id, cursor: result.nextCursor });
    }
    log.info("re-encryption batch", {
      run_id: run.id,
      processed: result.processed,
      failed: result.failed,
      done: result.nextCursor === null,
    });
  },
});
