import type { UseContext } from "../../proxy/core";
import { ActivityError, type ActivityType } from "../interpreter";
import { runMcpToolActivity, runParagonActivity } from "./connected-features";
import { runHttpActivity } from "./http";
import { runIntegrationActivity } from "./integration-activity";
import { runLlmActivity } from "./llm-activity";
import type { ActivityExecution } from "./shared";
import { runWebhookActivity } from "./webhook";
import { runWorkflowTool } from "./workflow-tool";

export type { ActivityExecution } from "./shared";

type Activity = (
  context: UseContext,
  execution: ActivityExecution,
  config: Record<string, unknown>,
) => Promise<unknown>;

/** The node activities, one function per activity type; both engines go through {@link runActivity}. */
export const ACTIVITIES: Record<ActivityType, Activity> = {
  http: runHttpActivity,
  webhook: runWebhookActivity,
  llm: runLlmActivity,
  integration: runIntegrationActivity,
  mcp_tool: runMcpToolActivity,
  paragon_action: runParagonActivity,
  workflow: (context, execution, config) => runWorkflowTool(context, execution, config, runActivity),
};

/**
 * Runs one attempt of one node at the edge, for an execution (SPEC §7.3, §7.4). `config` is the node config
 * the interpreter resolved. Throws an `ActivityError`: `not_found` for a connection that is not the
 * execution owner's, `retryable: true` for transient upstream failures. Outputs never carry a credential.
 */
export async function runActivity(
  context: UseContext,
  execution: ActivityExecution,
  nodeId: string,
  type: ActivityType,
  config: Record<string, unknown>,
): Promise<unknown> {
  const activity = Object.hasOwn(ACTIVITIES, type) ? ACTIVITIES[type] : undefined;
  if (!activity) throw new ActivityError("invalid_config", `Unknown activity type "${type}"`, { retryable: false });
  context.log.debug("running activity", { execution_id: execution.id, node_id: nodeId, type });
  return activity(context, execution, config);
}
