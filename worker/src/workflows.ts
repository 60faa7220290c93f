/**
 * Temporal workflow definitions (loaded into the deterministic workflow sandbox by the worker's bundler).
 * `runWorkflow` and `runAgent` are the workflow type names the edge starts (SPEC §7.3).
 *
 * Node retries belong to the interpreter (same policy on both engines), so a node activity runs once per
 * interpreter attempt (`maximumAttempts: 1`); bookkeeping activities (load, events) are retried by Temporal
 * until the edge answers, since losing an event would leave the execution's stream incomplete.
 */
import { CancellationScope, isCancellation, proxyActivities, sleep } from "@temporalio/workflow";
import type { WorkerActivities } from "./activities";
import { toNodeFailure } from "./failures";
import { type ExecutionRef, type RunSummary, reportCancelled, runExecution } from "./run-execution";

const bookkeeping = proxyActivities<Pick<WorkerActivities, "loadExecution" | "reportEvent">>({
  startToCloseTimeout: "30 seconds",
  retry: { initialInterval: "1 second", backoffCoefficient: 2, maximumInterval: "1 minute", maximumAttempts: 20 },
});

const nodes = proxyActivities<Pick<WorkerActivities, "runNodeActivity">>({
  // Blocking webhooks and LLM calls can be slow; the edge bounds each outbound call itself.
  startToCloseTimeout: "5 minutes",
  retry: { maximumAttempts: 1 },
});

async function run(ref: ExecutionRef): Promise<RunSummary> {
  const deps = {
    loadExecution: bookkeeping.loadExecution,
    reportEvent: bookkeeping.reportEvent,
    runNodeActivity: nodes.runNodeActivity,
    toNodeFailure,
    isCancellation,
    sleep: (ms: number) => sleep(ms),
    now: () => Date.now(),
  };
  try {
    return await runExecution(ref, deps);
  } catch (error) {
    if (isCancellation(error)) {
      // The cancellation is delivered; report it from a scope it cannot cancel, then let Temporal close as cancelled.
      await CancellationScope.nonCancellable(() => reportCancelled(ref, deps));
    }
    throw error;
  }
}

export async function runWorkflow(ref: ExecutionRef): Promise<RunSummary> {
  return run(ref);
}

export async function runAgent(ref: ExecutionRef): Promise<RunSummary> {
  return run(ref);
}
