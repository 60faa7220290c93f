import { describe, expect, it } from "vitest";
import type { ExecutionEvent, ExecutionForWorker } from "../src/internal-api";
import {
  type ExecutionRef,
  type NodeActivityFailure,
  type RunDependencies,
  reportCancelled,
  runExecution,
} from "../src/run-execution";

// The workflow body with stub activities: the same interpreter the edge runs, driven as Temporal would drive it.

const ref: ExecutionRef = { executionId: "exe_1", kind: "workflow", definitionId: "wf_1", version: 2, userId: "usr_1" };

const twoNodeWorkflow = {
  name: "fetch and notify",
  nodes: [
    { id: "fetch", type: "http", config: { connectionId: "con_api", method: "GET", path: "/items/{{inputs.id}}" } },
    {
      id: "notify",
      type: "webhook",
      config: { url: "https://hooks.example/x", method: "POST", body: { title: "{{nodes.fetch.output.body.title}}" } },
    },
  ],
  edges: [{ source: "fetch", target: "notify" }],
};

class StubFailure extends Error {
  constructor(readonly failure: NodeActivityFailure) {
    super(failure.message);
  }
}
class StubCancellation extends Error {}

function setup(options: {
  execution?: Partial<ExecutionForWorker>;
  outputs?: Record<string, Array<unknown | StubFailure | StubCancellation>>;
}) {
  const events: ExecutionEvent[] = [];
  const calls: Array<{ nodeId: string; type: string; config: Record<string, unknown>; attempt: number }> = [];
  const sleeps: number[] = [];
  let clock = 1_764_590_400_000;
  const deps: RunDependencies = {
    loadExecution: async () => ({
      id: "exe_1",
      kind: "workflow",
      status: "queued",
      definition_id: "wf_1",
      version: 2,
      definition: twoNodeWorkflow,
      inputs: { id: "42" },
      ...options.execution,
    }),
    reportEvent: async (_id, event) => {
      events.push(event);
    },
    runNodeActivity: async (request) => {
      calls.push({ nodeId: request.nodeId, type: request.type, config: request.config, attempt: request.attempt });
      const next = options.outputs?.[request.nodeId]?.shift();
      if (next instanceof Error) throw next;
      return next ?? { status: 200, headers: {}, body: {} };
    },
    toNodeFailure: (error) => (error instanceof StubFailure ? error.failure : undefined),
    isCancellation: (error) => error instanceof StubCancellation,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock++,
  };
  return { deps, events, calls, sleeps };
}

