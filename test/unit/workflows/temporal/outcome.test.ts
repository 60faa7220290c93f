import { describe, expect, it } from "vitest";
import {
  ALREADY_STARTED_DETAIL_TYPE,
  classifyCancelAnswer,
  classifyStartAnswer,
  parseRetryAfterSeconds,
  type TemporalAnswer,
} from "../../../../src/workflows/temporal/outcome";

const rpc = (code: number, message: string, details: unknown[] = []) => ({ code, message, details });
const response = (status: number, body: unknown, retryAfter?: string): TemporalAnswer => ({
  kind: "response",
  status,
  body,
  retryAfter,
});

// HTTP statuses below are grpc-gateway's HTTPStatusFromCode for the gRPC code in each body.
describe("classifying Temporal's answer to a start (SPEC §7.3)", () => {
  it.each<{ name: string; answer: TemporalAnswer; expected: unknown }>([
    {
      name: "200 with a new run → started",
      answer: response(200, { runId: "run-1", started: true }),
      expected: { kind: "started", runId: "run-1", alreadyStarted: false },
    },
    {
      name: "200 started:false (request-id de-duplication) → started, already",
      answer: response(200, { runId: "run-1", started: false }),
      expected: { kind: "started", runId: "run-1", alreadyStarted: true },
    },
    {
      name: "409 AlreadyExists with WorkflowExecutionAlreadyStartedFailure → started (a redelivery)",
      answer: response(
        409,
        rpc(6, "Workflow execution is already running.", [
          { "@type": ALREADY_STARTED_DETAIL_TYPE, startRequestId: "start-x", runId: "run-9" },
        ]),
      ),
      expected: { kind: "started", runId: "run-9", alreadyStarted: true },
    },
    {
      name: "409 Aborted (code 10, no detail) → retry, not success",
      answer: response(409, rpc(10, "concurrent update")),
      expected: { kind: "retry", reason: "Temporal answered HTTP 409 (gRPC 10): concurrent update" },
    },
    {
      name: "400 InvalidArgument → failed with the reason",
      answer: response(400, rpc(3, "TaskQueue is not set on request.")),
      expected: { kind: "failed", reason: "Temporal answered HTTP 400 (gRPC 3): TaskQueue is not set on request." },
    },
    {
      name: "404 NamespaceNotFound → failed",
      answer: response(404, rpc(5, "Namespace prod is not found.")),
      expected: { kind: "failed", reason: "Temporal answered HTTP 404 (gRPC 5): Namespace prod is not found." },
    },
    {
      name: "401 Unauthenticated (wrong API key) → failed",
      answer: response(401, rpc(16, "Request unauthorized.")),
      expected: { kind: "failed", reason: "Temporal answered HTTP 401 (gRPC 16): Request unauthorized." },
    },
    {
      name: "403 PermissionDenied → failed",
      answer: response(403, rpc(7, "Request unauthorized.")),
      expected: { kind: "failed", reason: "Temporal answered HTTP 403 (gRPC 7): Request unauthorized." },
    },
    {
      name: "429 ResourceExhausted → retry, honouring Retry-After",
      answer: response(429, rpc(8, "namespace rate limit exceeded"), "7"),
      expected: {
        kind: "retry",
        reason: "Temporal answered HTTP 429 (gRPC 8): namespace rate limit exceeded",
        retryAfterSeconds: 7,
      },
    },
    {
      name: "503 Unavailable → retry",
      answer: response(503, rpc(14, "Frontend is not healthy yet")),
      expected: { kind: "retry", reason: "Temporal answered HTTP 503 (gRPC 14): Frontend is not healthy yet" },
    },
    {
      name: "502 from a load balancer with an HTML body → retry",
      answer: response(502, undefined),
      expected: { kind: "retry", reason: "Temporal answered HTTP 502" },
    },
    {
      name: "504 DeadlineExceeded → retry",
      answer: response(504, rpc(4, "context deadline exceeded")),
      expected: { kind: "retry", reason: "Temporal answered HTTP 504 (gRPC 4): context deadline exceeded" },
    },
    {
      name: "a redirect (a login page in front of the API) → retry",
      answer: response(302, undefined),
      expected: { kind: "retry", reason: "unexpected HTTP 302 from the Temporal HTTP API" },
    },
    {
      name: "network error → retry",
      answer: { kind: "network_error" },
      expected: { kind: "retry", reason: "could not reach Temporal" },
    },
    {
      name: "timeout → retry",
      answer: { kind: "timeout" },
      expected: { kind: "retry", reason: "Temporal did not answer in time" },
    },
  ])("$name", ({ answer, expected }) => {
    expect(classifyStartAnswer(answer)).toEqual(expected);
  });

  it("bounds the stored reason", () => {
    const outcome = classifyStartAnswer(response(400, rpc(3, "x".repeat(5000))));
    expect(outcome.kind === "failed" && outcome.reason.length).toBe(500);
  });
});

describe("classifying Temporal's answer to a cancel", () => {
  it.each<{ name: string; answer: TemporalAnswer; kind: string }>([
    { name: "200 {} → cancel requested", answer: response(200, {}), kind: "cancel_requested" },
    {
      name: "404 NotFound (finished or never started) → not running",
      answer: response(404, rpc(5, "workflow execution already completed")),
      kind: "not_running",
    },
    { name: "503 → retry", answer: response(503, rpc(14, "down")), kind: "retry" },
    { name: "network error → retry", answer: { kind: "network_error" }, kind: "retry" },
    { name: "400 → failed", answer: response(400, rpc(3, "bad")), kind: "failed" },
  ])("$name", ({ answer, kind }) => {
    expect(classifyCancelAnswer(answer).kind).toBe(kind);
  });
});

describe("Retry-After (RFC 9110 §10.2.3)", () => {
  const now = Date.parse("2026-12-01T12:00:00Z");
  it.each([
    { value: "120", seconds: 120 },
    { value: "Tue, 01 Dec 2026 12:00:30 GMT", seconds: 30 },
    { value: "Tue, 01 Dec 2026 11:00:00 GMT", seconds: 0 },
    { value: "soon", seconds: undefined },
    { value: null, seconds: undefined },
  ])("$value → $seconds", ({ value, seconds }) => {
    expect(parseRetryAfterSeconds(value, now)).toBe(seconds);
  });
});
