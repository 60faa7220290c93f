/**
 * In-memory fake of Temporal's HTTP API (the frontend's grpc-gateway, `temporal server start-dev` on port 7243
 * or Temporal Cloud), for the parts the product calls: StartWorkflowExecution, RequestCancelWorkflowExecution and
 * DescribeWorkflowExecution.
 *
 * Faithful to the wire format:
 * - paths from the proto `google.api.http` annotations of `temporal.api.workflowservice.v1.WorkflowService`;
 * - camelCase protojson bodies; unknown request fields are refused (protojson), enums by name;
 * - `input` as `{payloads: [{metadata: {encoding: base64}, data: base64}]}` or the HTTP API's shorthand (a plain
 *   JSON array, each item a `json/plain` payload);
 * - errors as `google.rpc.Status` `{code, message, details}` with grpc-gateway's HTTP status mapping;
 * - duplicate start: the same `requestId` returns the existing run (`started: false`); another start while the
 *   workflow runs (conflict policy FAIL), or after it closed with reuse policy REJECT_DUPLICATE, is HTTP 409 with a
 *   `WorkflowExecutionAlreadyStartedFailure` detail;
 * - `Authorization: Bearer <api key>` when `apiKey` is set (Temporal Cloud); 401 Unauthenticated otherwise.
 *
 * Awkward behaviour on demand: `down` ("unavailable" → 503 Unavailable, "network" → the fetch rejects,
 * "hang" → never answers), scripted replies (`reply(...)`, e.g. 429 with Retry-After, an Aborted 409).
 *
 * Tests route the Worker's outbound `fetch` for `FAKE_TEMPORAL_HOST` to `fake.fetch` (test/helpers/outbound.ts).
 * @see https://github.com/temporalio/api/blob/master/temporal/api/workflowservice/v1/service.proto
 * @see https://github.com/temporalio/api/blob/master/openapi/openapiv3.yaml
 */
import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const FAKE_TEMPORAL_HOST = "temporal.test:7243";
export const FAKE_TEMPORAL_URL = `http://${FAKE_TEMPORAL_HOST}`;

const ALREADY_STARTED_TYPE = "type.googleapis.com/temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure";
const NAMESPACE_NOT_FOUND_TYPE = "type.googleapis.com/temporal.api.errordetails.v1.NamespaceNotFoundFailure";

/** grpc-gateway `HTTPStatusFromCode` for the codes this fake answers. */
const HTTP_STATUS_BY_GRPC_CODE: Record<number, ContentfulStatusCode> = {
  3: 400, // InvalidArgument
  5: 404, // NotFound
  6: 409, // AlreadyExists
  8: 429, // ResourceExhausted
  10: 409, // Aborted
  13: 500, // Internal
  14: 503, // Unavailable
  16: 401, // Unauthenticated
};

/** Top-level fields of StartWorkflowExecutionRequest (openapiv3.yaml); anything else is an unknown field. */
const START_REQUEST_FIELDS = new Set([
  "namespace",
  "workflowId",
  "workflowType",
  "taskQueue",
  "input",
  "workflowExecutionTimeout",
  "workflowRunTimeout",
  "workflowTaskTimeout",
  "identity",
  "requestId",
  "workflowIdReusePolicy",
  "workflowIdConflictPolicy",
  "retryPolicy",
  "cronSchedule",
  "memo",
  "searchAttributes",
  "header",
  "requestEagerExecution",
  "continuedFailure",
  "lastCompletionResult",
  "workflowStartDelay",
  "completionCallbacks",
  "userMetadata",
  "links",
  "versioningOverride",
  "onConflictOptions",
  "priority",
]);
const CANCEL_REQUEST_FIELDS = new Set([
  "namespace",
  "workflowExecution",
  "identity",
  "requestId",
  "firstExecutionRunId",
  "reason",
  "links",
]);

export type FakeWorkflowStatus =
  | "WORKFLOW_EXECUTION_STATUS_RUNNING"
  | "WORKFLOW_EXECUTION_STATUS_COMPLETED"
  | "WORKFLOW_EXECUTION_STATUS_FAILED"
  | "WORKFLOW_EXECUTION_STATUS_CANCELED"
  | "WORKFLOW_EXECUTION_STATUS_TERMINATED";

export interface FakeWorkflow {
  namespace: string;
  workflowId: string;
  runId: string;
  requestId: string;
  workflowType: string;
  taskQueue: string;
  /** The decoded `json/plain` arguments. */
  args: unknown[];
  identity: string | undefined;
  status: FakeWorkflowStatus;
  cancelRequested: boolean;
  cancelReason?: string;
  startTime: string;
}

export interface FakeTemporalRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body; `undefined` for GET or an unreadable body (`rawBody` has the text). */
  body: unknown;
  rawBody: string;
  /** HTTP status answered; null while pending, "network" when the fake simulated a broken connection. */
  status: number | "network" | null;
}

