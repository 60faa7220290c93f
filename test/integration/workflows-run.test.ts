import { introspectWorkflow } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createFakeUpstream } from "../fakes/upstream";
import { bodyFor, createConnection, UPSTREAM_HOST } from "../helpers/connections";
import { expectData, expectError } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { signedInBrowser } from "../helpers/session";
import { createWorkflow, type ExecutionView, executeAndWait, instancesOf } from "../helpers/workflows";

let upstream: ReturnType<typeof createFakeUpstream>;
let hooks: Array<{ headers: Headers; body: string }>;

beforeEach(() => {
  upstream = createFakeUpstream();
  hooks = [];
  interceptOutbound({
    [UPSTREAM_HOST]: upstream.fetch,
    "hooks.example.test": async (request) => {
      hooks.push({ headers: request.headers, body: await request.text() });
      return Response.json({ received: true });
    },
  });
});

describe("embedded engine: an http → webhook workflow", () => {
  it("completes with credentials injected at the edge and absent from outputs", async () => {
    const browser = await signedInBrowser();
    const secret = `sk-live-${crypto.randomUUID()}`;
    const conn = await createConnection(browser, bodyFor("api_key", { data: { api_key: secret } }));
    const workflow = await createWorkflow(browser, {
      name: "Fetch and notify",
      input_schema: { type: "object", required: ["item"], properties: { item: { type: "string" } } },
      nodes: [
        {
          id: "fetch",
          type: "http",
          config: {
            connectionId: conn.id,
            path: "/items/{{inputs.item}}",
            method: "GET",
            map: [{ as: "path", select: "$.echo.path" }],
          },
        },
        {
          id: "notify",
          type: "webhook",
          config: {
            url: "https://hooks.example.test/done",
            method: "POST",
            body: { fetched: "{{nodes.fetch.output.path}}" },
          },
        },
      ],
      edges: [{ source: "fetch", target: "notify" }],
    });
    const execution = await executeAndWait(browser, () =>
      browser.json(`/api/workflows/${workflow.id}/execute`, "POST", { inputs: { item: "42" } }),
    );
    expect(execution).toMatchObject({ status: "completed", engine: "cloudflare", version: 1 });
    expect(upstream.received[0]?.headers.authorization).toBe(`Bearer ${secret}`);
    expect(JSON.parse(hooks[0]?.body ?? "{}")).toEqual({ fetched: "/items/42" });
    expect(execution.nodes?.map((node) => [node.node_id, node.status, node.attempts])).toEqual([
      ["fetch", "completed", 1],
      ["notify", "completed", 1],
    ]);
    const fetched = execution.nodes?.[0]?.output as { status: number; headers: Record<string, string>; path: string };
    expect(fetched).toMatchObject({ status: 200, path: "/items/42", headers: { "x-upstream": "yes" } });
    // Only the upstream's headers: no set-cookie, none of the proxy's own.
    expect(Object.keys(fetched.headers)).not.toContain("set-cookie");
    expect(Object.keys(fetched.headers)).not.toContain("x-upstream-attempts");
    expect(JSON.stringify(execution)).not.toContain(secret);
  });
});

async function readEvents(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const text = await response.text();
  const events = text
    .split("\n\n")
    .filter((block) => block.startsWith("id:"))
    .map((block) => {
      const fields = Object.fromEntries(
        block.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
      );
      return {
        id: Number(fields.id),
        event: fields.event as string,
        data: JSON.parse(fields.data as string) as Record<string, unknown>,
      };
    });
  return { text, events };
}

