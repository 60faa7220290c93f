import { describe, expect, it } from "vitest";
import {
  applyExecutionEvent,
  boundedOutput,
  type ExecutionEventInput,
  type ExecutionState,
  MAX_NODE_OUTPUT_BYTES,
  MAX_NODES_JSON_BYTES,
  pendingNodes,
} from "../../../src/workflows/executions/state";

const initial: ExecutionState = {
  status: "queued",
  statusReason: null,
  output: null,
  error: null,
  nodes: pendingNodes(["a", "b"]),
  startedAt: null,
  completedAt: null,
};

function run(events: Array<Omit<ExecutionEventInput, "id">>): ExecutionState | null {
  let state: ExecutionState | null = initial;
  events.forEach((event, index) => {
    if (state) state = applyExecutionEvent(state, { id: String(index), ...event } as ExecutionEventInput);
  });
  return state;
}

describe("execution state from events (SPEC §7.2, §7.4)", () => {
  it("stays queued until started, then follows node events", () => {
    expect(initial.status).toBe("queued");
    const state = run([
      { type: "started", at: 10 },
      { type: "node_started", node_id: "a", attempt: 1, at: 11 },
      {
        type: "node_failed",
        node_id: "a",
        attempts: 1,
        final: false,
        error: { code: "http_503", message: "503" },
        at: 12,
      },
      { type: "node_started", node_id: "a", attempt: 2, at: 13 },
      { type: "node_completed", node_id: "a", attempts: 2, output: { ok: 1 }, at: 14 },
      { type: "node_skipped", node_id: "b", at: 15 },
      { type: "completed", output: { done: true }, at: 16 },
    ]);
    expect(state).toEqual({
      status: "completed",
      statusReason: null,
      output: { done: true },
      error: null,
      startedAt: 10,
      completedAt: 16,
      nodes: [
        { node_id: "a", status: "completed", output: { ok: 1 }, attempts: 2, started_at: 11, completed_at: 14 },
        { node_id: "b", status: "skipped", attempts: 0 },
      ],
    });
  });

  it("is safe out of order: a late node_started never reopens a finished node", () => {
    const state = run([
      { type: "node_completed", node_id: "a", attempts: 1, output: 1, at: 5 },
      { type: "node_started", node_id: "a", attempt: 1, at: 4 },
    ]);
    expect(state?.status).toBe("running"); // a node event implies the engine started
    expect(state?.nodes[0]).toMatchObject({ status: "completed", completed_at: 5 });
  });

  it("records a final node failure and the run's failure reason", () => {
    const state = run([
      { type: "node_failed", node_id: "b", attempts: 3, error: { code: "http_502", message: "502" }, at: 7 },
      { type: "failed", error: { node_id: "b", code: "http_502", message: "502" }, at: 8 },
    ]);
    expect(state).toMatchObject({
      status: "failed",
      statusReason: "http_502",
      error: { node_id: "b" },
      completedAt: 8,
    });
    expect(state?.nodes[1]).toMatchObject({ status: "failed", attempts: 3, error: { code: "http_502" } });
  });

  it.each<ExecutionEventInput["type"]>(["completed", "failed", "cancelled"])(
    "refuses every event after %s (409 execution_finished)",
    (terminal) => {
      const ended = run([{ type: terminal, at: 1 }]);
      expect(ended).not.toBeNull();
      expect(
        applyExecutionEvent(ended as ExecutionState, { id: "x", type: "node_started", node_id: "a", at: 2 }),
      ).toBeNull();
      expect(applyExecutionEvent(ended as ExecutionState, { id: "y", type: "cancelled", at: 2 })).toBeNull();
    },
  );

  it("truncates large outputs with a marker", () => {
    const big = { text: "x".repeat(MAX_NODE_OUTPUT_BYTES) };
    const marker = boundedOutput(big, MAX_NODE_OUTPUT_BYTES) as { truncated: boolean; bytes: number; preview: string };
    expect(marker.truncated).toBe(true);
    expect(marker.bytes).toBe(JSON.stringify(big).length);
    expect(marker.preview).toHaveLength(2048);
    expect(boundedOutput({ small: true }, MAX_NODE_OUTPUT_BYTES)).toEqual({ small: true });
    const state = run([{ type: "node_completed", node_id: "a", output: big, at: 1 }]);
    expect(state?.nodes[0]?.output).toMatchObject({ truncated: true });
  });

  it("keeps the whole node list under 1 MiB by shrinking outputs when it is crowded", () => {
    const ids = Array.from({ length: 40 }, (_, i) => `n${i}`);
    let state: ExecutionState | null = { ...initial, nodes: pendingNodes(ids) };
    const output = { text: "y".repeat(30 * 1024) }; // under the per-node limit, 40 of them are over 1 MiB
    for (const id of ids)
      state = applyExecutionEvent(state as ExecutionState, { id, type: "node_completed", node_id: id, output, at: 1 });
    const bytes = new TextEncoder().encode(JSON.stringify(state?.nodes)).length;
    expect(bytes).toBeLessThan(MAX_NODES_JSON_BYTES);
    expect(state?.nodes[0]?.output).toMatchObject({ truncated: true });
  });
});
