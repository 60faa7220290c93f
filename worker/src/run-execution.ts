/**
 * One execution, start to finish, as the Temporal workflows run it: load the execution from the edge, report
 * `started`, run the SAME interpreter as the embedded engine, report `completed` / `failed`. Deterministic
 * given its dependencies (activities, durable sleep, workflow time), so it runs inside Temporal's workflow
 * sandbox and, unchanged, in tests with stub dependencies.
 */
import {
  ActivityError,
  type AgentDefinition,
  type InterpreterEvent,
  type InterpreterHost,
  type RunResult,
  runAgentDefinition,
  runWorkflowDefinition,
  type WorkflowDefinition,
} from "../../src/workflows/interpreter";
import type { ExecutionEvent, ExecutionForWorker } from "./internal-api";

/** The one workflow argument, exactly as the edge starts it (SPEC §7.3). */
export interface ExecutionRef {
  executionId: string;
  kind: "workflow" | "agent";
  definitionId: string;
  version: number;
  userId: string;
}

/** A node activity failure, as the workflow sees it once Temporal has carried it back. */
export interface NodeActivityFailure {
  code: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
}

export interface RunDependencies {
  loadExecution(executionId: string): Promise<ExecutionForWorker>;
  reportEvent(executionId: string, event: ExecutionEvent): Promise<void>;
  /** One node attempt at the edge; rejects with something {@link toNodeFailure} understands. */
  runNodeActivity(request: {
    executionId: string;
    nodeId: string;
    type: string;
    config: Record<string, unknown>;
    attempt: number;
  }): Promise<unknown>;
  /** Turns what `runNodeActivity` rejected with into a node failure; `undefined` = rethrow it as is. */
  toNodeFailure(error: unknown): NodeActivityFailure | undefined;
  /** Whether an error is Temporal delivering a cancellation (`isCancellation` from @temporalio/workflow). */
  isCancellation(error: unknown): boolean;
  sleep(ms: number): Promise<void>;
  /** Workflow time (deterministic in Temporal), epoch ms. */
  now(): number;
}

export type RunSummary =
  | { status: "completed" | "failed" }
  /** The edge says the execution is not running (cancelled or finished elsewhere): nothing was run. */
  | { status: "skipped"; reason: string };

/** The edge refuses activities and events of an execution that is no longer running. */
const EXECUTION_GONE_CODES = new Set(["execution_not_running", "execution_finished"]);

/**
 * Runs one execution. Two conditions stop a run from outside, and the interpreter (which turns anything an
 * activity throws into a node failure) must not mistake them for node failures:
 * - Temporal delivered a cancellation: the error is kept and rethrown from every later emit/sleep and at the end,
 *   so the workflow closes as cancelled (the caller reports `cancelled`);
 * - the edge says the execution is not running any more (cancelled or finished there): nothing more is
 *   reported and the run ends as `skipped`.
 */
export async function runExecution(ref: ExecutionRef, deps: RunDependencies): Promise<RunSummary> {
  const execution = await deps.loadExecution(ref.executionId);
  if (execution.status !== "queued" && execution.status !== "running") {
    return { status: "skipped", reason: `execution is ${execution.status}` };
  }
  const report = (event: Omit<ExecutionEvent, "at">) => deps.reportEvent(ref.executionId, { ...event, at: deps.now() });
  await report({ id: "started", type: "started" });

  let cancellation: { error: unknown } | undefined;
  let goneCode: string | undefined;
  const host: InterpreterHost = {
    async activity(nodeId, type, config, attempt) {
      if (cancellation) throw cancellation.error;
      if (goneCode) throw new ActivityError(goneCode, "the execution is no longer running", { retryable: false });
      try {
        return await deps.runNodeActivity({ executionId: ref.executionId, nodeId, type, config, attempt });
      } catch (error) {
        if (deps.isCancellation(error)) {
          cancellation = { error };
          throw error;
        }
        const failure = deps.toNodeFailure(error);
        if (!failure) throw error;
        if (EXECUTION_GONE_CODES.has(failure.code)) goneCode = failure.code;
        throw new ActivityError(failure.code, failure.message, {
          retryable: failure.retryable && !goneCode,
          ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
        });
      }
    },
    async sleep(ms) {
      if (cancellation) throw cancellation.error;
      if (goneCode) return;
      await deps.sleep(ms);
    },
    async emit(event) {
      if (cancellation) throw cancellation.error;
      if (goneCode) return;
      await report(toExecutionEvent(event));
    },
  };

  const result: RunResult =
    execution.kind === "agent"
      ? await runAgentDefinition(execution.definition as unknown as AgentDefinition, execution.inputs, host)
      : await runWorkflowDefinition(execution.definition as unknown as WorkflowDefinition, execution.inputs, host, {
          workflow: { name: String(execution.definition.name ?? ""), version: execution.version },
        });
  if (cancellation) throw cancellation.error;
  if (goneCode) return { status: "skipped", reason: `the edge reports ${goneCode}` };
  if (result.status === "completed") {
    await report({ id: "completed", type: "completed", output: result.output });
    return { status: "completed" };
  }
  await report({ id: "failed", type: "failed", node_id: result.error.node_id, error: result.error });
  return { status: "failed" };
}

/** Reports `cancelled` once Temporal has delivered a cancellation request to the workflow. */
export async function reportCancelled(ref: ExecutionRef, deps: Pick<RunDependencies, "reportEvent" | "now">) {
  await deps.reportEvent(ref.executionId, { id: "cancelled", type: "cancelled", at: deps.now() });
}

/** Interpreter events carry everything the edge records; only the time is added here. */
function toExecutionEvent(event: InterpreterEvent): Omit<ExecutionEvent, "at"> {
  switch (event.type) {
    case "node_started":
      return { id: event.id, type: event.type, node_id: event.node_id, attempt: event.attempt };
    case "node_completed":
      return { id: event.id, type: event.type, node_id: event.node_id, output: event.output, attempts: event.attempts };
    case "node_failed":
      return { id: event.id, type: event.type, node_id: event.node_id, error: event.error, attempts: event.attempts };
    case "node_skipped":
      return { id: event.id, type: event.type, node_id: event.node_id, reason: event.reason };
  }
}
