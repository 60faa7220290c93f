import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { runActivity } from "../activities";
import { activityErrorOf } from "../activities/shared";
import { recordExecutionEvent } from "../executions/events";
import type { ExecutionEventInput } from "../executions/state";
import { TERMINAL_STATUSES } from "../executions/state";
import { definitionVersion, loadExecution } from "../executions/store";
import {
  ActivityError,
  type AgentDefinition,
  type InterpreterEvent,
  type InterpreterHost,
  runAgentDefinition,
  runWorkflowDefinition,
  type WorkflowDefinition,
} from "../interpreter";
import { backgroundUseContext } from "./context";

/** The payload of an execution's Workflow instance: its id, nothing that could hold a secret. */
export interface ExecutionParams {
  executionId: string;
}

/** Each attempt of a node is one step; the interpreter owns retries (node policy), so steps never retry. */
const NODE_STEP_CONFIG = { retries: { limit: 0, delay: 0 }, timeout: "10 minutes" } as const;

type StepOutcome =
  | { ok: true; output: unknown }
  | { ok: false; error: { code: string; message: string; retryable: boolean; retryAfterMs?: number } };

/** Stable step name of one attempt of one node. */
export function nodeStepName(nodeId: string, attempt: number): string {
  return `node:${nodeId}:attempt:${attempt}`;
}

/**
 * The embedded engine (SPEC §7.3): one Cloudflare Workflows instance per execution (instance id = execution
 * id) runs the interpreter. Each node attempt is a `step.do` named after the node and attempt — so after a
 * restart, finished attempts are replayed from the step log instead of being sent again — and the waits
 * between attempts are durable `step.sleep`s. A failed attempt is a step that *returns* the failure (an
 * error's fields would not survive the step boundary). Events go to the execution's Durable Object, which
 * ignores the repeats a replay produces. Cancel = `terminate()` on the instance.
 */
export class ExecutionWorkflow extends WorkflowEntrypoint<Env, ExecutionParams> {
  override async run(event: Readonly<WorkflowEvent<ExecutionParams>>, step: WorkflowStep): Promise<unknown> {
    const { executionId } = event.payload;
    const context = backgroundUseContext(this.env, (promise) => this.ctx.waitUntil(promise));
    const execution = await loadExecution(context.db, executionId);
    if (!execution || TERMINAL_STATUSES.has(execution.status)) return { status: execution?.status ?? "missing" };
    const definition = await definitionVersion(context.db, execution.definitionId, execution.version);
    const record = (input: Omit<ExecutionEventInput, "at">) =>
      recordExecutionEvent(this.env, executionId, { ...input, at: Date.now() } as ExecutionEventInput);

    await record({ id: "started", type: "started" });
    const target = { id: execution.id, userId: execution.userId };
    const host: InterpreterHost = {
      activity: async (nodeId, type, config, attempt) => {
        const outcome = (await step.do(nodeStepName(nodeId, attempt), NODE_STEP_CONFIG, async () => {
          try {
            const output = await runActivity(context, target, nodeId, type, config);
            return JSON.parse(JSON.stringify({ ok: true, output: output ?? null }));
          } catch (error) {
            const failure = activityErrorOf(error);
            return {
              ok: false,
              error: {
                code: failure.code,
                message: failure.message,
                retryable: failure.retryable,
                ...(failure.retryAfterMs !== undefined && { retryAfterMs: failure.retryAfterMs }),
              },
            };
          }
        })) as StepOutcome;
        if (outcome.ok) return outcome.output;
        throw new ActivityError(outcome.error.code, outcome.error.message, outcome.error);
      },
      sleep: (ms, label) => step.sleep(label, ms),
      emit: async (interpreterEvent: InterpreterEvent) => {
        await record(interpreterEvent as Omit<ExecutionEventInput, "at">);
      },
    };

    const result =
      execution.kind === "workflow"
        ? await runWorkflowDefinition(definition as unknown as WorkflowDefinition, execution.inputs, host, {
            workflow: { name: String(definition.name), version: execution.version },
          })
        : await runAgentDefinition(
            definition as unknown as AgentDefinition,
            (execution.inputs as { input?: unknown } | null)?.input,
            host,
          );
    if (result.status === "completed") await record({ id: "completed", type: "completed", output: result.output });
    else
      await record({
        id: "failed",
        type: "failed",
        error: { node_id: result.error.node_id, code: result.error.code, message: result.error.message },
      });
    return { status: result.status };
  }
}