describe("embedded engine: failures, retries, branches", () => {
  const oneHttpNode = (connectionId: string, extra: Record<string, unknown> = {}) => ({
    name: "One call",
    nodes: [{ id: "fetch", type: "http", config: { connectionId, path: "/thing", method: "GET", ...extra } }],
    edges: [],
  });

  it("fails the execution with the node's error when the upstream refuses (no retry on 404)", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer"));
    const workflow = await createWorkflow(browser, oneHttpNode(conn.id));
    upstream.reply({ status: 404, body: { error: "nope" } });
    const execution = await executeAndWait(browser, () =>
      browser.json(`/api/workflows/${workflow.id}/execute`, "POST", {}),
    );
    expect(execution).toMatchObject({
      status: "failed",
      status_reason: "http_404",
      error: { node_id: "fetch", code: "http_404", message: "The upstream answered 404" },
    });
    expect(execution.nodes?.[0]).toMatchObject({
      node_id: "fetch",
      status: "failed",
      attempts: 1,
      error: { code: "http_404" },
    });
    expect(upstream.received).toHaveLength(1);
  });

  it("retries 503s per the node policy and completes", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer"));
    const workflow = await createWorkflow(
      browser,
      oneHttpNode(conn.id, { retryPolicy: { attempts: 3, backoffMs: 5000 } }),
    );
    upstream.reply({ status: 503 }, { status: 503, headers: { "retry-after": "1" } });
    const execution = await executeAndWait(browser, () =>
      browser.json(`/api/workflows/${workflow.id}/execute`, "POST", {}),
    );
    expect(execution.status).toBe("completed");
    expect(execution.nodes?.[0]).toMatchObject({ status: "completed", attempts: 3 });
    expect(upstream.received).toHaveLength(3);
  });

  it("fails after the last attempt when the upstream stays down", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer"));
    const workflow = await createWorkflow(browser, oneHttpNode(conn.id, { retryPolicy: { attempts: 2 } }));
    upstream.reply({ status: 502 }, { status: 502 });
    const execution = await executeAndWait(browser, () =>
      browser.json(`/api/workflows/${workflow.id}/execute`, "POST", {}),
    );
    expect(execution).toMatchObject({ status: "failed", error: { node_id: "fetch", code: "http_502" } });
    expect(execution.nodes?.[0]?.attempts).toBe(2);
  });

  it("skips the untaken branch and reports a missing reference as the node's error", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer"));
    const workflow = await createWorkflow(browser, {
      name: "Branches",
      nodes: [
        { id: "check", type: "http", config: { connectionId: conn.id, path: "/check", method: "GET" } },
        { id: "yes", type: "webhook", config: { url: "https://hooks.example.test/yes", method: "POST" } },
        {
          id: "no",
          type: "webhook",
          config: { url: "https://hooks.example.test/no", method: "POST", body: "{{nodes.check.output.body.missing}}" },
        },
      ],
      edges: [
        { source: "check", target: "yes", condition: "nodes.check.output.status == 200" },
        { source: "check", target: "no", condition: "nodes.check.output.status != 200" },
      ],
    });
    const execution = await executeAndWait(browser, () =>
      browser.json(`/api/workflows/${workflow.id}/execute`, "POST", {}),
    );
    expect(execution.status).toBe("completed");
    expect(execution.nodes?.map((node) => node.status)).toEqual(["completed", "completed", "skipped"]);
    expect(hooks).toHaveLength(1);

    const broken = await createWorkflow(browser, {
      name: "Broken reference",
      nodes: [
        {
          id: "a",
          type: "webhook",
          config: { url: "https://hooks.example.test/a", method: "POST", body: "{{inputs.absent}}" },
        },
      ],
      edges: [],
    });
    const failed = await executeAndWait(browser, () => browser.json(`/api/workflows/${broken.id}/execute`, "POST", {}));
    expect(failed).toMatchObject({ status: "failed", error: { node_id: "a", code: "missing_reference" } });
  });
});

