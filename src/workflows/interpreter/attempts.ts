import { retryDelayMs } from "./retry";
import { type ActivityType, type InterpreterHost, isActivityError, type NodeError, type RetryPolicy } from "./types";

export type AttemptsOutcome =
  | { ok: true; output: unknown; attempts: number }
  | { ok: false; error: NodeError; attempts: number };

/** Turns whatever an activity threw into a node error; only an activity error's shape can be retryable. */
export function nodeErrorOf(thrown: unknown): NodeError {
  if (isActivityError(thrown)) return { code: thrown.code, message: thrown.message, retryable: thrown.retryable };
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return { code: "activity_failed", message, retryable: false };
}

/**
 * Runs one node's activity until it succeeds, fails for good, or runs out of attempts, emitting
 * `node_started` before each attempt and `node_failed` after each failure (`final` on the last one).
 * The caller emits `node_completed` once it has shaped the output.
 */
export async function runActivityAttempts(
  host: InterpreterHost,
  nodeId: string,
  type: ActivityType,
  config: Record<string, unknown>,
  policy: RetryPolicy,
): Promise<AttemptsOutcome> {
  for (let attempt = 1; ; attempt++) {
    await host.emit({ id: `${nodeId}:started:${attempt}`, type: "node_started", node_id: nodeId, attempt });
    try {
      const output = await host.activity(nodeId, type, config, attempt);
      return { ok: true, output, attempts: attempt };
    } catch (thrown) {
      const error = nodeErrorOf(thrown);
      const final = !error.retryable || attempt >= policy.attempts;
      await host.emit({
        id: `${nodeId}:failed:${attempt}`,
        type: "node_failed",
        node_id: nodeId,
        error,
        attempts: attempt,
        final,
      });
      if (final) return { ok: false, error, attempts: attempt };
      const retryAfterMs = isActivityError(thrown) ? thrown.retryAfterMs : undefined;
      await host.sleep(retryDelayMs(policy, attempt, retryAfterMs), `${nodeId}:retry:${attempt}`);
    }
  }
}
