/**
 * How a node activity's failure, carried back through Temporal, becomes the interpreter's node failure.
 * Pure (only @temporalio/common types), so it is unit-tested outside the workflow sandbox.
 */
import { ActivityFailure, ApplicationFailure } from "@temporalio/common";
import type { NodeFailureDetails } from "./activities";
import type { NodeActivityFailure } from "./run-execution";

/**
 * An `ActivityFailure` whose cause is our `ApplicationFailure` keeps the edge's code, message, verdict and
 * Retry-After. Any other cause (a start-to-close timeout, the worker dying mid-call) is retryable: the edge may
 * or may not have acted, and the node's retry policy decides. Anything that is not an `ActivityFailure`
 * (a cancellation, a bug) is not a node failure: `undefined`, and the caller rethrows it.
 */
export function toNodeFailure(error: unknown): NodeActivityFailure | undefined {
  if (!(error instanceof ActivityFailure)) return undefined;
  const cause = error.cause;
  if (cause instanceof ApplicationFailure) {
    const details = (cause.details?.[0] ?? {}) as Partial<NodeFailureDetails>;
    return {
      code: cause.type ?? "activity_failed",
      message: cause.message,
      retryable: !cause.nonRetryable,
      ...(typeof details.retryAfterMs === "number" ? { retryAfterMs: details.retryAfterMs } : {}),
    };
  }
  return { code: "activity_timeout", message: cause?.message ?? error.message, retryable: true };
}