describe("execution events (SSE)", () => {
  it("replays every event with id/event/data, resumes after Last-Event-ID, and keeps secrets out", async () => {
    const lines: string[] = [];
    for (const level of ["log", "warn", "error"] as const)
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    const browser = await signedInBrowser();
    const secret = `secret-bearer-${crypto.randomUUID()}`;
    const conn = await createConnection(browser, bodyFor("bearer", { data: { token: secret } }));
    const workflow = await createWorkflow(browser, {
      name: "Echo",
      nodes: [{ id: "echo", type: "http", config: { connectionId: conn.id, path: "/echo", method: "GET" } }],
      edges: [],
    });
    const execution = await executeAndWait(browser, () =>
      browser.json(`/api/workflows/${workflow.id}/execute`, "POST", {}),
    );
    expect(execution.status).toBe("completed");
    // The fake upstream echoes our request headers back: the injected token is redacted from the output.
    expect(upstream.received[0]?.headers.authorization).toBe(`Bearer ${secret}`);
    expect(JSON.stringify(execution.nodes)).toContain("[redacted]");

    const all = await readEvents(await browser.request(`/api/executions/${execution.id}/events`));
    expect(all.events.map((event) => event.event)).toEqual(["started", "node_started", "node_completed", "completed"]);
    expect(all.events.map((event) => event.id)).toEqual([1, 2, 3, 4]);
    expect(all.events[2]?.data).toMatchObject({ type: "node_completed", node_id: "echo", attempts: 1, seq: 3 });
    expect(all.text).not.toContain(secret);

    const resumed = await readEvents(
      await browser.request(`/api/executions/${execution.id}/events`, { headers: { "last-event-id": "2" } }),
    );
    expect(resumed.events.map((event) => event.id)).toEqual([3, 4]);
    const afterEnd = await readEvents(
      await browser.request(`/api/executions/${execution.id}/events`, { headers: { "last-event-id": "4" } }),
    );
    expect(afterEnd.events).toEqual([]);
    expect(lines.join("\n")).not.toContain(secret);
    const row = await env.DB.prepare("select * from executions where id = ?").bind(execution.id).first();
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it("streams live, and cancel terminates the instance and ends the stream with `cancelled`", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer"));
    const workflow = await createWorkflow(browser, {
      name: "Slow",
      nodes: [{ id: "slow", type: "http", config: { connectionId: conn.id, path: "/slow", method: "GET" } }],
      edges: [],
    });
    upstream.reply({ status: 200, hang: true });
    const introspector = await introspectWorkflow(env.EXECUTION_WORKFLOW);
    try {
      const queued = await expectData<ExecutionView>(
        await browser.json(`/api/workflows/${workflow.id}/execute`, "POST", {}),
        202,
      );
      await vi.waitFor(async () => {
        const current = await expectData<ExecutionView>(await browser.request(`/api/executions/${queued.id}`));
        expect(current.nodes?.[0]?.status).toBe("running");
      });
      const stream = await browser.request(`/api/executions/${queued.id}/events`);
      const cancel = await expectData<ExecutionView>(
        await browser.request(`/api/executions/${queued.id}/cancel`, { method: "POST" }),
        202,
      );
      expect(cancel.status).toBe("cancelled");
      const { events } = await readEvents(stream);
      expect(events.map((event) => event.event)).toEqual(["started", "node_started", "cancelled"]);
      const [instance] = await instancesOf(introspector, 1);
      await instance?.waitForStatus("terminated");
      await expectError(
        await browser.request(`/api/executions/${queued.id}/cancel`, { method: "POST" }),
        409,
        "execution_finished",
      );
    } finally {
      await introspector.dispose();
    }
  });
});

describe("embedded engine: an agent", () => {
  it("runs the model, runs a workflow tool with the model's arguments, feeds its output back, and completes", async () => {
    const calls: Array<Record<string, unknown>> = [];
    const key = `sk-openai-${crypto.randomUUID()}`;
    interceptOutbound({
      "hooks.example.test": async (request) => {
        hooks.push({ headers: request.headers, body: await request.text() });
        return Response.json({ received: true });
      },
      "api.openai.com": async (request) => {
        expect(request.headers.get("authorization")).toBe(`Bearer ${key}`);
        const body = (await request.json()) as Record<string, unknown>;
        calls.push(body);
        if (calls.length === 1)
          return Response.json({
            model: "gpt-test-1",
            choices: [
              {
                message: {
                  role: "assistant",
                  content: null,
                  tool_calls: [
                    { id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } },
                  ],
                },
              },
            ],
            usage: { prompt_tokens: 10, completion_tokens: 3 },
          });
        return Response.json({
          model: "gpt-test-1",
          choices: [{ message: { role: "assistant", content: "Found it." } }],
          usage: { prompt_tokens: 20, completion_tokens: 5 },
        });
      },
    });
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, {
      name: "OpenAI",
      connection_method: "api_key",
      provider: "openai",
      data: { api_key: key },
    });
    const mcp = await createConnection(browser, bodyFor("bearer"));
    // An MCP tool on a non-MCP connection is refused when saving…
    await expectError(
      await browser.json("/api/agents", "POST", {
        name: "A",
        provider: "openai",
        model: "gpt-test",
        connection_id: conn.id,
        tools: [{ type: "mcp", name: "lookup", config: { connectionId: mcp.id } }],
      }),
      400,
      "invalid_agent",
    );
    // A workflow tool must be one of the owner's workflows…
    const problem = await expectError(
      await browser.json("/api/agents", "POST", {
        name: "A",
        provider: "openai",
        model: "gpt-test",
        connection_id: conn.id,
        tools: [{ type: "workflow", name: "lookup", config: { workflowId: "wf-unknown" } }],
      }),
      400,
      "invalid_agent",
    );
    expect(problem.error.details).toEqual([
      { node_id: "lookup", path: "tools[0].config.workflowId", message: 'workflow "wf-unknown" not found' },
    ]);
    // …and runs with the model's arguments as inputs, its output going back to the model.
    const child = await createWorkflow(browser, {
      name: "Lookup",
      input_schema: { type: "object", required: ["q"], properties: { q: { type: "string" } } },
      nodes: [
        {
          id: "ask",
          type: "webhook",
          config: { url: "https://hooks.example.test/lookup", method: "POST", body: { query: "{{inputs.q}}" } },
        },
      ],
      edges: [],
    });
    const agent = await expectData<{ id: string }>(
      await browser.json("/api/agents", "POST", {
        name: "A",
        provider: "openai",
        model: "gpt-test",
        connection_id: conn.id,
        instructions: "Be brief.",
        max_steps: 3,
        tools: [
          {
            type: "workflow",
            name: "lookup",
            description: "Look up",
            config: { workflowId: child.id, input_schema: { type: "object", properties: { q: { type: "string" } } } },
          },
        ],
      }),
      201,
    );
    const execution = await executeAndWait(browser, () =>
      browser.json(`/api/agents/${agent.id}/execute`, "POST", { input: "Find x" }),
    );
    expect(execution).toMatchObject({
      kind: "agent",
      status: "completed",
      output: { text: "Found it.", steps: 2, usage: { input_tokens: 30, output_tokens: 8 } },
    });
    expect(calls[0]).toMatchObject({
      model: "gpt-test",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Find x" },
      ],
      tools: [{ type: "function", function: { name: "lookup", description: "Look up" } }],
    });
    expect(JSON.parse(hooks[0]?.body ?? "{}")).toEqual({ query: "x" });
    const toolMessage = (
      (calls[1]?.messages ?? []) as Array<{ role: string; tool_call_id?: string; content: string }>
    )[3];
    expect(toolMessage).toMatchObject({ role: "tool", tool_call_id: "call_1" });
    expect(JSON.parse(toolMessage?.content ?? "{}")).toMatchObject({
      nodes: { ask: { status: 200, body: { received: true } } },
    });
    expect(execution.nodes?.map((node) => [node.node_id, node.status])).toEqual([
      ["step_1_llm", "completed"],
      ["step_1_tool_1", "completed"],
      ["step_2_llm", "completed"],
    ]);
    expect(JSON.stringify(execution)).not.toContain(key);
  });
});

