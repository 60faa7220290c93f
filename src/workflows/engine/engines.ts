import type { ExecutionEngine, ExecutionRow } from "../../db/schema";
import { describeError, type Logger } from "../../platform/logger";
import { recordExecutionEvent } from "../executions/events";
import { temporalEngine } from "../temporal/engine";

/**
 * How an execution reaches its engine (SPEC §7.3). The execute route inserts the `queued` row and calls
 * {@link startExecution}; cancel calls {@link cancelExecution}. Each engine is one entry of {@link ENGINES};
 * see `ENGINE-SEAM.md` for the Temporal hand-off.
 */
export interface Engine {
  /** Starts the execution; `replay` when it may already have been started (a repeated Idempotency-Key). */
  start(env: Env, execution: ExecutionRow, log: Logger, replay: boolean): Promise<void>;
  /** Asks the engine to stop. Returns true when the engine confirmed at once (the execution is cancelled now). */
  cancel(env: Env, execution: ExecutionRow, log: Logger): Promise<boolean>;
}

function isInstanceError(error: unknown, code: "already_exists" | "not_found"): boolean {
  return error instanceof Error && error.message.includes(`instance.${code}`);
}

/** Cloudflare Workflows: one instance per execution, id = execution id (so a repeated start is a no-op). */
export const cloudflareEngine: Engine = {
  async start(env, execution, _log, replay) {
    if (replay) {
      try {
        await env.EXECUTION_WORKFLOW.get(execution.id);
        return;
      } catch (error) {
        if (!isInstanceError(error, "not_found")) throw error;
      }
    }
    try {
      await env.EXECUTION_WORKFLOW.create({ id: execution.id, params: { executionId: execution.id } });
    } catch (error) {
      if (!isInstanceError(error, "already_exists")) throw error;
    }
  },
  async cancel(env, execution, log) {
    try {
      const instance = await env.EXECUTION_WORKFLOW.get(execution.id);
      await instance.terminate();
    } catch (error) {
      // An instance that already ended (or never started) has nothing left to stop.
      log.info("workflow instance not terminated", { execution_id: execution.id, error: describeError(error) });
    }
    return true;
  },
};

export const ENGINES: Partial<Record<ExecutionEngine, Engine>> = {
  cloudflare: cloudflareEngine,
  temporal: temporalEngine,
};

/** The engine new executions use: `temporal` when it is configured and registered, else the embedded one. */
export function engineForNewExecution(env: Env, engines = ENGINES): ExecutionEngine {
  const temporalUrl = (env as unknown as { TEMPORAL_HTTP_URL?: string }).TEMPORAL_HTTP_URL;
  return temporalUrl && engines.temporal ? "temporal" : "cloudflare";
}

export async function startExecution(
  env: Env,
  execution: ExecutionRow,
  log: Logger,
  replay = false,
  engines = ENGINES,
): Promise<void> {
  const engine = engines[execution.engine];
  if (!engine) throw new Error(`No engine "${execution.engine}" is registered`);
  await engine.start(env, execution, log, replay);
}

export async function cancelExecution(
  env: Env,
  execution: ExecutionRow,
  log: Logger,
  engines = ENGINES,
): Promise<boolean> {
  const engine = engines[execution.engine];
  if (!engine) throw new Error(`No engine "${execution.engine}" is registered`);
  return engine.cancel(env, execution, log);
}

/**
 * Starts an execution after the 202 has been sent (`waitUntil`), so the caller never waits for the engine.
 * An engine that cannot take the execution fails it with `engine_unavailable` instead of leaving it queued.
 */
export async function startExecutionOrFail(
  env: Env,
  execution: ExecutionRow,
  log: Logger,
  replay = false,
): Promise<void> {
  try {
    await startExecution(env, execution, log, replay);
  } catch (error) {
    log.error("execution could not be started", { execution_id: execution.id, error: describeError(error) });
    await recordExecutionEvent(env, execution.id, {
      id: "failed",
      type: "failed",
      reason: "engine_unavailable",
      error: { code: "engine_unavailable", message: "The workflow engine could not start this execution" },
      at: Date.now(),
    }).catch((recordError) => log.error("could not record the failed start", { error: describeError(recordError) }));
  }
}
