import { isRetryableParagonError, paragonRetryAfterMs, runParagonActionActivity } from "../../paragon/activity";
import { isAppError } from "../../platform/errors";
import type { UseContext } from "../../proxy/core";
import { ActivityError } from "../interpreter";
import { type ActivityExecution, activityErrorOf } from "./shared";

/** The `paragon_action` node / Paragon agent tool: runs the ActionKit tool as the execution's owner. */
export async function runParagonActivity(
  context: UseContext,
  execution: ActivityExecution,
  config: Record<string, unknown>,
): Promise<unknown> {
  try {
    return await runParagonActionActivity(
      { paragon: context.config.paragon, db: context.db },
      execution.userId,
      config,
    );
  } catch (error) {
    if (!isAppError(error)) throw activityErrorOf(error);
    throw new ActivityError(error.code, error.message, {
      retryable: isRetryableParagonError(error),
      retryAfterMs: paragonRetryAfterMs(error),
    });
  }
}
