/**
 * Client of the edge's internal API (`/internal/v1`, SPEC §7.4). Every call carries a freshly signed token.
 * Knows nothing of Temporal: failures are {@link InternalApiError}s with the edge's `retryable` verdict.
 */
import type { TokenSigner } from "./token";

export const INTERNAL_API_TIMEOUT_MS = 120_000;

/** `GET /internal/v1/executions/:id` → data. */
export interface ExecutionForWorker {
  id: string;
  kind: "workflow" | "agent";
  status: "queued" | "running" | "completed" | "failed" | "cancelled";
  definition_id: string;
  version: number;
  /** The definition at the version this execution runs (a workflow or an agent, SPEC §7.1 wire shape). */
  definition: Record<string, unknown>;
  /** Workflow `inputs`, or the agent's `input`. */
  inputs: unknown;
}

/** `POST /internal/v1/executions/:id/events` body (SPEC §7.4). */
export interface ExecutionEvent {
  id: string;
  type:
    | "started"
    | "node_started"
    | "node_completed"
    | "node_failed"
    | "node_skipped"
    | "completed"
    | "failed"
    | "cancelled";
  node_id?: string;
  output?: unknown;
  error?: { code: string; message: string; retryable?: boolean };
  /** Epoch ms. */
  at: number;
  attempt?: number;
  attempts?: number;
  reason?: string;
}

export class InternalApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;

  constructor(status: number, code: string, message: string, retryable: boolean, retryAfterMs?: number) {
    super(message);
    this.name = "InternalApiError";
    this.status = status;
    this.code = code;
    this.retryable = retryable;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

export interface InternalApiClient {
  getExecution(executionId: string): Promise<ExecutionForWorker>;
  /** Records an event; a repeat of the same id is a no-op at the edge. */
  postEvent(executionId: string, event: ExecutionEvent): Promise<void>;
  runActivity(
    executionId: string,
    type: string,
    body: { node_id: string; config: Record<string, unknown> },
  ): Promise<unknown>;
}

export interface InternalApiClientOptions {
  appUrl: URL;
  signer: TokenSigner;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export function createInternalApiClient(options: InternalApiClientOptions): InternalApiClient {
  const base = `${options.appUrl.href.replace(/\/+$/, "")}/internal/v1/executions`;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? INTERNAL_API_TIMEOUT_MS;

  async function call(executionId: string, method: "GET" | "POST", suffix: string, body?: unknown): Promise<unknown> {
    const token = await options.signer.sign(executionId);
    let response: Response;
    try {
      response = await doFetch(`${base}/${encodeURIComponent(executionId)}${suffix}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === "TimeoutError";
      throw new InternalApiError(
        0,
        timedOut ? "internal_api_timeout" : "internal_api_unreachable",
        timedOut ? `the edge did not answer within ${timeoutMs} ms` : "could not reach the edge's internal API",
        true,
      );
    }
    const envelope = (await response.json().catch(() => undefined)) as
      | { success: true; data: unknown }
      | { success: false; error: { code?: string; message?: string; retryable?: boolean } }
      | undefined;
    if (response.ok && envelope?.success) return envelope.data;
    const error = envelope && !envelope.success ? envelope.error : undefined;
    const retryAfter = Number(response.headers.get("retry-after"));
    throw new InternalApiError(
      response.status,
      error?.code ?? "internal_api_error",
      error?.message ?? `the edge answered HTTP ${response.status}`,
      // The edge says whether a retry can help; without a verdict, only 5xx/429 are worth one.
      typeof error?.retryable === "boolean" ? error.retryable : response.status >= 500 || response.status === 429,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  }

  return {
    getExecution: async (executionId) => (await call(executionId, "GET", "")) as ExecutionForWorker,
    postEvent: async (executionId, event) => {
      await call(executionId, "POST", "/events", event);
    },
    runActivity: async (executionId, type, body) => {
      const data = (await call(executionId, "POST", `/activities/${encodeURIComponent(type)}`, body)) as {
        output?: unknown;
      };
      return data?.output ?? null;
    },
  };
}