export interface FakeTemporalReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeTemporalOptions {
  /** When set, every call must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Registered namespaces; a call for another answers 404 NamespaceNotFound. */
  namespaces?: string[];
}

export type FakeTemporal = ReturnType<typeof createFakeTemporal>;

export function createFakeTemporal(options: FakeTemporalOptions = {}) {
  const workflows = new Map<string, FakeWorkflow>();
  const requests: FakeTemporalRequest[] = [];
  const script: FakeTemporalReply[] = [];
  const namespaces = new Set(options.namespaces ?? ["default"]);
  let runCounter = 0;

  const state = {
    /** Temporal is unreachable: 503 Unavailable, a broken connection, or no answer at all. */
    down: false as false | "unavailable" | "network" | "hang",
    apiKey: options.apiKey,
  };

  const key = (namespace: string, workflowId: string) => `${namespace}/${workflowId}`;

  const app = new Hono();
  app.use("*", async (c, next) => {
    if (state.apiKey && c.req.header("authorization") !== `Bearer ${state.apiKey}`) {
      return rpcError(c, 16, "Request unauthorized.");
    }
    return next();
  });
  app.use("/api/v1/namespaces/:namespace/*", async (c, next) => {
    const namespace = c.req.param("namespace");
    if (!namespaces.has(namespace)) {
      return rpcError(c, 5, `Namespace ${namespace} is not found.`, [{ "@type": NAMESPACE_NOT_FOUND_TYPE, namespace }]);
    }
    return next();
  });

  app.post("/api/v1/namespaces/:namespace/workflows/:workflowId/cancel", async (c) => {
    const body = await readProtoJson(c, CANCEL_REQUEST_FIELDS);
    if (body instanceof Response) return body;
    const workflow = workflows.get(key(c.req.param("namespace"), c.req.param("workflowId")));
    if (!workflow) return rpcError(c, 5, `workflow not found for ID: ${c.req.param("workflowId")}`);
    if (workflow.status !== "WORKFLOW_EXECUTION_STATUS_RUNNING") {
      return rpcError(c, 5, "workflow execution already completed");
    }
    workflow.cancelRequested = true;
    workflow.cancelReason = typeof body.reason === "string" ? body.reason : undefined;
    return c.json({});
  });

  app.post("/api/v1/namespaces/:namespace/workflows/:workflowId", async (c) => {
    const body = await readProtoJson(c, START_REQUEST_FIELDS);
    if (body instanceof Response) return body;
    const namespace = c.req.param("namespace");
    const workflowId = c.req.param("workflowId");
    const workflowType = (body.workflowType as { name?: unknown } | undefined)?.name;
    const taskQueue = (body.taskQueue as { name?: unknown } | undefined)?.name;
    if (typeof workflowType !== "string" || !workflowType) return rpcError(c, 3, "WorkflowType is not set on request.");
    if (typeof taskQueue !== "string" || !taskQueue) return rpcError(c, 3, "TaskQueue is not set on request.");
    const args = decodeInput(body.input);
    if (args instanceof Error) return rpcError(c, 3, args.message);
    const requestId = typeof body.requestId === "string" && body.requestId ? body.requestId : crypto.randomUUID();

    const existing = workflows.get(key(namespace, workflowId));
    if (existing) {
      // Request-id de-duplication comes first: a retried start gets the run it already created.
      if (existing.requestId === requestId) {
        return c.json({ runId: existing.runId, started: false, status: existing.status });
      }
      const running = existing.status === "WORKFLOW_EXECUTION_STATUS_RUNNING";
      const rejectClosed = body.workflowIdReusePolicy === "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE";
      if (running || rejectClosed) {
        return rpcError(
          c,
          6,
          running
            ? `Workflow execution is already running. WorkflowId: ${workflowId}, RunId: ${existing.runId}.`
            : `Workflow execution already finished and WorkflowIdReusePolicy is REJECT_DUPLICATE. WorkflowId: ${workflowId}, RunId: ${existing.runId}.`,
          [{ "@type": ALREADY_STARTED_TYPE, startRequestId: existing.requestId, runId: existing.runId }],
        );
      }
    }
    runCounter += 1;
    const workflow: FakeWorkflow = {
      namespace,
      workflowId,
      runId: `0195${String(runCounter).padStart(4, "0")}-0000-7000-8000-${crypto.randomUUID().slice(-12)}`,
      requestId,
      workflowType,
      taskQueue,
      args,
      identity: typeof body.identity === "string" ? body.identity : undefined,
      status: "WORKFLOW_EXECUTION_STATUS_RUNNING",
      cancelRequested: false,
      startTime: new Date().toISOString(),
    };
    workflows.set(key(namespace, workflowId), workflow);
    return c.json({ runId: workflow.runId, started: true });
  });

  app.get("/api/v1/namespaces/:namespace/workflows/:workflowId", (c) => {
    const workflow = workflows.get(key(c.req.param("namespace"), c.req.param("workflowId")));
    if (!workflow) return rpcError(c, 5, `workflow not found for ID: ${c.req.param("workflowId")}`);
    return c.json({
      executionConfig: { taskQueue: { name: workflow.taskQueue, kind: "TASK_QUEUE_KIND_NORMAL" } },
      workflowExecutionInfo: {
        execution: { workflowId: workflow.workflowId, runId: workflow.runId },
        type: { name: workflow.workflowType },
        startTime: workflow.startTime,
        status: workflow.status,
        historyLength: "2",
        taskQueue: workflow.taskQueue,
      },
    });
  });

  app.all("*", (c) => rpcError(c, 5, `Not Found: ${c.req.method} ${new URL(c.req.url).pathname}`));

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const rawBody = request.method === "GET" ? "" : await request.clone().text();
    const entry: FakeTemporalRequest = {
      method: request.method,
      path: url.pathname,
      headers: Object.fromEntries(request.headers),
      body: parseJson(rawBody),
      rawBody,
      status: null,
    };
    requests.push(entry);
    if (state.down === "network") {
      entry.status = "network";
      throw new TypeError("fetch failed: connection refused");
    }
    if (state.down === "hang") return new Promise<Response>(() => {});
    let response: Response;
    if (state.down === "unavailable") {
      response = Response.json({ code: 14, message: "Frontend is not healthy yet", details: [] }, { status: 503 });
    } else {
      const next = script.shift();
      response = next
        ? Response.json(next.body ?? {}, { status: next.status, headers: next.headers })
        : await app.fetch(request);
    }
    entry.status = response.status;
    return response;
  }

  return {
    host: FAKE_TEMPORAL_HOST,
    url: FAKE_TEMPORAL_URL,
    state,
    /** Every request, in arrival order. */
    requests,
    /** The recorded StartWorkflowExecution requests. */
    starts: () =>
      requests.filter((r) => r.method === "POST" && /^\/api\/v1\/namespaces\/[^/]+\/workflows\/[^/]+$/.test(r.path)),
    /** The recorded RequestCancelWorkflowExecution requests. */
    cancels: () => requests.filter((r) => r.method === "POST" && r.path.endsWith("/cancel")),
    workflow: (workflowId: string, namespace = "default") => workflows.get(key(namespace, workflowId)),
    workflows: () => [...workflows.values()],
    /** Closes a workflow, as the worker completing (or failing) it would. */
    close(
      workflowId: string,
      status: Exclude<FakeWorkflowStatus, "WORKFLOW_EXECUTION_STATUS_RUNNING">,
      namespace = "default",
    ) {
      const workflow = workflows.get(key(namespace, workflowId));
      if (!workflow) throw new Error(`no workflow ${workflowId}`);
      workflow.status = status;
    },
    /** Answers the next requests with these replies, in order (before any routing or auth). */
    reply(...replies: FakeTemporalReply[]) {
      script.push(...replies);
    },
    fetch: handle,
  };
}

