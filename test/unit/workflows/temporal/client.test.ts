import { describe, expect, it } from "vitest";
import { createTemporalClient } from "../../../../src/workflows/temporal/client";
import type { TemporalSettings } from "../../../../src/workflows/temporal/settings";
import { createFakeTemporal, type FakeTemporal } from "../../../fakes/temporal";

const input = { executionId: "exe_1", kind: "workflow" as const, definitionId: "wf_1", version: 1, userId: "usr_1" };

function setup(options: { apiKey?: string; fakeKey?: string; timeoutMs?: number } = {}) {
  const fake = createFakeTemporal({ apiKey: options.fakeKey });
  const settings: TemporalSettings = {
    httpUrl: new URL(fake.url),
    namespace: "default",
    taskQueue: "edge-workflows",
    apiKey: options.apiKey,
  };
  const client = createTemporalClient(settings, {
    identity: "edge-integrations-api@test",
    timeoutMs: options.timeoutMs,
    fetch: async (url, init) => fakeFetch(fake, new Request(url, init)),
  });
  return { fake, client };
}

// Like the platform's fetch: an abort signal rejects a pending answer.
function fakeFetch(fake: FakeTemporal, request: Request): Promise<Response> {
  return Promise.race([
    fake.fetch(request),
    new Promise<never>((_, reject) =>
      request.signal.addEventListener("abort", () => reject(new DOMException("timed out", "TimeoutError"))),
    ),
  ]);
}

describe("Temporal HTTP client against the fake HTTP API", () => {
  it("starts a workflow once; a repeated start is the same run", async () => {
    const { fake, client } = setup();
    const first = await client.startWorkflow(input);
    const second = await client.startWorkflow(input);
    expect(first).toMatchObject({ kind: "started", alreadyStarted: false });
    expect(second).toMatchObject({ kind: "started", alreadyStarted: true });
    expect(second.kind === "started" && first.kind === "started" && second.runId).toBe(
      first.kind === "started" && first.runId,
    );
    expect(fake.workflows()).toHaveLength(1);
    expect(fake.workflow("exe_1")).toMatchObject({
      workflowType: "runWorkflow",
      taskQueue: "edge-workflows",
      args: [input],
    });
    expect(fake.starts()[0]?.headers["content-type"]).toBe("application/json");
  });

  it("treats 409 WorkflowExecutionAlreadyStarted (another request id) as started", async () => {
    const { fake, client } = setup();
    await client.startWorkflow(input);
    const workflow = fake.workflow("exe_1");
    if (workflow) workflow.requestId = "someone-else";
    expect(await client.startWorkflow(input)).toMatchObject({ kind: "started", alreadyStarted: true });
    expect(fake.requests.at(-1)?.status).toBe(409);
  });

  it("does not start a second run after the first closed", async () => {
    const { fake, client } = setup();
    await client.startWorkflow(input);
    fake.close("exe_1", "WORKFLOW_EXECUTION_STATUS_COMPLETED");
    const workflow = fake.workflow("exe_1");
    if (workflow) workflow.requestId = "lost";
    expect(await client.startWorkflow(input)).toMatchObject({ kind: "started", alreadyStarted: true });
    expect(fake.workflows()).toHaveLength(1);
  });

  it("sends the API key as a Bearer token", async () => {
    const { fake, client } = setup({ apiKey: "tmprl-key", fakeKey: "tmprl-key" });
    expect(await client.startWorkflow(input)).toMatchObject({ kind: "started" });
    expect(fake.requests[0]?.headers.authorization).toBe("Bearer tmprl-key");
  });

  it("fails the execution when the API key is wrong", async () => {
    const { client } = setup({ apiKey: "wrong", fakeKey: "tmprl-key" });
    expect(await client.startWorkflow(input)).toEqual({
      kind: "failed",
      reason: "Temporal answered HTTP 401 (gRPC 16): Request unauthorized.",
    });
  });

  it.each([
    { down: "unavailable" as const, reason: "Temporal answered HTTP 503 (gRPC 14): Frontend is not healthy yet" },
    { down: "network" as const, reason: "could not reach Temporal" },
    { down: "hang" as const, reason: "Temporal did not answer in time" },
  ])("asks for a retry when Temporal is down ($down)", async ({ down, reason }) => {
    const { fake, client } = setup({ timeoutMs: 50 });
    fake.state.down = down;
    expect(await client.startWorkflow(input)).toEqual({ kind: "retry", reason });
    expect(fake.workflows()).toHaveLength(0);
  });

  it("requests cancellation, then reports a finished workflow as not running", async () => {
    const { fake, client } = setup();
    await client.startWorkflow(input);
    expect(await client.cancelWorkflow("exe_1", "user asked")).toEqual({ kind: "cancel_requested" });
    expect(fake.workflow("exe_1")).toMatchObject({ cancelRequested: true, cancelReason: "user asked" });
    fake.close("exe_1", "WORKFLOW_EXECUTION_STATUS_CANCELED");
    expect((await client.cancelWorkflow("exe_1")).kind).toBe("not_running");
    expect((await client.cancelWorkflow("exe_unknown")).kind).toBe("not_running");
  });

  it("describes a workflow, or answers undefined for an unknown one", async () => {
    const { client } = setup();
    await client.startWorkflow(input);
    expect((await client.describeWorkflow("exe_1"))?.workflowExecutionInfo).toMatchObject({
      execution: { workflowId: "exe_1" },
      type: { name: "runWorkflow" },
      status: "WORKFLOW_EXECUTION_STATUS_RUNNING",
    });
    expect(await client.describeWorkflow("exe_2")).toBeUndefined();
  });

  it("keeps a path prefix of TEMPORAL_HTTP_URL", async () => {
    const fake = createFakeTemporal();
    const seen: string[] = [];
    const client = createTemporalClient(
      { httpUrl: new URL("http://gw.test/temporal/"), namespace: "default", taskQueue: "q" },
      {
        identity: "id",
        fetch: async (url) => {
          seen.push(String(url));
          return fake.fetch(new Request("http://x/api/v1/namespaces/default/workflows/e", { method: "GET" }));
        },
      },
    );
    await client.describeWorkflow("e").catch(() => undefined);
    expect(seen).toEqual(["http://gw.test/temporal/api/v1/namespaces/default/workflows/e"]);
  });
});
