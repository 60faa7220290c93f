/**
 * The StartWorkflowExecution request our queue consumer sends to Temporal's HTTP API (SPEC §7.3). Pure.
 *
 * Wire format: grpc-gateway protojson of `temporal.api.workflowservice.v1.StartWorkflowExecutionRequest`
 * (camelCase field names, enums as their names, `bytes` as base64), at
 * `POST /api/v1/namespaces/{namespace}/workflows/{workflowId}`.
 * @see https://github.com/temporalio/api/blob/master/temporal/api/workflowservice/v1/service.proto
 * @see https://github.com/temporalio/api/blob/master/openapi/openapiv3.yaml (StartWorkflowExecutionRequest)
 */
import type { TemporalSettings } from "./settings";

export type ExecutionKind = "workflow" | "agent";

/** The one workflow argument: ids only. No inputs (they may hold secrets) and never a credential. */
export interface TemporalWorkflowInput {
  executionId: string;
  kind: ExecutionKind;
  definitionId: string;
  version: number;
  userId: string;
}

/** Temporal workflow type per execution kind; the worker registers functions with exactly these names. */
export const WORKFLOW_TYPE_BY_KIND = {
  workflow: "runWorkflow",
  agent: "runAgent",
} as const satisfies Record<ExecutionKind, string>;

/** `common.v1.Payload` as protojson: metadata values and data are `bytes`, hence base64. */
export interface TemporalPayload {
  metadata: Record<string, string>;
  data: string;
}

export interface StartWorkflowExecutionRequest {
  namespace: string;
  workflowId: string;
  workflowType: { name: string };
  taskQueue: { name: string };
  input: { payloads: TemporalPayload[] };
  identity: string;
  requestId: string;
  workflowIdReusePolicy: "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE";
  workflowIdConflictPolicy: "WORKFLOW_ID_CONFLICT_POLICY_FAIL";
}

export interface TemporalHttpCall<Body> {
  method: "POST" | "GET";
  /** Path below `TEMPORAL_HTTP_URL`, path parameters percent-encoded. */
  path: string;
  body?: Body;
}

/** The `json/plain` encoding of Temporal's default data converter (the SDKs' JSON payload converter). */
export const JSON_PLAIN_ENCODING = "json/plain";

/** Encodes one value as a `json/plain` payload, the form every Temporal SDK decodes by default. */
export function encodeJsonPayload(value: unknown): TemporalPayload {
  return { metadata: { encoding: base64Utf8(JSON_PLAIN_ENCODING) }, data: base64Utf8(JSON.stringify(value)) };
}

/** Decodes a `json/plain` payload; throws when the encoding is anything else. */
export function decodeJsonPayload(payload: TemporalPayload): unknown {
  const encoding = payload.metadata.encoding === undefined ? undefined : fromBase64Utf8(payload.metadata.encoding);
  if (encoding !== JSON_PLAIN_ENCODING) throw new TypeError(`unsupported payload encoding ${String(encoding)}`);
  return JSON.parse(fromBase64Utf8(payload.data));
}

/**
 * `requestId` is the de-duplication key of a start: stable per execution, so a redelivered queue message
 * repeats the same request and Temporal answers with the run it already started.
 */
export function startRequestId(executionId: string): string {
  return `start-${executionId}`;
}

export function cancelRequestId(executionId: string): string {
  return `cancel-${executionId}`;
}

/** Workflow id = execution id: one Temporal workflow per execution, found again without a lookup table. */
export function workflowPath(settings: Pick<TemporalSettings, "namespace">, executionId: string, suffix = ""): string {
  return `/api/v1/namespaces/${encodeURIComponent(settings.namespace)}/workflows/${encodeURIComponent(executionId)}${suffix}`;
}

/**
 * Builds the start call. Reuse policy REJECT_DUPLICATE: once a run for this execution has closed, a late
 * redelivery must not start a second one (the default, ALLOW_DUPLICATE, would). Conflict policy FAIL: a
 * running workflow with the same id answers `WorkflowExecutionAlreadyStarted`, which we treat as success.
 */
export function buildStartWorkflowCall(
  settings: Pick<TemporalSettings, "namespace" | "taskQueue">,
  input: TemporalWorkflowInput,
  identity: string,
): TemporalHttpCall<StartWorkflowExecutionRequest> {
  const argument: TemporalWorkflowInput = {
    executionId: input.executionId,
    kind: input.kind,
    definitionId: input.definitionId,
    version: input.version,
    userId: input.userId,
  };
  return {
    method: "POST",
    path: workflowPath(settings, input.executionId),
    body: {
      namespace: settings.namespace,
      workflowId: input.executionId,
      workflowType: { name: WORKFLOW_TYPE_BY_KIND[input.kind] },
      taskQueue: { name: settings.taskQueue },
      input: { payloads: [encodeJsonPayload(argument)] },
      identity,
      requestId: startRequestId(input.executionId),
      workflowIdReusePolicy: "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE",
      workflowIdConflictPolicy: "WORKFLOW_ID_CONFLICT_POLICY_FAIL",
    },
  };
}

export interface RequestCancelWorkflowExecutionRequest {
  namespace: string;
  workflowExecution: { workflowId: string };
  identity: string;
  requestId: string;
  reason: string;
}

/**
 * Builds the cancel call (`RequestCancelWorkflowExecution`): Temporal records a cancel request and the
 * workflow, on the worker, decides how to stop and reports `cancelled`.
 */
export function buildCancelWorkflowCall(
  settings: Pick<TemporalSettings, "namespace">,
  executionId: string,
  identity: string,
  reason = "cancelled by the user",
): TemporalHttpCall<RequestCancelWorkflowExecutionRequest> {
  return {
    method: "POST",
    path: workflowPath(settings, executionId, "/cancel"),
    body: {
      namespace: settings.namespace,
      workflowExecution: { workflowId: executionId },
      identity,
      requestId: cancelRequestId(executionId),
      reason,
    },
  };
}

/** `DescribeWorkflowExecution`: `GET …/workflows/{execution.workflow_id}`. */
export function buildDescribeWorkflowCall(
  settings: Pick<TemporalSettings, "namespace">,
  executionId: string,
): TemporalHttpCall<never> {
  return { method: "GET", path: workflowPath(settings, executionId) };
}

/** Who we are in Temporal's history (`identity`): the app's host, never a user. */
export function temporalIdentity(appUrl: URL): string {
  return `edge-integrations-api@${appUrl.host}`;
}

function base64Utf8(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64Utf8(encoded: string): string {
  const binary = atob(encoded);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
}
