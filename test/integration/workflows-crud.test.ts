import { introspectWorkflow } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { executionDetail } from "../../src/workflows/executions/companions";
import { bodyFor, createConnection, UPSTREAM_HOST } from "../helpers/connections";
import { call, expectData, expectError } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { type Browser, signedInBrowser } from "../helpers/session";
import { createWorkflow, type ExecutionView, instancesOf } from "../helpers/workflows";

beforeEach(() => {
  interceptOutbound({
    "hooks.example.test": async () => Response.json({ ok: true }),
    [UPSTREAM_HOST]: async () => Response.json({ ok: true }),
  });
});

const hookNode = (id = "notify") => ({
  id,
  type: "webhook",
  config: { url: "https://hooks.example.test/x", method: "POST", body: { text: "hi {{inputs.name}}" } },
});
const simpleWorkflow = {
  name: "Notify",
  input_schema: { type: "object", required: ["name"], properties: { name: { type: "string", minLength: 1 } } },
  nodes: [hookNode()],
  edges: [],
};
const agentBody = (connectionId: string) => ({
  name: "Helper",
  provider: "openai",
  model: "gpt-test",
  connection_id: connectionId,
  tools: [],
});

async function details(response: Response, code = "invalid_workflow") {
  const body = await expectError(response, 400, code);
  return body.error.details as Array<{ node_id: string | null; path: string; message: string }>;
}

describe("/api/workflows CRUD (SPEC §7.1)", () => {
  it("creates, reads, lists, updates with a version bump, and soft-deletes", async () => {
    const browser = await signedInBrowser();
    const created = await createWorkflow(browser, simpleWorkflow);
    expect(created).toMatchObject({ name: "Notify", version: 1, nodes: simpleWorkflow.nodes, edges: [] });
    expect(await expectData(await browser.request(`/api/workflows/${created.id}`))).toEqual(created);
    expect((await expectData<Array<{ id: string }>>(await browser.request("/api/workflows"))).map((w) => w.id)).toEqual(
      [created.id],
    );

    const put = await expectData<{ version: number; name: string }>(
      await browser.json(`/api/workflows/${created.id}`, "PUT", { ...simpleWorkflow, name: "Notify v2" }),
    );
    expect(put).toMatchObject({ version: 2, name: "Notify v2" });
    const patched = await expectData<{ version: number; description: string; nodes: unknown[] }>(
      await browser.json(`/api/workflows/${created.id}`, "PATCH", { description: "patched" }),
    );
    expect(patched).toMatchObject({ version: 3, description: "patched", nodes: simpleWorkflow.nodes });

    await expectData(await browser.request(`/api/workflows/${created.id}`, { method: "DELETE" }));
    await expectError(await browser.request(`/api/workflows/${created.id}`), 404, "not_found");
    expect(await expectData<unknown[]>(await browser.request("/api/workflows"))).toEqual([]);
    const row = await env.DB.prepare("select deleted_at from definitions where id = ?")
      .bind(created.id)
      .first<{ deleted_at: number }>();
    expect(row?.deleted_at).toBeGreaterThan(0);
  });

  it("refuses a request without a session", async () => {
    await expectError(await call("/api/workflows"), 401, "unauthenticated");
    await expectError(await call("/api/executions"), 401, "unauthenticated");
  });

  it.each<[string, Record<string, unknown>, { node_id: string | null; path: string }]>([
    [
      "an unknown node type",
      { nodes: [{ id: "a", type: "ftp", config: {} }] },
      { node_id: "a", path: "nodes[0].type" },
    ],
    [
      "a config invalid for its type",
      { nodes: [{ id: "a", type: "webhook", config: { url: "https://h.test", method: "GET" } }] },
      { node_id: "a", path: "nodes[0].config.method" },
    ],
    ["a duplicate node id", { nodes: [hookNode("a"), hookNode("a")] }, { node_id: "a", path: "nodes[1].id" }],
    [
      "a dangling edge",
      { nodes: [hookNode("a")], edges: [{ source: "a", target: "ghost" }] },
      { node_id: "a", path: "edges[0].target" },
    ],
    [
      "a cycle",
      {
        nodes: [hookNode("s"), hookNode("a"), hookNode("b")],
        edges: [
          { source: "s", target: "a" },
          { source: "a", target: "b" },
          { source: "b", target: "a" },
        ],
      },
      { node_id: "a", path: "edges" },
    ],
    ["no entry node", { nodes: [] }, { node_id: null, path: "nodes" }],
    [
      "a bad condition",
      { nodes: [hookNode("a"), hookNode("b")], edges: [{ source: "a", target: "b", condition: "eval('x')" }] },
      { node_id: "a", path: "edges[0].condition" },
    ],
  ])("refuses %s with 400 invalid_workflow and node details", async (_, change, expected) => {
    const browser = await signedInBrowser();
    const list = await details(
      await browser.json("/api/workflows", "POST", { ...simpleWorkflow, edges: [], ...change }),
    );
    expect(list).toContainEqual(expect.objectContaining(expected));
  });

  it("refuses a connection that is someone else's, missing, or of a method that does not fit", async () => {
    const owner = await signedInBrowser();
    const other = await signedInBrowser();
    const theirs = await createConnection(other, bodyFor("api_key"));
    const mine = await createConnection(owner, bodyFor("basic"));
    const httpNode = (id: string, connectionId: string) => ({
      id,
      type: "http",
      config: { connectionId, path: "/x", method: "GET" },
    });
    const llmNode = {
      id: "l",
      type: "llm",
      config: { provider: "openai", model: "m", connectionId: mine.id, prompt: "hi" },
    };
    const list = await details(
      await owner.json("/api/workflows", "POST", {
        name: "W",
        nodes: [httpNode("theirs", theirs.id), httpNode("missing", crypto.randomUUID()), llmNode],
        edges: [],
      }),
    );
    expect(list).toEqual([
      { node_id: "theirs", path: "nodes[0].config.connectionId", message: `connection "${theirs.id}" not found` },
      { node_id: "missing", path: "nodes[1].config.connectionId", message: expect.stringMatching(/not found/) },
      {
        node_id: "l",
        path: "nodes[2].config.connectionId",
        message: "a basic connection does not fit here (expected api_key)",
      },
    ]);
  });

  it("answers 415 for a non-JSON body and 400 invalid_json for a malformed one", async () => {
    const browser = await signedInBrowser();
    await expectError(
      await browser.request("/api/workflows", { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }),
      415,
      "unsupported_media_type",
    );
    await expectError(
      await browser.request("/api/workflows", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{",
      }),
      400,
      "invalid_json",
    );
  });
});

