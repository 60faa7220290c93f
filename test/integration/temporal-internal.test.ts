import { createExecutionContext, createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { getDb } from "../../src/db/client";
import { jobFailures } from "../../src/db/schema";
import { JOB_REGISTRY } from "../../src/job-registry";
import { consumeJobs, recordDeadLetters } from "../../src/jobs/consumer";
import { createLogger } from "../../src/platform/logger";
import { createInternalApiClient, InternalApiError } from "../../worker/src/internal-api";
import { runExecution } from "../../worker/src/run-execution";
import { createTokenSigner } from "../../worker/src/token";
import { createFakeTemporal, FAKE_TEMPORAL_URL, type FakeTemporal } from "../fakes/temporal";
import { createFakeUpstream } from "../fakes/upstream";
import { bodyFor, createConnection, UPSTREAM_HOST } from "../helpers/connections";
import { APP_ORIGIN, call, expectData, expectError } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { Browser, signedInBrowser } from "../helpers/session";
import { TEST_WORKER_ISSUER, TEST_WORKER_PRIVATE_JWK, workerToken } from "../helpers/worker-token";
import { createWorkflow, type ExecutionView } from "../helpers/workflows";

// The Temporal engine end to end, with Temporal faked at its HTTP API and the worker's own workflow body
// (worker/src/run-execution.ts) driving the real Worker's internal API with freshly signed tokens.
// The app runs with TEMPORAL_HTTP_URL set; its JOBS queue is captured so the test delivers the start itself.

const silent = createLogger({ sink: () => {} });
let sent: unknown[];
let temporal: FakeTemporal;
let upstream: ReturnType<typeof createFakeUpstream>;
let hooks: string[];
const temporalEnv = {
  ...env,
  TEMPORAL_HTTP_URL: FAKE_TEMPORAL_URL,
  JOBS: { send: async (body: unknown) => void sent.push(body), sendBatch: async () => {} },
} as unknown as Env;
const app = createApp();
const temporalFetch = (path: string, init?: RequestInit) =>
  Promise.resolve(app.fetch(new Request(new URL(path, APP_ORIGIN), init), temporalEnv, createExecutionContext()));

beforeEach(() => {
  sent = [];
  hooks = [];
  temporal = createFakeTemporal();
  upstream = createFakeUpstream();
  interceptOutbound({
    [temporal.host]: temporal.fetch,
    [UPSTREAM_HOST]: upstream.fetch,
    "hooks.example.test": async (request) => {
      hooks.push(await request.text());
      return Response.json({ received: true });
    },
  });
});

/** The signed-in user's browser, talking to the Temporal-configured app. */
async function temporalBrowser() {
  const signedIn = await signedInBrowser();
  const browser = new Browser(temporalFetch);
  for (const [name, value] of signedIn.cookies) browser.cookies.set(name, value);
  return browser;
}

async function queuedTemporalExecution(browser: Browser, secret = `sk-live-${crypto.randomUUID()}`) {
  const conn = await createConnection(browser, bodyFor("api_key", { data: { api_key: secret } }));
  const workflow = await createWorkflow(browser, {
    name: "Fetch and notify",
    nodes: [
      { id: "fetch", type: "http", config: { connectionId: conn.id, path: "/items/{{inputs.item}}", method: "GET" } },
      {
        id: "notify",
        type: "webhook",
        config: {
          url: "https://hooks.example.test/done",
          method: "POST",
          body: { path: "{{nodes.fetch.output.body.echo.path}}" },
        },
      },
    ],
    edges: [{ source: "fetch", target: "notify" }],
  });
  const execution = await expectData<ExecutionView>(
    await browser.json(`/api/workflows/${workflow.id}/execute`, "POST", { inputs: { item: "42" } }),
    202,
  );
  return { execution, workflow, conn, secret };
}

async function deliverJobs() {
  const batch = createMessageBatch(
    "edge-jobs",
    sent
      .splice(0)
      .map((body, index) => ({ id: `m${index}-${crypto.randomUUID()}`, timestamp: new Date(), body, attempts: 1 })),
  );
  await consumeJobs(batch, temporalEnv, silent, JOB_REGISTRY);
}

/** The shipped worker's internal API client, pointed at this app. */
async function workerClient() {
  const signer = await createTokenSigner({
    privateJwk: TEST_WORKER_PRIVATE_JWK,
    issuer: TEST_WORKER_ISSUER,
    audience: `${APP_ORIGIN}/internal`,
  });
  return createInternalApiClient({
    appUrl: new URL(APP_ORIGIN),
    signer,
    fetch: (input, init) => temporalFetch(String(input).replace(APP_ORIGIN, ""), init),
  });
}

describe("Temporal engine end to end (SPEC §7.3, §7.4)", () => {
  it("hands the execution to Temporal, then the worker runs it through the internal API", async () => {
    const browser = await temporalBrowser();
    const { execution, workflow, secret } = await queuedTemporalExecution(browser);
    expect(execution).toMatchObject({ status: "queued", engine: "temporal" });
    expect(JSON.stringify(sent)).not.toContain(secret);
    const startMessages = sent.filter((body) => (body as { kind?: string }).kind === "execution.start");
    expect(startMessages).toHaveLength(1);
    expect(JSON.stringify(startMessages)).not.toContain('"item"'); // inputs never ride on the queue

    await deliverJobs();
    const [start] = temporal.starts();
    const me = await expectData<{ user: { id: string } }>(await browser.request("/api/auth/me"));
    expect(temporal.workflow(execution.id)).toMatchObject({
      workflowType: "runWorkflow",
      taskQueue: "edge-workflows",
      args: [
        { executionId: execution.id, kind: "workflow", definitionId: workflow.id, version: 1, userId: me.user.id },
      ],
    });
    expect(start?.body).toMatchObject({ requestId: `start-${execution.id}`, workflowId: execution.id });

    // What Temporal would do next: the worker's workflow body, with activities that call the internal API.
    const api = await workerClient();
    const summary = await runExecution(temporal.workflow(execution.id)?.args[0] as never, {
      loadExecution: (id) => api.getExecution(id),
      reportEvent: (id, event) => api.postEvent(id, event),
      runNodeActivity: (request) =>
        api.runActivity(request.executionId, request.type, { node_id: request.nodeId, config: request.config }),
      toNodeFailure: (error) => (error instanceof InternalApiError ? error : undefined),
      isCancellation: () => false,
      sleep: async () => {},
      now: Date.now,
    });
    expect(summary).toEqual({ status: "completed" });
    expect(upstream.received[0]?.headers.authorization).toBe(`Bearer ${secret}`);
    expect(JSON.parse(hooks[0] ?? "{}")).toEqual({ path: "/items/42" });

    const done = await expectData<ExecutionView>(await browser.request(`/api/executions/${execution.id}`));
    expect(done).toMatchObject({ status: "completed", engine: "temporal" });
    expect(done.nodes?.map((node) => [node.node_id, node.status])).toEqual([
      ["fetch", "completed"],
      ["notify", "completed"],
    ]);
    expect(JSON.stringify(done)).not.toContain(secret);
    const stream = await (await browser.request(`/api/executions/${execution.id}/events`)).text();
    expect(stream).toContain("event: started");
    expect(stream).toContain("event: completed");
    expect(stream).not.toContain(secret);
  });

  it("redelivery of the start message starts nothing twice", async () => {
    const browser = await temporalBrowser();
    const { execution } = await queuedTemporalExecution(browser);
    const message = sent.find((body) => (body as { kind?: string }).kind === "execution.start");
    await deliverJobs();
    sent.push(message);
    await deliverJobs();
    expect(temporal.starts()).toHaveLength(2);
    expect(temporal.workflows()).toHaveLength(1);
    expect((await expectData<ExecutionView>(await browser.request(`/api/executions/${execution.id}`))).status).toBe(
      "queued",
    );
  });

  it("Temporal down: the start is retried, nothing is lost, and a dead letter fails the execution", async () => {
    const browser = await temporalBrowser();
    const { execution } = await queuedTemporalExecution(browser);
    const message = sent.find((body) => (body as { kind?: string }).kind === "execution.start");
    temporal.state.down = "unavailable";
    const retried: unknown[] = [];
    for (const attempts of [1, 2, 3, 4, 5, 6]) {
      const batch = {
        queue: "edge-jobs",
        messages: [
          {
            id: `m${attempts}`,
            timestamp: new Date(),
            body: message,
            attempts,
            ack() {},
            retry: (o: unknown) => retried.push(o),
          },
        ],
      } as unknown as MessageBatch<unknown>;
      await consumeJobs(batch, temporalEnv, silent, JOB_REGISTRY, { random: () => 0.5 });
    }
    expect(retried).toEqual([10, 20, 40, 80, 160, 320].map((delaySeconds) => ({ delaySeconds })));
    expect(temporal.starts()).toHaveLength(6);
    expect((await expectData<ExecutionView>(await browser.request(`/api/executions/${execution.id}`))).status).toBe(
      "queued",
    );

    // The queue gives up (max_retries) and moves the message to the dead-letter queue.
    const dead = createMessageBatch("edge-jobs-dlq", [
      { id: "dead-1", timestamp: new Date(), body: message, attempts: 1 },
    ]);
    await recordDeadLetters(dead, temporalEnv, silent, Date.now, JOB_REGISTRY);
    const failed = await expectData<ExecutionView>(await browser.request(`/api/executions/${execution.id}`));
    expect(failed).toMatchObject({ status: "failed", status_reason: "engine_unavailable" });
    const [row] = await getDb(env.DB)
      .select()
      .from(jobFailures)
      .where(eq(jobFailures.jobId, (message as { jobId: string }).jobId));
    expect(row).toMatchObject({ kind: "execution.start", attempts: 6 });
    expect(row?.deadAt).toBeTypeOf("number");
  });

  it("a Temporal 4xx fails the execution with the reason", async () => {
    const browser = await temporalBrowser();
    const { execution } = await queuedTemporalExecution(browser);
    temporal.reply({ status: 400, body: { code: 3, message: "WorkflowType is not registered.", details: [] } });
    await deliverJobs();
    const failed = await expectData<ExecutionView>(await browser.request(`/api/executions/${execution.id}`));
    expect(failed).toMatchObject({
      status: "failed",
      status_reason: "engine_rejected",
      error: {
        code: "engine_rejected",
        message: "Temporal answered HTTP 400 (gRPC 3): WorkflowType is not registered.",
      },
    });
  });

  it("cancel while still queued on Temporal's side is recorded at once; the late start is skipped", async () => {
    const browser = await temporalBrowser();
    const { execution } = await queuedTemporalExecution(browser);
    const cancelled = await expectData<ExecutionView>(
      await browser.json(`/api/executions/${execution.id}/cancel`, "POST", {}),
      202,
    );
    expect(cancelled.status).toBe("cancelled");
    await deliverJobs();
    expect(temporal.starts()).toHaveLength(0);
  });

  it("cancel of a running Temporal workflow asks Temporal; the worker's report settles it", async () => {
    const browser = await temporalBrowser();
    const { execution } = await queuedTemporalExecution(browser);
    await deliverJobs();
    const api = await workerClient();
    await api.postEvent(execution.id, { id: "started", type: "started", at: Date.now() });
    const pending = await expectData<ExecutionView>(
      await browser.json(`/api/executions/${execution.id}/cancel`, "POST", {}),
      202,
    );
    expect(pending.status).toBe("running");
    expect(temporal.workflow(execution.id)?.cancelRequested).toBe(true);
    await api.postEvent(execution.id, { id: "cancelled", type: "cancelled", at: Date.now() });
    expect((await expectData<ExecutionView>(await browser.request(`/api/executions/${execution.id}`))).status).toBe(
      "cancelled",
    );
  });
});

describe("internal API (SPEC §7.4)", () => {
  async function runningExecution() {
    const browser = await temporalBrowser();
    const made = await queuedTemporalExecution(browser);
    return { browser, ...made };
  }
  const internal = (token: string | null, path: string, init: RequestInit = {}) =>
    temporalFetch(path, {
      ...init,
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...init.headers,
      },
    });

  it("serves the execution with the definition version it runs, and no secret", async () => {
    const { execution, secret } = await runningExecution();
    const token = await workerToken({ executionId: execution.id });
    const data = await expectData<Record<string, unknown>>(
      await internal(token, `/internal/v1/executions/${execution.id}`),
    );
    expect(data).toMatchObject({
      id: execution.id,
      kind: "workflow",
      status: "queued",
      version: 1,
      inputs: { item: "42" },
    });
    expect((data.definition as { nodes: unknown[] }).nodes).toHaveLength(2);
    expect(JSON.stringify(data)).not.toContain(secret);
  });

  it.each([
    ["signed by another key", { key: "intruder" as const }],
    ["for another audience", { claims: { aud: "https://elsewhere.example/internal" } }],
    ["from another issuer", { claims: { iss: "someone-else" } }],
    ["expired", { iat: Math.floor(Date.now() / 1000) - 120, lifetimeSeconds: 60 }],
    ["living longer than 300 s", { lifetimeSeconds: 301 }],
    ["without a jti", { omit: ["jti"] }],
  ])("refuses a token %s with 401", async (_name, options) => {
    const { execution } = await runningExecution();
    const token = await workerToken({ executionId: execution.id, ...options });
    const response = await internal(token, `/internal/v1/executions/${execution.id}`);
    const body = await expectError(response, 401, "unauthenticated");
    expect(body.error.message).toBe("Invalid worker token");
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("refuses a replayed token", async () => {
    const { execution } = await runningExecution();
    const token = await workerToken({ executionId: execution.id });
    expect((await internal(token, `/internal/v1/executions/${execution.id}`)).status).toBe(200);
    await expectError(await internal(token, `/internal/v1/executions/${execution.id}`), 401, "unauthenticated");
  });

  it("answers 403 for another execution's token", async () => {
    const { execution } = await runningExecution();
    const other = await workerToken({ executionId: crypto.randomUUID() });
    await expectError(await internal(other, `/internal/v1/executions/${execution.id}`), 403, "forbidden");
  });

  it("answers 401 to a session cookie instead of a token, on the real Worker", async () => {
    const { browser, execution } = await runningExecution();
    const response = await call(`/internal/v1/executions/${execution.id}`, {
      headers: { cookie: browser.cookieHeader() },
    });
    await expectError(response, 401, "unauthenticated");
  });

  it("records events idempotently, out of order, and refuses them after a terminal one", async () => {
    const { browser, execution } = await runningExecution();
    const post = async (event: Record<string, unknown>) =>
      internal(await workerToken({ executionId: execution.id }), `/internal/v1/executions/${execution.id}/events`, {
        method: "POST",
        body: JSON.stringify({ at: Date.now(), ...event }),
      });
    const completed = {
      id: "fetch:completed",
      type: "node_completed",
      node_id: "fetch",
      output: { status: 200 },
      attempts: 1,
    };
    expect(await expectData(await post(completed))).toMatchObject({ recorded: true });
    expect(
      await expectData(await post({ id: "fetch:started:1", type: "node_started", node_id: "fetch", attempt: 1 })),
    ).toMatchObject({ recorded: true });
    expect(await expectData(await post(completed))).toMatchObject({ recorded: false });
    const view = await expectData<ExecutionView>(await browser.request(`/api/executions/${execution.id}`));
    expect(view.nodes?.find((node) => node.node_id === "fetch")?.status).toBe("completed");
    await expectData(
      await post({ id: "failed", type: "failed", error: { code: "x", message: "y", retryable: false } }),
    );
    await expectError(
      await post({ id: "late", type: "node_started", node_id: "notify", attempt: 1 }),
      409,
      "execution_finished",
    );
    await expectError(await post({ id: "bad", type: "exploded" }), 400, "invalid_request");
  });

  it("runs an activity only while the execution is running, with the owner's connections only", async () => {
    const { execution, conn } = await runningExecution();
    const other = await signedInBrowser();
    const foreign = await createConnection(other, bodyFor("api_key"));
    const activity = async (type: string, body: unknown) =>
      internal(
        await workerToken({ executionId: execution.id }),
        `/internal/v1/executions/${execution.id}/activities/${type}`,
        {
          method: "POST",
          body: JSON.stringify(body),
        },
      );
    const httpBody = (connectionId: string) => ({
      node_id: "fetch",
      config: { connectionId, path: "/items/1", method: "GET" },
    });

    const notRunning = await (await activity("http", httpBody(conn.id))).json();
    expect(notRunning).toMatchObject({ success: false, error: { code: "execution_not_running", retryable: false } });

    const api = await workerClient();
    await api.postEvent(execution.id, { id: "started", type: "started", at: Date.now() });
    const ok = await expectData<{ output: { status: number; body: unknown } }>(
      await activity("http", httpBody(conn.id)),
    );
    expect(ok.output.status).toBe(200);
    expect(JSON.stringify(ok)).not.toContain("sk-secret");

    const notOwned = await activity("http", httpBody(foreign.id));
    expect(notOwned.status).toBe(404);
    expect(await notOwned.json()).toMatchObject({ error: { code: "not_found", retryable: false } });
    expect((await activity("teleport", httpBody(conn.id))).status).toBe(404);
    await expectError(await activity("http", { node_id: "fetch" }), 400, "invalid_request");

    upstream.reply({ status: 503, body: { down: true } });
    const flaky = await activity("http", httpBody(conn.id));
    expect(await flaky.json()).toMatchObject({ success: false, error: { retryable: true } });
  });

  it("reads an activity's connection in the token's D1 round trip, not in a second one", async () => {
    const { execution, conn } = await runningExecution();
    const api = await workerClient();
    await api.postEvent(execution.id, { id: "started", type: "started", at: Date.now() });
    const token = await workerToken({ executionId: execution.id });
    const batch = vi.spyOn(env.DB, "batch");
    const prepare = vi.spyOn(env.DB, "prepare");
    try {
      const response = await internal(token, `/internal/v1/executions/${execution.id}/activities/http`, {
        method: "POST",
        body: JSON.stringify({ node_id: "fetch", config: { connectionId: conn.id, path: "/items/1", method: "GET" } }),
      });
      expect(response.status).toBe(200);
      expect(batch).toHaveBeenCalledTimes(1);
      const connectionReads = prepare.mock.calls
        .map(([sql]) => sql)
        .filter((sql) => /^\s*select/i.test(sql) && sql.includes('from "connections"'));
      // The one read of the connection is the batch's, joined with the token's execution (its owner).
      expect(connectionReads).toHaveLength(1);
      expect(connectionReads[0]).toContain('inner join "executions"');
    } finally {
      batch.mockRestore();
      prepare.mockRestore();
    }
  });

  it("does not serve an execution of the embedded engine", async () => {
    const browser = await signedInBrowser();
    const workflow = await createWorkflow(browser, {
      name: "embedded",
      nodes: [{ id: "a", type: "webhook", config: { url: "https://hooks.example.test/x", method: "POST" } }],
      edges: [],
    });
    const execution = await expectData<ExecutionView>(
      await browser.json(`/api/workflows/${workflow.id}/execute`, "POST", { inputs: {} }),
      202,
    );
    expect(execution.engine).toBe("cloudflare");
    const token = await workerToken({ executionId: execution.id });
    await expectError(await internal(token, `/internal/v1/executions/${execution.id}`), 404, "not_found");
  });
});
