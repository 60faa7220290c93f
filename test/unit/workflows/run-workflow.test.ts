import { describe, expect, it } from "vitest";
import {
  ActivityError,
  DEFAULT_RETRY_POLICY,
  retryDelayMs,
  retryPolicyOf,
  runWorkflowDefinition,
  topologicalOrder,
  type WorkflowDefinition,
  type WorkflowNode,
} from "../../../src/workflows/interpreter";
import { scriptedHost } from "./host";

const http = (id: string, config: Record<string, unknown> = {}): WorkflowNode => ({
  id,
  type: "http",
  config: { url: `https://example.test/${id}`, method: "GET", ...config },
});
const ok = (body: unknown = {}) => ({ status: 200, headers: {}, body });
const workflow = (nodes: WorkflowNode[], edges: WorkflowDefinition["edges"] = []): WorkflowDefinition => ({
  name: "Test",
  nodes,
  edges,
});

describe("topological order", () => {
  it.each<[string, string[], Array<[string, string]>, string[]]>([
    [
      "a chain",
      ["a", "b", "c"],
      [
        ["a", "b"],
        ["b", "c"],
      ],
      ["a", "b", "c"],
    ],
    [
      "declared out of order",
      ["c", "b", "a"],
      [
        ["a", "b"],
        ["b", "c"],
      ],
      ["a", "b", "c"],
    ],
    [
      "a diamond, ties by declaration order",
      ["a", "c", "b", "d"],
      [
        ["a", "b"],
        ["a", "c"],
        ["b", "d"],
        ["c", "d"],
      ],
      ["a", "c", "b", "d"],
    ],
    ["independent nodes", ["x", "y"], [], ["x", "y"]],
  ])("orders %s", (_, ids, edges, order) => {
    const result = topologicalOrder(
      ids.map((id) => http(id)),
      edges.map(([source, target]) => ({ source, target })),
    );
    expect(result).toEqual({ ok: true, order });
  });

  it.each<[string, Array<[string, string]>, string[]]>([
    [
      "a two-node cycle",
      [
        ["a", "b"],
        ["b", "a"],
      ],
      ["a", "b", "a"],
    ],
    ["a self loop", [["a", "a"]], ["a", "a"]],
    [
      "a cycle reached from an entry, with a tail",
      [
        ["e", "a"],
        ["a", "b"],
        ["b", "a"],
        ["b", "c"],
      ],
      ["a", "b", "a"],
    ],
  ])("finds %s", (_, edges, cycle) => {
    const result = topologicalOrder(
      ["e", "a", "b", "c"].map((id) => http(id)),
      edges.map(([source, target]) => ({ source, target })),
    );
    expect(result).toEqual({ ok: false, cycle });
  });
});

describe("runWorkflowDefinition: order, data flow and output", () => {
  it("runs nodes in order, interpolates earlier outputs and shapes output with map and outputVariable", async () => {
    const definition = workflow(
      [
        http("user", {
          url: "https://example.test/users/{{inputs.id}}",
          map: [{ as: "name", select: "$.profile.name" }],
        }),
        http("notify", {
          method: "POST",
          body: { text: "Hello {{nodes.user.output.name}}", user: "{{nodes.user.output.body}}" },
          outputVariable: "notified",
        }),
      ],
      [{ source: "user", target: "notify" }],
    );
    const { host, calls, events } = scriptedHost(({ nodeId }) =>
      nodeId === "user" ? ok({ profile: { name: "Ada" } }) : ok({ sent: true }),
    );
    const result = await runWorkflowDefinition(definition, { id: 42 }, host);

    expect(calls.map((call) => [call.nodeId, call.config])).toEqual([
      ["user", { url: "https://example.test/users/42", method: "GET" }], // map/outputVariable never reach the activity
      [
        "notify",
        {
          url: "https://example.test/notify",
          method: "POST",
          body: { text: "Hello Ada", user: { profile: { name: "Ada" } } },
        },
      ],
    ]);
    expect(result).toEqual({
      status: "completed",
      output: { nodes: { notify: ok({ sent: true }) }, vars: { notified: ok({ sent: true }) } },
      nodes: [
        {
          node_id: "user",
          status: "completed",
          output: { ...ok({ profile: { name: "Ada" } }), name: "Ada" },
          attempts: 1,
        },
        { node_id: "notify", status: "completed", output: ok({ sent: true }), attempts: 1 },
      ],
    });
    expect(events.map((event) => event.id)).toEqual([
      "user:started:1",
      "user:completed",
      "notify:started:1",
      "notify:completed",
    ]);
  });

  it("maps a missing selection to null and a wildcard to every match", async () => {
    const definition = workflow([
      http("list", {
        map: [
          { as: "ids", select: "$.items[*].id" },
          { as: "none", select: "$.nope" },
        ],
      }),
    ]);
    const { host } = scriptedHost(() => ok({ items: [{ id: 1 }, { id: 2 }] }));
    const result = await runWorkflowDefinition(definition, {}, host);
    expect(result.nodes[0]?.output).toMatchObject({ ids: [1, 2], none: null });
  });

  it("fails the node with missing_reference and calls no activity", async () => {
    const definition = workflow([http("a", { url: "https://example.test/{{inputs.absent}}" })]);
    const { host, calls, events } = scriptedHost(() => ok());
    const result = await runWorkflowDefinition(definition, {}, host);
    expect(calls).toEqual([]);
    expect(result).toMatchObject({
      status: "failed",
      error: { node_id: "a", code: "missing_reference", message: "config: Missing reference: inputs.absent" },
      nodes: [{ node_id: "a", status: "failed", attempts: 0 }],
    });
    expect(events).toEqual([
      expect.objectContaining({ id: "a:failed", type: "node_failed", node_id: "a", final: true }),
    ]);
  });

  it("gives the same result and events for the same activity results (determinism)", async () => {
    const definition = workflow(
      [http("a"), http("b"), http("c", { body: "{{nodes.a.output.body.n}}-{{nodes.b.output.body.n}}" })],
      [
        { source: "a", target: "c" },
        { source: "b", target: "c" },
      ],
    );
    const run = async () => {
      const recorded = scriptedHost(({ nodeId }) => ok({ n: nodeId }));
      const result = await runWorkflowDefinition(definition, {}, recorded.host);
      return { result, events: recorded.events, calls: recorded.calls };
    };
    expect(await run()).toEqual(await run());
  });
});

