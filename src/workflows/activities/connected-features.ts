import { RETRYABLE_MCP_CODES, runMcpToolNode } from "../../mcp-client/workflow-node";
import { isRetryableParagonError, paragonRetryAfterMs, runParagonActionActivity } from "../../paragon/activity";
import { isAppError } from "../../platform/errors";
import type { UseContext } from "../../proxy/core";
import { ActivityError } from "../interpreter";
import { type ActivityExecution, activityErrorOf, invalidConfig } from "./shared";

/**
 * The activities whose work belongs to other features: `mcp_tool` (the MCP client, `src/mcp-client`) and
 * `paragon_action` (`src/paragon`). Both run as the execution's owner — their own code checks the connection
 * belongs to that user — and their `AppError`s become activity errors with the feature's retry judgement.
 */

/** `mcp_tool` (SPEC §7.1): a tool of one of the owner's MCP connections; output is the tool result. */
export async function runMcpToolActivity(
  context: UseContext,
  execution: ActivityExecution,
  config: Record<string, unknown>,
) {
  if (typeof config.connectionId !== "string" || typeof config.tool !== "string")
    throw invalidConfig("mcp_tool needs a connectionId and a tool");
  try {
    return await runMcpToolNode(context, execution.userId, {
      connectionId: config.connectionId,
      tool: config.tool,
      ...(typeof config.parameters === "object" &&
        config.parameters !== null && {
          parameters: config.parameters as Record<string, unknown>,
        }),
      ...(typeof config.timeoutMs === "number" && { timeoutMs: config.timeoutMs }),
    });
  } catch (error) {
    if (!isAppError(error)) throw activityErrorOf(error);
    throw new ActivityError(error.code, error.message, { retryable: RETRYABLE_MCP_CODES.has(error.code) });
  }
}

/** `paragon_action` (SPEC §7.1, §9): an ActionKit action with the owner's Paragon-connected account. */
export async function runParagonActivity(
  context: UseContext,
  execution: ActivityExecution,
  config: Record<string, unknown>,
) {
  try {
    return await runParagonActionActivity(
      { paragon: context.config.paragon, db: context.db, now: context.now },
      execution.userId,
      config,
    );
  } catch (error) {
    if (!isAppError(error)) throw activityErrorOf(error);
    const retryAfterMs = paragonRetryAfterMs(error);
    throw new ActivityError(error.code, error.message, {
      retryable: isRetryableParagonError(error),
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });
  }
}
