/**
 * The worker's activities: every side effect of a run, each one internal API call. They run outside the
 * workflow sandbox; failures become `ApplicationFailure`s whose `type` is the edge's error code and whose
 * `nonRetryable` is the edge's verdict, so the workflow can rebuild the interpreter's `ActivityError`.
 */
import { ApplicationFailure } from "@temporalio/common";
import { type ExecutionEvent, type ExecutionForWorker, type InternalApiClient, InternalApiError } from "./internal-api";

export interface NodeActivityRequest {
  executionId: string;
  nodeId: string;
  type: string;
  config: Record<string, unknown>;
  attempt: number;
}

/** `details[0]` of a node activity failure. */
export interface NodeFailureDetails {
  retryAfterMs?: number;
  status: number;
}

export function createActivities(api: InternalApiClient) {
  return {
    async loadExecution(executionId: string): Promise<ExecutionForWorker> {
      return withFailureMapping(() => api.getExecution(executionId));
    },
    async reportEvent(executionId: string, event: ExecutionEvent): Promise<void> {
      return withFailureMapping(() => api.postEvent(executionId, event));
    },
    async runNodeActivity(request: NodeActivityRequest): Promise<unknown> {
      return withFailureMapping(() =>
        api.runActivity(request.executionId, request.type, { node_id: request.nodeId, config: request.config }),
      );
    },
  };
}

export type WorkerActivities = ReturnType<typeof createActivities>;

async function withFailureMapping<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof InternalApiError) {
      const details: NodeFailureDetails = { status: error.status };
      if (error.retryAfterMs !== undefined) details.retryAfterMs = error.retryAfterMs;
      throw ApplicationFailure.create({
        type: error.code,
        message: error.message,
        nonRetryable: !error.retryable,
        details: [details],
      });
    }
    throw error;
  }
}
