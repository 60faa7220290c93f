/**
 * The `execution.start` job: hands an execution to Temporal (SPEC §7.3). The execute route enqueues it when
 * TEMPORAL_HTTP_URL is set; the consumer calls StartWorkflowExecution.
 *
 * - started, or 409 already started (a redelivered message) → done; the execution stays `queued` until the
 *   worker reports `started`;
 * - any other 4xx → the execution is `failed` with Temporal's reason; nothing to retry;
 * - 5xx, 429, timeout, network error → the job throws, the queue retries with backoff (src/jobs/backoff.ts);
 * - after the last retry the dead-letter consumer calls `onDeadLetter` → `failed` / `engine_unavailable`.
 * The payload is ids only (strict schema): never inputs, never credentials.
 */
import * as z from "zod";
import { defineJob, type JobContext, type JobDefinition } from "../../jobs/define";
import { enqueueJob } from "../../jobs/producer";
import { getConfig } from "../../platform/config";
import { createTemporalClient } from "./client";
import { getTemporalSettings, type TemporalSettings } from "./settings";
import { type TemporalWorkflowInput, temporalIdentity } from "./start-request";

export const TEMPORAL_START_JOB_KIND = "execution.start";

export const temporalStartPayload = z.strictObject({
  executionId: z.string().min(1).max(100),
  kind: z.enum(["workflow", "agent"]),
  definitionId: z.string().min(1).max(100),
  version: z.number().int().positive(),
  userId: z.string().min(1).max(100),
});

/** Why Temporal did not take an execution; becomes its `status_reason`. */
export type TemporalFailureCode = "engine_rejected" | "engine_unavailable";

/** What the job needs from the executions store (the engine seam, src/workflows/ENGINE-SEAM.md). */
export interface TemporalExecutionHooks {
  /** Whether the execution still waits for its engine: false once cancelled, failed, or reported started. */
  awaitsStart(context: JobContext, executionId: string): Promise<boolean>;
  /** Ends the execution as `failed` with this reason (a terminal event on its stream). Idempotent. */
  fail(context: JobContext, executionId: string, error: { code: TemporalFailureCode; message: string }): Promise<void>;
}

export interface TemporalStartJobOptions {
  /** Injected by tests; the platform's `fetch` otherwise. */
  fetch?: typeof fetch;
}

export type TemporalStartJob = JobDefinition<typeof TEMPORAL_START_JOB_KIND, typeof temporalStartPayload> & {
  /** Called by the dead-letter consumer once the queue gave up on a message of this kind. */
  onDeadLetter(payload: TemporalWorkflowInput, context: JobContext): Promise<void>;
};

export function createTemporalStartJob(
  hooks: TemporalExecutionHooks,
  options: TemporalStartJobOptions = {},
): TemporalStartJob {
  const definition = defineJob({
    kind: TEMPORAL_START_JOB_KIND,
    payload: temporalStartPayload,
    async handler(job, context) {
      const input = job.payload;
      const log = context.log.child({ execution_id: input.executionId });
      const settings = settingsOf(context.env);
      if (!settings) {
        await hooks.fail(context, input.executionId, {
          code: "engine_unavailable",
          message: "Temporal is no longer configured (TEMPORAL_HTTP_URL is unset)",
        });
        return;
      }
      if (!(await hooks.awaitsStart(context, input.executionId))) {
        log.info("temporal start skipped: the execution no longer awaits its engine");
        return;
      }
      const client = createTemporalClient(settings, {
        identity: temporalIdentity(getConfig(context.env).appUrl),
        fetch: options.fetch,
      });
      const outcome = await client.startWorkflow(input);
      switch (outcome.kind) {
        case "started":
          log.info("temporal workflow started", { run_id: outcome.runId, already_started: outcome.alreadyStarted });
          return;
        case "failed":
          log.warn("temporal refused the start", { reason: outcome.reason });
          await hooks.fail(context, input.executionId, { code: "engine_rejected", message: outcome.reason });
          return;
        case "retry":
          // Thrown, so the consumer records it and the queue redelivers with backoff; nothing is lost.
          throw new Error(`Temporal start will be retried: ${outcome.reason}`);
      }
    },
  });
  return {
    ...definition,
    async onDeadLetter(payload, context) {
      await hooks.fail(context, payload.executionId, {
        code: "engine_unavailable",
        message: "Temporal could not be reached; the start was retried and gave up",
      });
    },
  };
}

/** Sends the start job for one execution (from the execute route, once the execution row exists). */
export async function enqueueTemporalStart(queue: Queue, job: TemporalStartJob, input: TemporalWorkflowInput) {
  return enqueueJob(queue, job, {
    executionId: input.executionId,
    kind: input.kind,
    definitionId: input.definitionId,
    version: input.version,
    userId: input.userId,
  });
}

function settingsOf(env: Env): TemporalSettings | undefined {
  return getTemporalSettings(env, getConfig(env).environment);
}
