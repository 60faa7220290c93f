import { isAppError } from "../../platform/errors";
import type { UseContext } from "../../proxy/core";
import { inputProblems } from "../executions/inputs";
import { findDefinition } from "../executions/store";
import { ActivityError, type ActivityType, runWorkflowDefinition, type WorkflowDefinition } from "../interpreter";
import { type ActivityExecution, invalidConfig } from "./shared";

type RunNode = (
  context: UseContext,
  execution: ActivityExecution,
  nodeId: string,
  type: ActivityType,
  config: Record<string, unknown>,
) => Promise<unknown>;

/** Longest wait between a child node's attempts inside one tool call (the call is one step of the parent). */
const MAX_CHILD_RETRY_WAIT_MS = 5_000;

/**
 * An agent tool of type `workflow` (seed 001 "Agent Tools with Connections"): runs one of the owner's workflows
 * with the model's arguments as inputs, inside the agent's tool call, and returns the workflow's output. The
 * inputs must fit the workflow's `input_schema` (a misfit goes back to the model as the tool's error). Child
 * node events are not recorded separately: the tool call is the parent's node.
 */
export async function runWorkflowTool(
  context: UseContext,
  execution: ActivityExecution,
  config: Record<string, unknown>,
  runNode: RunNode,
): Promise<unknown> {
  if (typeof config.workflowId !== "string") throw invalidConfig("workflowId is required");
  let row: Awaited<ReturnType<typeof findDefinition>>;
  try {
    row = await findDefinition(context.db, execution.userId, "workflow", config.workflowId);
  } catch (error) {
    if (isAppError(error) && error.code === "not_found")
      throw new ActivityError("not_found", "Workflow not found", { retryable: false });
    throw error;
  }
  const inputs = config.inputs ?? {};
  const problems = inputProblems(row.definition, inputs);
  if (problems.length > 0)
    throw new ActivityError(
      "invalid_inputs",
      `The arguments do not fit the workflow's input_schema: ${problems.map((p) => `${p.path} ${p.message}`).join("; ")}`,
      { retryable: false },
    );
  const result = await runWorkflowDefinition(
    row.definition as unknown as WorkflowDefinition,
    inputs,
    {
      activity: (nodeId, type, nodeConfig) => runNode(context, execution, `${row.id}/${nodeId}`, type, nodeConfig),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, MAX_CHILD_RETRY_WAIT_MS))),
      emit: () => {},
    },
    { workflow: { name: row.name, version: row.version } },
  );
  if (result.status === "completed") return result.output;
  throw new ActivityError(result.error.code, `Workflow node "${result.error.node_id}": ${result.error.message}`, {
    retryable: false,
  });
}
