import { describe, expect, it } from "vitest";
import { createFakeTemporal } from "./temporal";

// Fidelity of the fake Temporal HTTP API, driven directly (no Worker).

const START_PATH = "/api/v1/namespaces/default/workflows/wf-1";
const b64 = (text: string) => btoa(text);

function start(fake = createFakeTemporal(), body: Record<string, unknown> = {}, path = START_PATH, headers = {}) {
  return fake.fetch(
    new Request(`${fake.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({
        workflowType: { name: "runWorkflow" },
        taskQueue: { name: "edge-workflows" },
        input: { payloads: [{ metadata: { encoding: b64("json/plain") }, data: b64('{"executionId":"wf-1"}') }] },
        requestId: "req-1",
        ...body,
      }),
    }),
  );
}

describe("fake Temporal HTTP API", () => {
  it("starts a workflow and decodes its json/plain payloads", async () => {
    const fake = createFakeTemporal();
    const response = await start(fake);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ started: true, runId: expect.any(String) });
    expect(fake.workflow("wf-1")?.args).toEqual([{ executionId: "wf-1" }]);
  });

  it("accepts the HTTP API's payload shorthand (a plain JSON array)", async () => {
    const fake = createFakeTemporal();
    await start(fake, { input: [{ a: 1 }, "two"] });
    expect(fake.workflow("wf-1")?.args).toEqual([{ a: 1 }, "two"]);
  });

  it("answers 409 with WorkflowExecutionAlreadyStartedFailure for a second start with another requestId", async () => {
    const fake = createFakeTemporal();
    const first = (await (await start(fake)).json()) as { runId: string };
    const second = await start(fake, { requestId: "req-2" });
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({
      code: 6,
      message: `Workflow execution is already running. WorkflowId: wf-1, RunId: ${first.runId}.`,
      details: [
        {
          "@type": "type.googleapis.com/temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure",
          startRequestId: "req-1",
          runId: first.runId,
        },
      ],
    });
  });

  it("de-duplicates a start with the same requestId (started: false)", async () => {
    const fake = createFakeTemporal();
    const first = (await (await start(fake)).json()) as { runId: string };
    const again = await start(fake);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ runId: first.runId, started: false });
  });

  it("starts a new run for a closed workflow unless the reuse policy rejects duplicates", async () => {
    const fake = createFakeTemporal();
    await start(fake);
    fake.close("wf-1", "WORKFLOW_EXECUTION_STATUS_COMPLETED");
    const rejected = await start(fake, {
      requestId: "req-2",
      workflowIdReusePolicy: "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE",
    });
    expect(rejected.status).toBe(409);
    const allowed = await start(fake, { requestId: "req-3" });
    expect(allowed.status).toBe(200);
  });

  it.each([
    { body: { workflowType: {} }, message: "WorkflowType is not set on request." },
    { body: { taskQueue: { name: "" } }, message: "TaskQueue is not set on request." },
    { body: { workflow_type: { name: "x" } }, message: 'proto: (line 1:2): unknown field "workflow_type"' },
    {
      body: { input: { payloads: [{ metadata: { encoding: b64("binary/plain") }, data: "" }] } },
      message: "payload encoding binary/plain is not json/plain",
    },
  ])("refuses an invalid start with 400 InvalidArgument: $message", async ({ body, message }) => {
    const response = await start(undefined, body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 3, message, details: [] });
  });

  it("answers 404 NamespaceNotFound for an unknown namespace", async () => {
    const response = await start(undefined, {}, "/api/v1/namespaces/prod/workflows/wf-1");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 5, message: "Namespace prod is not found." });
  });

  it("requires the Bearer API key when one is configured", async () => {
    const fake = createFakeTemporal({ apiKey: "k" });
    expect((await start(fake)).status).toBe(401);
    expect((await start(fake, {}, START_PATH, { authorization: "Bearer nope" })).status).toBe(401);
    expect((await start(fake, {}, START_PATH, { authorization: "Bearer k" })).status).toBe(200);
  });

  it("cancels a running workflow and answers 404 once it has closed", async () => {
    const fake = createFakeTemporal();
    await start(fake);
    const cancel = () =>
      fake.fetch(
        new Request(`${fake.url}${START_PATH}/cancel`, {
          method: "POST",
          body: JSON.stringify({ workflowExecution: { workflowId: "wf-1" }, requestId: "c-1", reason: "r" }),
        }),
      );
    expect((await cancel()).status).toBe(200);
    expect(fake.workflow("wf-1")?.cancelRequested).toBe(true);
    fake.close("wf-1", "WORKFLOW_EXECUTION_STATUS_CANCELED");
    expect((await cancel()).status).toBe(404);
    expect(fake.cancels()).toHaveLength(2);
  });

  it("describes a workflow", async () => {
    const fake = createFakeTemporal();
    await start(fake);
    const response = await fake.fetch(new Request(`${fake.url}${START_PATH}`));
    expect(await response.json()).toMatchObject({
      workflowExecutionInfo: { execution: { workflowId: "wf-1" }, status: "WORKFLOW_EXECUTION_STATUS_RUNNING" },
    });
  });

  it("goes down on demand and records what it received", async () => {
    const fake = createFakeTemporal();
    fake.state.down = "unavailable";
    expect((await start(fake)).status).toBe(503);
    fake.state.down = "network";
    await expect(start(fake)).rejects.toThrow(TypeError);
    expect(fake.requests.map((r) => r.status)).toEqual([503, "network"]);
    expect(fake.workflows()).toHaveLength(0);
  });

  it("plays scripted replies first", async () => {
    const fake = createFakeTemporal();
    fake.reply({ status: 429, body: { code: 8, message: "slow down" }, headers: { "retry-after": "3" } });
    const throttled = await start(fake);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("3");
    expect((await start(fake)).status).toBe(200);
  });
});