describe("running an execution on the worker", () => {
  it("runs an http → webhook workflow and reports every event with a time", async () => {
    const { deps, events, calls } = setup({
      outputs: {
        fetch: [{ status: 200, headers: {}, body: { title: "Hello" } }],
        notify: [{ status: 202, headers: {}, body: null }],
      },
    });
    expect(await runExecution(ref, deps)).toEqual({ status: "completed" });
    expect(calls).toEqual([
      {
        nodeId: "fetch",
        type: "http",
        config: { connectionId: "con_api", method: "GET", path: "/items/42" },
        attempt: 1,
      },
      {
        nodeId: "notify",
        type: "webhook",
        config: { url: "https://hooks.example/x", method: "POST", body: { title: "Hello" } },
        attempt: 1,
      },
    ]);
    expect(events.map((event) => [event.id, event.type])).toEqual([
      ["started", "started"],
      ["fetch:started:1", "node_started"],
      ["fetch:completed", "node_completed"],
      ["notify:started:1", "node_started"],
      ["notify:completed", "node_completed"],
      ["completed", "completed"],
    ]);
    expect(events.every((event) => typeof event.at === "number")).toBe(true);
    expect(events.at(-1)?.output).toEqual({ nodes: { notify: { status: 202, headers: {}, body: null } }, vars: {} });
  });

  it("retries a retryable node failure with the interpreter's backoff, durably", async () => {
    const { deps, events, sleeps } = setup({
      outputs: {
        fetch: [
          new StubFailure({ code: "upstream_error", message: "503", retryable: true }),
          { status: 200, headers: {}, body: { title: "t" } },
        ],
      },
    });
    expect(await runExecution(ref, deps)).toEqual({ status: "completed" });
    expect(sleeps).toEqual([1000]);
    expect(events.map((event) => event.id)).toContain("fetch:failed:1");
  });

  it("honours the edge's Retry-After when it is longer than the backoff", async () => {
    const { deps, sleeps } = setup({
      outputs: {
        fetch: [new StubFailure({ code: "rate_limited", message: "429", retryable: true, retryAfterMs: 4000 })],
      },
    });
    await runExecution(ref, deps);
    expect(sleeps).toEqual([4000]);
  });

  it("fails the execution with the failing node's error and stops there", async () => {
    const { deps, events, calls } = setup({
      outputs: {
        fetch: [new StubFailure({ code: "connection_not_found", message: "Connection not found", retryable: false })],
      },
    });
    expect(await runExecution(ref, deps)).toEqual({ status: "failed" });
    expect(calls).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({
      id: "failed",
      type: "failed",
      node_id: "fetch",
      error: { code: "connection_not_found", message: "Connection not found", retryable: false },
    });
  });

  it("does nothing for an execution the edge already cancelled", async () => {
    const { deps, events, calls } = setup({ execution: { status: "cancelled" } });
    expect(await runExecution(ref, deps)).toEqual({ status: "skipped", reason: "execution is cancelled" });
    expect(events).toEqual([]);
    expect(calls).toEqual([]);
  });

  it("stops quietly when the edge says the execution is no longer running mid-run", async () => {
    const { deps, events, calls } = setup({
      outputs: { fetch: [new StubFailure({ code: "execution_not_running", message: "cancelled", retryable: false })] },
    });
    expect(await runExecution(ref, deps)).toEqual({
      status: "skipped",
      reason: "the edge reports execution_not_running",
    });
    expect(calls).toHaveLength(1);
    expect(events.map((event) => event.id)).toEqual(["started", "fetch:started:1"]);
  });

  it("lets a Temporal cancellation through instead of recording it as a node failure", async () => {
    const cancellation = new StubCancellation("cancelled");
    const { deps, events } = setup({ outputs: { fetch: [cancellation] } });
    await expect(runExecution(ref, deps)).rejects.toBe(cancellation);
    expect(events.map((event) => event.type)).toEqual(["started", "node_started"]);
    await reportCancelled(ref, deps);
    expect(events.at(-1)).toMatchObject({ id: "cancelled", type: "cancelled" });
  });

  it("runs an agent: model → tool → model, with the tool's result fed back", async () => {
    const agent = {
      name: "helper",
      provider: "openai",
      model: "gpt-x",
      connection_id: "con_llm",
      max_steps: 3,
      tools: [{ type: "mcp", name: "search", config: { connectionId: "con_mcp", tool: "search" } }],
    };
    const { deps, events, calls } = setup({
      execution: { kind: "agent", definition: agent, inputs: "find cats" },
      outputs: {
        step_1_llm: [
          {
            text: "",
            tool_calls: [{ id: "c1", name: "search", arguments: { q: "cats" } }],
            usage: { input_tokens: 5, output_tokens: 2 },
            model: "gpt-x",
          },
        ],
        step_1_tool_1: [{ content: [{ type: "text", text: "3 cats" }] }],
        step_2_llm: [
          { text: "Found 3 cats", tool_calls: [], usage: { input_tokens: 9, output_tokens: 3 }, model: "gpt-x" },
        ],
      },
    });
    expect(await runExecution({ ...ref, kind: "agent" }, deps)).toEqual({ status: "completed" });
    expect(calls.map((call) => [call.nodeId, call.type])).toEqual([
      ["step_1_llm", "llm"],
      ["step_1_tool_1", "mcp_tool"],
      ["step_2_llm", "llm"],
    ]);
    expect(JSON.stringify(calls[2]?.config)).toContain("3 cats");
    expect(events.at(-1)?.type).toBe("completed");
  });

  it("re-emits the same event ids when replayed (the edge de-duplicates by id)", async () => {
    const first = setup({});
    const second = setup({});
    await runExecution(ref, first.deps);
    await runExecution(ref, second.deps);
    expect(second.events.map((event) => event.id)).toEqual(first.events.map((event) => event.id));
  });
});