function rpcError(c: Context, code: number, message: string, details: unknown[] = []): Response {
  return c.json({ code, message, details }, HTTP_STATUS_BY_GRPC_CODE[code] ?? 500);
}

async function readProtoJson(c: Context, fields: Set<string>): Promise<Record<string, unknown> | Response> {
  const text = await c.req.text();
  const body = parseJson(text);
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    return rpcError(c, 3, `proto: syntax error (line 1:1): unexpected token ${text.slice(0, 20)}`);
  }
  for (const field of Object.keys(body)) {
    if (!fields.has(field)) return rpcError(c, 3, `proto: (line 1:2): unknown field "${field}"`);
  }
  return body as Record<string, unknown>;
}

/** `Payloads` → the decoded arguments. Full form (base64 bytes) or the HTTP API's JSON-array shorthand. */
function decodeInput(input: unknown): unknown[] | Error {
  if (input === undefined || input === null) return [];
  if (Array.isArray(input)) return input;
  const payloads = (input as { payloads?: unknown }).payloads;
  if (payloads === undefined) return [];
  if (!Array.isArray(payloads)) return new Error("proto: invalid value for Payloads");
  const args: unknown[] = [];
  for (const payload of payloads) {
    const metadata = (payload as { metadata?: Record<string, unknown> }).metadata ?? {};
    const data = (payload as { data?: unknown }).data;
    try {
      const encoding = typeof metadata.encoding === "string" ? atob(metadata.encoding) : undefined;
      if (encoding !== "json/plain") return new Error(`payload encoding ${encoding} is not json/plain`);
      if (typeof data !== "string") return new Error("payload data must be base64 bytes");
      const bytes = Uint8Array.from(atob(data), (char) => char.charCodeAt(0));
      args.push(JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes)));
    } catch {
      return new Error("proto: invalid base64 or JSON in payload");
    }
  }
  return args;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
