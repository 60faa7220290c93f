/**
 * What an answer from Temporal's HTTP API means for an execution (SPEC §7.3). Pure.
 *
 * Errors are `google.rpc.Status` as protojson — `{code, message, details: [Any]}` — with the HTTP status
 * chosen by grpc-gateway's `HTTPStatusFromCode` (AlreadyExists 6 → 409, but also Aborted 10 → 409;
 * ResourceExhausted 8 → 429; FailedPrecondition 9 → 400; Unavailable 14 → 503; DeadlineExceeded 4 → 504).
 * So a 409 is "already started" only when its detail says so; an Aborted 409 is a transient conflict.
 * @see https://github.com/grpc-ecosystem/grpc-gateway/blob/main/runtime/errors.go (HTTPStatusFromCode)
 * @see https://github.com/temporalio/api/blob/master/temporal/api/errordetails/v1/message.proto
 */

export const ALREADY_STARTED_DETAIL_TYPE =
  "type.googleapis.com/temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure";

/** gRPC status codes we act on (google.rpc.Code). */
export const GRPC_CODE = {
  CANCELLED: 1,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  RESOURCE_EXHAUSTED: 8,
  ABORTED: 10,
  UNAVAILABLE: 14,
} as const;

/** Statuses that say "try again later" although they are 4xx: throttling, timeouts, client-cancelled calls. */
const TRANSIENT_4XX = new Set([408, 425, 429, 499]);

const MAX_REASON_LENGTH = 500;

/** What the Temporal call told us, as the HTTP client saw it. */
export type TemporalAnswer =
  | { kind: "response"; status: number; body: unknown; retryAfter?: string | null }
  | { kind: "timeout" }
  | { kind: "network_error" };

export type StartOutcome =
  /** The workflow runs (or ran) on Temporal. `alreadyStarted`: a previous delivery had started it. */
  | { kind: "started"; runId?: string; alreadyStarted: boolean }
  /** Temporal refused for good: the execution is `failed` with this reason. */
  | { kind: "failed"; reason: string }
  /** Temporal or the network is unavailable: retry the job with backoff. */
  | { kind: "retry"; reason: string; retryAfterSeconds?: number };

export type CancelOutcome =
  | { kind: "cancel_requested" }
  /** No such open workflow: it finished, or was never started; nothing left to cancel. */
  | { kind: "not_running"; reason: string }
  | { kind: "failed"; reason: string }
  | { kind: "retry"; reason: string; retryAfterSeconds?: number };

interface RpcStatus {
  code?: number;
  message?: string;
  details?: Array<{ "@type"?: string; runId?: string; startRequestId?: string }>;
}

/** Classifies the answer to StartWorkflowExecution. */
export function classifyStartAnswer(answer: TemporalAnswer): StartOutcome {
  if (answer.kind !== "response") return transportRetry(answer);
  const { status } = answer;
  if (status >= 200 && status < 300) {
    const body = (answer.body ?? {}) as { runId?: unknown; started?: unknown };
    return {
      kind: "started",
      runId: typeof body.runId === "string" ? body.runId : undefined,
      // `started: false` is Temporal's request-id de-duplication: same requestId, existing run returned.
      alreadyStarted: body.started === false,
    };
  }
  const rpc = asRpcStatus(answer.body);
  if (status === 409 || rpc.code === GRPC_CODE.ALREADY_EXISTS) {
    const detail = rpc.details?.find((entry) => entry["@type"] === ALREADY_STARTED_DETAIL_TYPE);
    if (detail || rpc.code === GRPC_CODE.ALREADY_EXISTS) {
      return {
        kind: "started",
        runId: typeof detail?.runId === "string" ? detail.runId : undefined,
        alreadyStarted: true,
      };
    }
  }
  return classifyFailure(status, rpc, answer.retryAfter);
}

/** Classifies the answer to RequestCancelWorkflowExecution. */
export function classifyCancelAnswer(answer: TemporalAnswer): CancelOutcome {
  if (answer.kind !== "response") return transportRetry(answer);
  if (answer.status >= 200 && answer.status < 300) return { kind: "cancel_requested" };
  const rpc = asRpcStatus(answer.body);
  if (answer.status === 404 || rpc.code === GRPC_CODE.NOT_FOUND) {
    return { kind: "not_running", reason: describeRejection(answer.status, rpc) };
  }
  return classifyFailure(answer.status, rpc, answer.retryAfter);
}

function classifyFailure(
  status: number,
  rpc: RpcStatus,
  retryAfter: string | null | undefined,
): { kind: "failed"; reason: string } | { kind: "retry"; reason: string; retryAfterSeconds?: number } {
  const reason = describeRejection(status, rpc);
  const transient =
    status >= 500 ||
    TRANSIENT_4XX.has(status) ||
    rpc.code === GRPC_CODE.ABORTED ||
    rpc.code === GRPC_CODE.UNAVAILABLE ||
    rpc.code === GRPC_CODE.RESOURCE_EXHAUSTED ||
    rpc.code === GRPC_CODE.DEADLINE_EXCEEDED ||
    rpc.code === GRPC_CODE.CANCELLED;
  if (transient) {
    const retryAfterSeconds = parseRetryAfterSeconds(retryAfter);
    return retryAfterSeconds === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterSeconds };
  }
  if (status >= 400 && status < 500) return { kind: "failed", reason };
  // 1xx/3xx: not an answer the HTTP API gives; something in between (a proxy, a login page) answered.
  return { kind: "retry", reason: `unexpected HTTP ${status} from the Temporal HTTP API` };
}

function transportRetry(answer: { kind: "timeout" | "network_error" }): { kind: "retry"; reason: string } {
  return {
    kind: "retry",
    reason: answer.kind === "timeout" ? "Temporal did not answer in time" : "could not reach Temporal",
  };
}

/** A stored, user-visible reason: status, gRPC code and Temporal's message, bounded. */
function describeRejection(status: number, rpc: RpcStatus): string {
  const code = typeof rpc.code === "number" ? ` (gRPC ${rpc.code})` : "";
  const message = typeof rpc.message === "string" && rpc.message ? `: ${rpc.message}` : "";
  return `Temporal answered HTTP ${status}${code}${message}`.slice(0, MAX_REASON_LENGTH);
}

function asRpcStatus(body: unknown): RpcStatus {
  if (!body || typeof body !== "object" || Array.isArray(body)) return {};
  const raw = body as Record<string, unknown>;
  return {
    code: typeof raw.code === "number" ? raw.code : undefined,
    message: typeof raw.message === "string" ? raw.message : undefined,
    details: Array.isArray(raw.details)
      ? (raw.details.filter((entry) => entry && typeof entry === "object") as RpcStatus["details"])
      : undefined,
  };
}

/** `Retry-After` in seconds (RFC 9110 §10.2.3: delay-seconds or an HTTP date); undefined when absent or invalid. */
export function parseRetryAfterSeconds(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
