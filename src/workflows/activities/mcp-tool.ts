import { RETRYABLE_MCP_CODES, runMcpToolNode } from "../../mcp-client/workflow-node";
import { isAppError } from "../../platform/errors";
import type { UseContext } from "../../proxy/core";
import { ActivityError } from "../interpreter";
import { type ActivityExecution, activityErrorOf, invalidConfig } from "./shared";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The `mcp_tool` node and agents' MCP tools (seed 001 "MCP Tool Node"): one tool call through the execution
 * owner's MCP connection, on the same path as `POST /api/connections/:id/tools/:name/call` (stored schema checked
 * first, credential injected at the edge). The output is the call result `{content, structured_content?,
 * is_error}`; a tool that reports an error is an output too (an agent's model reads it). Unreachable servers and
 * timeouts are retryable.
 */
export async function runMcpToolActivity(
  context: UseContext,
  execution: ActivityExecution,
  config: Record<string, unknown>,
): Promise<unknown> {
  if (typeof config.connectionId !== "string") throw invalidConfig("connectionId is required");
  if (typeof config.tool !== "string") throw invalidConfig("tool is required");
  try {
    return await runMcpToolNode(context, execution.userId, {
      connectionId: config.connectionId,
      tool: config.tool,
      parameters: isRecord(config.parameters) ? config.parameters : {},
      ...(typeof config.timeoutMs === "number" ? { timeoutMs: config.timeoutMs } : {}),
    });
  } catch (error) {
    if (isAppError(error) && RETRYABLE_MCP_CODES.has(error.code))
      throw new ActivityError(error.code, error.message, { retryable: true });
    throw activityErrorOf(error);
  }
}