describe("/api/agents CRUD (SPEC §7.1)", () => {
  it("creates and updates an agent, and refuses an invalid one with invalid_agent", async () => {
    const browser = await signedInBrowser();
    const key = await createConnection(browser, bodyFor("api_key", { provider: "openai", base_url: undefined }));
    const agent = await expectData<{ id: string; version: number }>(
      await browser.json("/api/agents", "POST", agentBody(key.id)),
      201,
    );
    expect(agent.version).toBe(1);
    const updated = await expectData<{ version: number; max_steps: number }>(
      await browser.json(`/api/agents/${agent.id}`, "PATCH", { max_steps: 4 }),
    );
    expect(updated).toMatchObject({ version: 2, max_steps: 4 });
    const problems = await details(
      await browser.json("/api/agents", "POST", { ...agentBody(key.id), max_steps: 999 }),
      "invalid_agent",
    );
    expect(problems[0]).toMatchObject({ node_id: null, path: "max_steps" });
    // A workflow id is not an agent id.
    const workflow = await createWorkflow(browser, simpleWorkflow);
    await expectError(await browser.request(`/api/agents/${workflow.id}`), 404, "not_found");
  });
});

describe("executions: inputs, idempotency and isolation (SPEC §7.2)", () => {
  it("refuses inputs that fail input_schema with 400 invalid_inputs before queuing anything", async () => {
    const browser = await signedInBrowser();
    const workflow = await createWorkflow(browser, simpleWorkflow);
    const response = await browser.json(`/api/workflows/${workflow.id}/execute`, "POST", { inputs: { name: 5 } });
    const body = await expectError(response, 400, "invalid_inputs");
    expect(body.error.details).toContainEqual(expect.objectContaining({ path: "#/name", keyword: "type" }));
    const list = await expectData<unknown[]>(await browser.request("/api/executions"));
    expect(list).toEqual([]);
  });

  it("returns the same execution for a repeated Idempotency-Key, and starts one instance", async () => {
    const browser = await signedInBrowser();
    const workflow = await createWorkflow(browser, simpleWorkflow);
    const introspector = await introspectWorkflow(env.EXECUTION_WORKFLOW);
    try {
      const execute = (key = "order-42") =>
        browser.request(`/api/workflows/${workflow.id}/execute`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": key },
          body: JSON.stringify({ inputs: { name: "Ada" } }),
        });
      const first = await expectData<ExecutionView>(await execute(), 202);
      const second = await expectData<ExecutionView>(await execute(), 202);
      expect(second.id).toBe(first.id);
      expect(first).toMatchObject({ status: "queued", engine: "cloudflare", kind: "workflow", version: 1 });
      const instances = await instancesOf(introspector, 1);
      await instances[0]?.waitForStatus("complete");
      const elsewhere = await createWorkflow(browser, simpleWorkflow);
      const reused = await browser.request(`/api/workflows/${elsewhere.id}/execute`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": "order-42" },
        body: JSON.stringify({ inputs: { name: "Ada" } }),
      });
      await expectError(reused, 409, "conflict");
      const other = await expectData<ExecutionView>(await execute("order-43"), 202);
      expect(other.id).not.toBe(first.id);
      await (await instancesOf(introspector, 2))[1]?.waitForStatus("complete");
      expect(await introspector.get()).toHaveLength(2);
    } finally {
      await introspector.dispose();
    }
  });

  it("answers 404 on every route for another user's workflow, agent and execution", async () => {
    const owner = await signedInBrowser();
    const intruder = await signedInBrowser();
    const key = await createConnection(owner, bodyFor("api_key", { provider: "openai", base_url: undefined }));
    const workflow = await createWorkflow(owner, simpleWorkflow);
    const agent = await expectData<{ id: string }>(await owner.json("/api/agents", "POST", agentBody(key.id)), 201);
    const introspector = await introspectWorkflow(env.EXECUTION_WORKFLOW);
    let execution: ExecutionView;
    try {
      execution = await expectData<ExecutionView>(
        await owner.json(`/api/workflows/${workflow.id}/execute`, "POST", { inputs: { name: "x" } }),
        202,
      );
      await (await instancesOf(introspector, 1))[0]?.waitForStatus("complete");
    } finally {
      await introspector.dispose();
    }
    const attempts: Array<[string, string, unknown?]> = [
      ["GET", `/api/workflows/${workflow.id}`],
      ["PUT", `/api/workflows/${workflow.id}`, simpleWorkflow],
      ["PATCH", `/api/workflows/${workflow.id}`, { name: "mine" }],
      ["DELETE", `/api/workflows/${workflow.id}`],
      ["POST", `/api/workflows/${workflow.id}/execute`, { inputs: { name: "x" } }],
      ["GET", `/api/agents/${agent.id}`],
      ["PUT", `/api/agents/${agent.id}`, agentBody(key.id)],
      ["DELETE", `/api/agents/${agent.id}`],
      ["POST", `/api/agents/${agent.id}/execute`, { input: "hi" }],
      ["GET", `/api/executions/${execution.id}`],
      ["POST", `/api/executions/${execution.id}/cancel`],
      ["GET", `/api/executions/${execution.id}/events`],
    ];
    for (const [method, path, body] of attempts) {
      const response =
        body === undefined ? await intruder.request(path, { method }) : await intruder.json(path, method, body);
      await expectError(response, 404, "not_found");
    }
    expect(await expectData<unknown[]>(await intruder.request("/api/executions"))).toEqual([]);
    expect(await expectData<unknown[]>(await intruder.request("/api/workflows"))).toEqual([]);
    // The owner's data is untouched.
    expect(await expectData<{ version: number }>(await owner.request(`/api/workflows/${workflow.id}`))).toMatchObject({
      version: 1,
    });
  });

  it("lists executions newest first with a cursor and filters", async () => {
    const browser: Browser = await signedInBrowser();
    const workflow = await createWorkflow(browser, simpleWorkflow);
    const introspector = await introspectWorkflow(env.EXECUTION_WORKFLOW);
    const ids: string[] = [];
    try {
      for (let i = 0; i < 3; i++)
        ids.push(
          (
            await expectData<ExecutionView>(
              await browser.json(`/api/workflows/${workflow.id}/execute`, "POST", { inputs: { name: `n${i}` } }),
              202,
            )
          ).id,
        );
      for (const instance of await instancesOf(introspector, 3)) await instance.waitForStatus("complete");
    } finally {
      await introspector.dispose();
    }
    const first = (await (await browser.request(`/api/executions?workflow_id=${workflow.id}&limit=2`)).json()) as {
      data: ExecutionView[];
      next_cursor: string | null;
    };
    expect(first.data).toHaveLength(2);
    expect(first.data[0]).not.toHaveProperty("nodes");
    const second = (await (
      await browser.request(`/api/executions?workflow_id=${workflow.id}&limit=2&cursor=${first.next_cursor}`)
    ).json()) as {
      data: ExecutionView[];
      next_cursor: string | null;
    };
    expect([...first.data, ...second.data].map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(second.next_cursor).toBeNull();
    expect(await expectData<unknown[]>(await browser.request("/api/executions?status=failed"))).toEqual([]);
    await expectError(await browser.request("/api/executions?cursor=nope"), 400, "invalid_request");
    await expectError(await browser.request("/api/executions?status=weird"), 400, "invalid_request");
  });
});

