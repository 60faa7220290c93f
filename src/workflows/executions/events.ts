import { AppError } from "../../platform/errors";
import type { ExecutionEventInput } from "./state";

/** The execution's Durable Object stub (one per execution id). */
export function executionEventsStub(env: Env, executionId: string) {
  return env.EXECUTION_EVENTS.get(env.EXECUTION_EVENTS.idFromName(executionId));
}

/**
 * Records an event of an execution — the one function both engines (and the internal API of SPEC §7.4) call.
 * Idempotent by `event.id` (`recorded: false` for a repeat); after a terminal event, new events throw 409
 * `execution_finished`; an unknown execution throws 404.
 */
export async function recordExecutionEvent(
  env: Env,
  executionId: string,
  event: ExecutionEventInput,
): Promise<{ recorded: boolean; status: string }> {
  const outcome = await executionEventsStub(env, executionId).record(executionId, event);
  if ("refused" in outcome) {
    if (outcome.refused === "not_found") throw new AppError("not_found", "Execution not found");
    throw new AppError("execution_finished", "The execution has already finished");
  }
  return { recorded: outcome.recorded, status: outcome.status };
}
