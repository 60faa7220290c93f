/**
 * The Temporal engine (SPEC §7.3), registered in `ENGINES` (../engine/engines.ts): `start` enqueues the
 * `execution.start` job (./start-job.ts), `cancel` asks Temporal to cancel (./cancel.ts). The job's hooks are
 * the executions store and event recorder, so a refused or abandoned start ends the execution like any
 * other failure: a terminal `failed` event on its stream.
 */
import type { ExecutionRow } from "../../db/schema";
import type { JobContext } from "../../jobs/define";
import { isAppError } from "../../platform/errors";
import type { Logger } from "../../platform/logger";
import { recordExecutionEvent } from "../executions/events";
import { loadExecution } from "../executions/store";
import { cancelTemporalExecution } from "./cancel";
import { createTemporalStartJob, enqueueTemporalStart, type TemporalExecutionHooks } from "./start-job";

export const temporalExecutionHooks: TemporalExecutionHooks = {
  async awaitsStart(context: JobContext, executionId: string) {
    const execution = await loadExecution(context.db, executionId);
    return execution?.status === "queued" && execution.engine === "temporal";
  },
  async fail(context, executionId, error) {
    try {
      await recordExecutionEvent(context.env, executionId, {
        // One id for the engine's verdict: a redelivered job or dead letter records it once.
        id: "engine_failed",
        type: "failed",
        reason: error.code,
        error: { code: error.code, message: error.message },
        at: Date.now(),
      });
    } catch (thrown) {
      // Already finished (cancelled meanwhile) or gone: nothing left to fail.
      if (isAppError(thrown) && (thrown.code === "execution_finished" || thrown.code === "not_found")) return;
      throw thrown;
    }
  },
};

/** The `execution.start` job of this deployment (registered in src/job-registry.ts). */
export const temporalStartJob = createTemporalStartJob(temporalExecutionHooks);

export const temporalEngine = {
  /** `replay` (a repeated Idempotency-Key): enqueue again only while still queued; the job and Temporal dedupe. */
  async start(env: Env, execution: ExecutionRow, log: Logger, replay = false): Promise<void> {
    if (replay && execution.status !== "queued") return;
    const jobId = await enqueueTemporalStart(env.JOBS, temporalStartJob, {
      executionId: execution.id,
      kind: execution.kind,
      definitionId: execution.definitionId,
      version: execution.version,
      userId: execution.userId,
    });
    log.info("temporal start enqueued", { execution_id: execution.id, job_id: jobId });
  },
  /** True when nothing runs on Temporal for it (the caller records `cancelled` now); false: the worker will. */
  async cancel(env: Env, execution: ExecutionRow, log: Logger): Promise<boolean> {
    const result = await cancelTemporalExecution(env, execution.id);
    log.info("temporal cancel", { execution_id: execution.id, result });
    return result === "not_started";
  },
};