describe("executions: engine start failure", () => {
  it("marks the execution failed with engine_unavailable when the engine refuses to start it", async () => {
    const browser = await signedInBrowser();
    const workflow = await createWorkflow(browser, simpleWorkflow);
    vi.spyOn(env.EXECUTION_WORKFLOW, "create").mockRejectedValue(new Error("workflows are down"));
    const logged: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void logged.push(String(line)));
    const queued = await expectData<ExecutionView>(
      await browser.json(`/api/workflows/${workflow.id}/execute`, "POST", { inputs: { name: "x" } }),
      202,
    );
    const failed = await vi.waitFor(async () => {
      const current = await expectData<ExecutionView>(await browser.request(`/api/executions/${queued.id}`));
      expect(current.status).toBe("failed");
      return current;
    });
    expect(failed).toMatchObject({ status_reason: "engine_unavailable", error: { code: "engine_unavailable" } });
    expect(logged.some((line) => line.includes("execution could not be started"))).toBe(true);
  });
});

describe("hot-path reads", () => {
  it("reads GET /api/executions/:id in the same D1 batch as the session", async () => {
    const browser = await signedInBrowser();
    const workflow = await createWorkflow(browser, simpleWorkflow);
    const introspector = await introspectWorkflow(env.EXECUTION_WORKFLOW);
    let id = "";
    try {
      id = (
        await expectData<ExecutionView>(
          await browser.json(`/api/workflows/${workflow.id}/execute`, "POST", { inputs: { name: "x" } }),
          202,
        )
      ).id;
      await (await instancesOf(introspector, 1))[0]?.waitForStatus("complete");
    } finally {
      await introspector.dispose();
    }
    const stored = vi.spyOn(executionDetail, "store");
    const prepare = vi.spyOn(env.DB, "prepare");
    const detail = await expectData<ExecutionView>(await browser.request(`/api/executions/${id}`));
    expect(detail).toMatchObject({ id, status: "completed", nodes: [{ node_id: "notify", status: "completed" }] });
    expect(stored).toHaveBeenCalledTimes(1);
    const reads = prepare.mock.calls.map(([sql]) => sql).filter((sql) => /^\s*select/i.test(sql));
    expect(reads).toHaveLength(2); // the session and the execution, batched
  });
});