describe("embedded engine: webhook signatures and integrations", () => {
  it("signs a webhook with the signing connection's key (X-Webhook-Signature) and supports fire-and-forget", async () => {
    const browser = await signedInBrowser();
    const signingKey = `whsec-${crypto.randomUUID()}`;
    const signing = await createConnection(browser, bodyFor("api_key", { data: { api_key: signingKey } }));
    const workflow = await createWorkflow(browser, {
      name: "Signed",
      nodes: [
        {
          id: "signed",
          type: "webhook",
          config: {
            url: "https://hooks.example.test/signed",
            method: "POST",
            body: { a: 1 },
            signingConnectionId: signing.id,
          },
        },
        {
          id: "later",
          type: "webhook",
          config: { url: "https://hooks.example.test/later", method: "PUT", mode: "fire-and-forget", body: { b: 2 } },
        },
      ],
      edges: [{ source: "signed", target: "later" }],
    });
    const execution = await executeAndWait(browser, () =>
      browser.json(`/api/workflows/${workflow.id}/execute`, "POST", {}),
    );
    expect(execution.status).toBe("completed");
    expect(execution.nodes?.[1]?.output).toMatchObject({ status: null, mode: "fire-and-forget" });
    await vi.waitFor(() => expect(hooks).toHaveLength(2));
    const signature = hooks[0]?.headers.get("x-webhook-signature") ?? "";
    const [, timestamp, digest] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature) ?? [];
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(signingKey),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const expected = new Uint8Array(
      await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${hooks[0]?.body}`)),
    );
    expect(digest).toBe([...expected].map((byte) => byte.toString(16).padStart(2, "0")).join(""));
    expect(hooks[1]?.headers.get("x-webhook-signature")).toBeNull();
    expect(JSON.stringify(execution)).not.toContain(signingKey);
  });

  it("posts a Slack message through a bearer connection, and fails on Slack's 200 {ok:false}", async () => {
    const posted: Array<{ authorization: string | null; body: unknown }> = [];
    interceptOutbound({
      "slack.com": async (request) => {
        const body = (await request.json()) as { channel: string };
        posted.push({ authorization: request.headers.get("authorization"), body });
        return Response.json(
          body.channel === "#gone" ? { ok: false, error: "channel_not_found" } : { ok: true, ts: "1.2" },
        );
      },
    });
    const browser = await signedInBrowser();
    const slack = await createConnection(browser, {
      name: "Slack bot",
      connection_method: "bearer",
      provider: "slack",
      data: { token: "xoxb-secret-token" },
    });
    const make = (channel: string) =>
      createWorkflow(browser, {
        name: `Slack ${channel}`,
        nodes: [
          {
            id: "say",
            type: "integration",
            config: {
              service: "slack",
              operation: "send_message",
              connectionId: slack.id,
              config: { channel, text: "Run {{workflow.name}}" },
            },
          },
        ],
        edges: [],
      });
    const good = await make("#ops");
    const done = await executeAndWait(browser, () => browser.json(`/api/workflows/${good.id}/execute`, "POST", {}));
    expect(done.status).toBe("completed");
    expect(posted[0]).toEqual({
      authorization: "Bearer xoxb-secret-token",
      body: { channel: "#ops", text: "Run Slack #ops" },
    });
    const bad = await make("#gone");
    const failed = await executeAndWait(browser, () => browser.json(`/api/workflows/${bad.id}/execute`, "POST", {}));
    expect(failed.error).toMatchObject({
      node_id: "say",
      code: "integration_failed",
      message: "slack refused the request: channel_not_found",
    });
  });
});
