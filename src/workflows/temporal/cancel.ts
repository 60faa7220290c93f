import { getConfig } from "../../platform/config";
import { AppError } from "../../platform/errors";
import { createTemporalClient } from "./client";
import { getTemporalSettings } from "./settings";
import { temporalIdentity } from "./start-request";

/**
 * - `requested`: Temporal recorded the cancel request; the execution becomes `cancelled` when the worker
 *   reports it (SPEC §7.2);
 * - `not_started`: Temporal has no open workflow for it (still queued, or already closed): nothing will report
 *   back, so the caller records `cancelled` itself if the execution has not finished.
 */
export type TemporalCancelResult = "requested" | "not_started";

/**
 * Asks Temporal to cancel an execution's workflow (`RequestCancelWorkflowExecution`, SPEC §7.3). Throws
 * `AppError` `service_unavailable` (retryable, with Retry-After) while Temporal is unreachable, and
 * `upstream_error` when Temporal refuses.
 */
export async function cancelTemporalExecution(
  env: Env,
  executionId: string,
  options: { reason?: string; fetch?: typeof fetch } = {},
): Promise<TemporalCancelResult> {
  const config = getConfig(env);
  const settings = getTemporalSettings(env, config.environment);
  if (!settings) throw new AppError("service_unavailable", "Temporal is not configured (TEMPORAL_HTTP_URL is unset)");
  const client = createTemporalClient(settings, { identity: temporalIdentity(config.appUrl), fetch: options.fetch });
  const outcome = await client.cancelWorkflow(executionId, options.reason ?? "cancelled by its owner");
  switch (outcome.kind) {
    case "cancel_requested":
      return "requested";
    case "not_running":
      return "not_started";
    case "retry":
      throw new AppError("service_unavailable", "Temporal is unavailable; retry the cancel", {
        headers: { "retry-after": String(outcome.retryAfterSeconds ?? 5) },
        cause: outcome.reason,
      });
    case "failed":
      throw new AppError("upstream_error", "Temporal refused the cancel", { cause: outcome.reason });
  }
}
