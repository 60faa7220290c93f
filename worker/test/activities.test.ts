import { ApplicationFailure } from "@temporalio/common";
import { MockActivityEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createActivities, type WorkerActivities } from "../src/activities";
import { createInternalApiClient } from "../src/internal-api";
import { createTokenSigner, internalAudience } from "../src/token";
import { ISSUER, makeKeys } from "./helpers";
import { startInternalApiServer } from "./internal-api-server";

// Activities run in Temporal's MockActivityEnvironment against a local internal API server (port 8811) that
// verifies every token with the edge's verifier. Port 8812 has nothing listening (the edge unreachable).
const PORT = 8811;
const UNREACHABLE = new URL("http://127.0.0.1:8812/");

let server: Awaited<ReturnType<typeof startInternalApiServer>>;
let activities: WorkerActivities;
let unreachable: WorkerActivities;
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const env = new MockActivityEnvironment(undefined, { logger: quiet });

const execution = {
  id: "exe_1",
  kind: "workflow",
  status: "queued",
  definition_id: "wf_1",
  version: 2,
  definition: { name: "n", nodes: [], edges: [] },
  inputs: { city: "Paris" },
};

beforeAll(async () => {
  const { privateJwk, jwks } = await makeKeys();
  server = await startInternalApiServer({ port: PORT, jwks });
  server.route((method, path) => {
    if (method === "GET" && path === "/internal/v1/executions/exe_1")
      return { status: 200, body: { success: true, data: execution } };
    if (method === "POST" && path === "/internal/v1/executions/exe_1/events")
      return { status: 200, body: { success: true, data: { recorded: true } } };
    if (method === "POST" && path === "/internal/v1/executions/exe_1/activities/http") {
      return {
        status: 200,
        body: { success: true, data: { output: { status: 200, headers: {}, body: { ok: true } } } },
      };
    }
    return {
      status: 404,
      body: { success: false, error: { code: "not_found", message: "no route", retryable: false } },
    };
  });
  const make = async (appUrl: URL) => {
    const signer = await createTokenSigner({ privateJwk, issuer: ISSUER, audience: internalAudience(appUrl) });
    return createActivities(createInternalApiClient({ appUrl, signer, timeoutMs: 2000 }));
  };
  activities = await make(server.url);
  unreachable = await make(UNREACHABLE);
});

afterAll(async () => {
  await server.close();
});

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(error)}`);
  return error;
}

describe("worker activities against the internal API", () => {
  it("loads the execution with a token bound to it", async () => {
    expect(await env.run(activities.loadExecution, "exe_1")).toEqual(execution);
    expect(server.calls.at(-1)).toMatchObject({ method: "GET", status: 200, executionId: "exe_1" });
  });

  it("reports an event as the SPEC §7.4 body", async () => {
    const event = { id: "started", type: "started" as const, at: 1_764_590_400_000 };
    await env.run(activities.reportEvent, "exe_1", event);
    expect(server.calls.at(-1)).toMatchObject({
      path: "/internal/v1/executions/exe_1/events",
      body: event,
      status: 200,
    });
  });

  it("runs a node activity and returns its output", async () => {
    const output = await env.run(activities.runNodeActivity, {
      executionId: "exe_1",
      nodeId: "fetch",
      type: "http",
      config: { connectionId: "con_1", path: "/v1/items", method: "GET" },
      attempt: 1,
    });
    expect(output).toEqual({ status: 200, headers: {}, body: { ok: true } });
    expect(server.calls.at(-1)?.body).toEqual({
      node_id: "fetch",
      config: { connectionId: "con_1", path: "/v1/items", method: "GET" },
    });
  });

  it("signs a fresh token (new jti) for every call", async () => {
    const before = server.calls.length;
    await env.run(activities.loadExecution, "exe_1");
    await env.run(activities.loadExecution, "exe_1");
    const jtis = server.calls.slice(before).map((call) => call.jti);
    expect(new Set(jtis).size).toBe(2);
    expect(server.calls.slice(before).every((call) => call.status === 200)).toBe(true);
  });

  it("turns a final edge error into a non-retryable ApplicationFailure typed by the edge's code", async () => {
    server.reply({
      status: 409,
      body: {
        success: false,
        error: { code: "execution_not_running", message: "The execution is cancelled", retryable: false },
      },
    });
    const failure = await failureOf(env.run(activities.loadExecution, "exe_1"));
    expect(failure).toMatchObject({
      type: "execution_not_running",
      nonRetryable: true,
      message: "The execution is cancelled",
    });
    expect(failure.details).toEqual([{ status: 409 }]);
  });

  it("keeps a retryable edge error retryable, with the upstream's Retry-After", async () => {
    server.reply({
      status: 503,
      headers: { "retry-after": "3" },
      body: { success: false, error: { code: "upstream_error", message: "Upstream answered 503", retryable: true } },
    });
    const failure = await failureOf(
      env.run(activities.runNodeActivity, { executionId: "exe_1", nodeId: "n", type: "http", config: {}, attempt: 1 }),
    );
    expect(failure).toMatchObject({ type: "upstream_error", nonRetryable: false });
    expect(failure.details).toEqual([{ status: 503, retryAfterMs: 3000 }]);
  });

  it("treats an answer without a verdict by its status", async () => {
    server.reply({ status: 502, body: "<html>bad gateway</html>" });
    expect(await failureOf(env.run(activities.loadExecution, "exe_1"))).toMatchObject({
      type: "internal_api_error",
      nonRetryable: false,
    });
  });

  it("reports an unreachable edge as retryable", async () => {
    expect(await failureOf(env.run(unreachable.loadExecution, "exe_1"))).toMatchObject({
      type: "internal_api_unreachable",
      nonRetryable: false,
    });
  });
});