describe("runWorkflowDefinition: branching", () => {
  const branching = workflow(
    [http("check"), http("big"), http("small"), http("after_big"), http("join")],
    [
      { source: "check", target: "big", condition: "nodes.check.output.body.amount > 1000" },
      { source: "check", target: "small", condition: "nodes.check.output.body.amount <= 1000" },
      { source: "big", target: "after_big" },
      { source: "after_big", target: "join" },
      { source: "small", target: "join" },
    ],
  );

  it.each<[number, string[], string[]]>([
    [5000, ["check", "big", "after_big", "join"], ["small"]],
    [10, ["check", "small", "join"], ["big", "after_big"]],
  ])("amount %d runs %j and skips %j", async (amount, ran, skipped) => {
    const { host, calls, events } = scriptedHost(({ nodeId }) => ok(nodeId === "check" ? { amount } : {}));
    const result = await runWorkflowDefinition(branching, {}, host);
    expect(result.status).toBe("completed");
    expect(calls.map((call) => call.nodeId)).toEqual(ran);
    expect(result.nodes.filter((node) => node.status === "skipped").map((node) => node.node_id)).toEqual(skipped);
    expect(events.filter((event) => event.type === "node_skipped").map((event) => event.node_id)).toEqual(skipped);
  });

  it("skips a webhook whose own condition is false (seed 002 example 3), without sending it the condition", async () => {
    const definition = workflow([
      {
        id: "alert",
        type: "webhook",
        config: { url: "https://hooks.test/a", method: "POST", condition: "totalAmount > 10000" },
      },
    ]);
    const low = scriptedHost(() => ok());
    expect((await runWorkflowDefinition(definition, { totalAmount: 5 }, low.host)).nodes[0]?.status).toBe("skipped");
    expect(low.events).toEqual([
      { id: "alert:skipped", type: "node_skipped", node_id: "alert", reason: "condition is false" },
    ]);
    const high = scriptedHost(() => ok());
    expect((await runWorkflowDefinition(definition, { totalAmount: 20_000 }, high.host)).status).toBe("completed");
    expect(high.calls[0]?.config).toEqual({ url: "https://hooks.test/a", method: "POST" });
  });

  it("does not follow edges out of a skipped node even when their condition would hold", async () => {
    const definition = workflow(
      [http("a"), http("b"), http("c")],
      [
        { source: "a", target: "b", condition: "false" },
        { source: "b", target: "c", condition: "true" },
      ],
    );
    const { host } = scriptedHost(() => ok());
    const result = await runWorkflowDefinition(definition, {}, host);
    expect(result.nodes.map((node) => node.status)).toEqual(["completed", "skipped", "skipped"]);
  });

  it("fails the target node when an edge condition reads like an expression but does not parse", async () => {
    const definition = workflow([http("a"), http("b")], [{ source: "a", target: "b", condition: "a ==" }]);
    const { host } = scriptedHost(() => ok());
    const result = await runWorkflowDefinition(definition, {}, host);
    expect(result).toMatchObject({ status: "failed", error: { node_id: "b", code: "invalid_expression" } });
  });

  it("refuses to run a cyclic definition", async () => {
    const definition = workflow(
      [http("a"), http("b")],
      [
        { source: "a", target: "b" },
        { source: "b", target: "a" },
      ],
    );
    const { host, calls } = scriptedHost(() => ok());
    const result = await runWorkflowDefinition(definition, {}, host);
    expect(calls).toEqual([]);
    expect(result).toMatchObject({ status: "failed", error: { code: "invalid_workflow", node_id: "a" } });
  });
});

