/**
 * HTTP client of Temporal's HTTP API: start, cancel and describe a workflow, each one call with a timeout.
 * No retries here: the queue redelivers with backoff (SPEC §7.3), which survives a Worker restart.
 * @see ./start-request.ts for the wire shapes, ./outcome.ts for what the answers mean.
 */
import {
  type CancelOutcome,
  classifyCancelAnswer,
  classifyStartAnswer,
  type StartOutcome,
  type TemporalAnswer,
} from "./outcome";
import type { TemporalSettings } from "./settings";
import {
  buildCancelWorkflowCall,
  buildDescribeWorkflowCall,
  buildStartWorkflowCall,
  type TemporalHttpCall,
  type TemporalWorkflowInput,
} from "./start-request";

export const TEMPORAL_REQUEST_TIMEOUT_MS = 10_000;
/** Error bodies are small `google.rpc.Status` objects; anything larger is not worth reading. */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface TemporalClientOptions {
  /** `identity` recorded in Temporal's history for our calls. */
  identity: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** `DescribeWorkflowExecutionResponse`, the part we read. */
export interface WorkflowDescription {
  workflowExecutionInfo?: {
    execution?: { workflowId?: string; runId?: string };
    type?: { name?: string };
    status?: string;
    taskQueue?: string;
  };
}

export interface TemporalClient {
  startWorkflow(input: TemporalWorkflowInput): Promise<StartOutcome>;
  cancelWorkflow(executionId: string, reason?: string): Promise<CancelOutcome>;
  /** The workflow's description, or `undefined` when Temporal does not know it; throws on other answers. */
  describeWorkflow(executionId: string): Promise<WorkflowDescription | undefined>;
}

export function createTemporalClient(settings: TemporalSettings, options: TemporalClientOptions): TemporalClient {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? TEMPORAL_REQUEST_TIMEOUT_MS;

  async function call(request: TemporalHttpCall<unknown>): Promise<TemporalAnswer> {
    const headers = new Headers({ accept: "application/json" });
    if (request.body !== undefined) headers.set("content-type", "application/json");
    if (settings.apiKey) headers.set("authorization", `Bearer ${settings.apiKey}`);
    const url = new URL(settings.httpUrl.pathname.replace(/\/$/, "") + request.path, settings.httpUrl);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
      return { kind: timedOut ? "timeout" : "network_error" };
    }
    return {
      kind: "response",
      status: response.status,
      body: await readJson(response),
      retryAfter: response.headers.get("retry-after"),
    };
  }

  return {
    async startWorkflow(input) {
      return classifyStartAnswer(await call(buildStartWorkflowCall(settings, input, options.identity)));
    },
    async cancelWorkflow(executionId, reason) {
      return classifyCancelAnswer(await call(buildCancelWorkflowCall(settings, executionId, options.identity, reason)));
    },
    async describeWorkflow(executionId) {
      const answer = await call(buildDescribeWorkflowCall(settings, executionId));
      if (answer.kind === "response" && answer.status === 404) return undefined;
      if (answer.kind === "response" && answer.status >= 200 && answer.status < 300) {
        return answer.body as WorkflowDescription;
      }
      throw new Error(
        answer.kind === "response" ? `Temporal describe answered HTTP ${answer.status}` : "could not reach Temporal",
      );
    },
  };
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => "");
  if (!text || text.length > MAX_ANSWER_BYTES) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