describe("runWorkflowDefinition: retries", () => {
  it("retries a retryable failure with exponential backoff from 1 s, then succeeds", async () => {
    let failures = 2;
    const { host, sleeps, events } = scriptedHost(() => {
      if (failures-- > 0) throw new ActivityError("upstream_error", "Upstream answered 503", { retryable: true });
      return ok();
    });
    const result = await runWorkflowDefinition(workflow([http("a")]), {}, host);
    expect(result).toMatchObject({ status: "completed", nodes: [{ node_id: "a", status: "completed", attempts: 3 }] });
    expect(sleeps).toEqual([
      { ms: 1000, label: "a:retry:1" },
      { ms: 2000, label: "a:retry:2" },
    ]);
    expect(events.map((event) => event.id)).toEqual([
      "a:started:1",
      "a:failed:1",
      "a:started:2",
      "a:failed:2",
      "a:started:3",
      "a:completed",
    ]);
  });

  it("fails the execution with the node's error after the last attempt", async () => {
    const { host, calls } = scriptedHost(() => {
      throw new ActivityError("upstream_error", "Upstream answered 502", { retryable: true });
    });
    const result = await runWorkflowDefinition(
      workflow([http("a"), http("b")], [{ source: "a", target: "b" }]),
      {},
      host,
    );
    expect(calls).toHaveLength(3);
    expect(result).toEqual({
      status: "failed",
      error: { node_id: "a", code: "upstream_error", message: "Upstream answered 502", retryable: true },
      nodes: [
        {
          node_id: "a",
          status: "failed",
          error: { code: "upstream_error", message: "Upstream answered 502", retryable: true },
          attempts: 3,
        },
        { node_id: "b", status: "pending", attempts: 0 },
      ],
    });
  });

  it("does not retry a non-retryable failure", async () => {
    const { host, calls, sleeps } = scriptedHost(() => {
      throw new ActivityError("upstream_error", "Upstream answered 404", { retryable: false });
    });
    const result = await runWorkflowDefinition(workflow([http("a")]), {}, host);
    expect(calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(result.status).toBe("failed");
  });

  it("treats an unknown thrown error as final, and an activity error's serialized shape as an activity error", async () => {
    const plain = scriptedHost(() => {
      throw new TypeError("boom");
    });
    expect(await runWorkflowDefinition(workflow([http("a")]), {}, plain.host)).toMatchObject({
      error: { code: "activity_failed", message: "boom", retryable: false },
    });
    expect(plain.calls).toHaveLength(1);
    let first = true;
    const shaped = scriptedHost(() => {
      if (first) {
        first = false;
        throw { code: "timeout", message: "timed out", retryable: true }; // as rebuilt by an engine
      }
      return ok();
    });
    expect((await runWorkflowDefinition(workflow([http("a")]), {}, shaped.host)).status).toBe("completed");
  });

  it("applies a node's retryPolicy and an upstream's Retry-After", async () => {
    const { host, sleeps, calls } = scriptedHost(() => {
      throw new ActivityError("rate_limited", "429", { retryable: true, retryAfterMs: 7000 });
    });
    await runWorkflowDefinition(workflow([http("a", { retryPolicy: { attempts: 4, backoffMs: 100 } })]), {}, host);
    expect(calls).toHaveLength(4);
    expect(sleeps.map((sleep) => sleep.ms)).toEqual([7000, 7000, 7000]);
  });

  it.each<[unknown, { attempts: number; backoffMs: number }]>([
    [undefined, DEFAULT_RETRY_POLICY],
    [{ attempts: 1 }, { attempts: 1, backoffMs: 1000 }],
    [{ backoffMs: 250 }, { attempts: 3, backoffMs: 250 }],
    [
      { attempts: 99, backoffMs: 10_000_000 },
      { attempts: 10, backoffMs: 60_000 },
    ],
    [
      { attempts: 0, backoffMs: -5 },
      { attempts: 1, backoffMs: 0 },
    ],
    [{ attempts: "3" }, DEFAULT_RETRY_POLICY],
  ])("retryPolicy %j → %j", (retryPolicy, expected) => {
    expect(retryPolicyOf({ retryPolicy })).toEqual(expected);
  });

  it("caps each wait at five minutes", () => {
    expect(retryDelayMs({ attempts: 10, backoffMs: 60_000 }, 9)).toBe(300_000);
    expect(retryDelayMs({ attempts: 3, backoffMs: 1000 }, 1, 999_999)).toBe(300_000);
  });
});
