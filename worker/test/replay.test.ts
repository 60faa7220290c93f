import { fileURLToPath } from "node:url";
import { Worker } from "@temporalio/worker";
import { describe, expect, it } from "vitest";

// Replays a hand-built history of a one-node `runWorkflow` run through the real worker (Temporal's Rust core,
// offline): the workflow code, interpreter included, must issue exactly the commands the history records, in
// order. A change that makes the workflow non-deterministic (a different activity order, a clock or random
// read that changes a decision) fails here instead of in production replays.

const b64 = (text: string) => Buffer.from(text).toString("base64");
const payload = (value: unknown) => ({ metadata: { encoding: b64("json/plain") }, data: b64(JSON.stringify(value)) });
const TIME = "2026-12-01T12:00:00Z";

const ref = { executionId: "exe_replay", kind: "workflow", definitionId: "wf_1", version: 1, userId: "usr_1" };
const execution = {
  id: "exe_replay",
  kind: "workflow",
  status: "queued",
  definition_id: "wf_1",
  version: 1,
  definition: {
    name: "one node",
    nodes: [{ id: "fetch", type: "http", config: { url: "https://x.test", method: "GET" } }],
    edges: [],
  },
  inputs: {},
};
const httpOutput = { status: 200, headers: {}, body: { ok: true } };

/** Builds the history Temporal would record for `activities` run one after another, then completion. */
function history(activities: Array<{ type: string; result: unknown }>) {
  const events: Array<Record<string, unknown>> = [];
  const add = (eventType: string, attributes: Record<string, unknown>) => {
    const eventId = String(events.length + 1);
    const key = `${eventType.charAt(0).toLowerCase()}${eventType.slice(1)}EventAttributes`;
    events.push({ eventId, eventTime: TIME, eventType, [key]: attributes });
    return eventId;
  };
  const workflowTask = () => {
    const scheduled = add("WorkflowTaskScheduled", {
      taskQueue: { name: "edge-workflows" },
      startToCloseTimeout: "10s",
      attempt: 1,
    });
    const started = add("WorkflowTaskStarted", {
      scheduledEventId: scheduled,
      identity: "replay",
      requestId: `r${scheduled}`,
    });
    return add("WorkflowTaskCompleted", { scheduledEventId: scheduled, startedEventId: started, identity: "replay" });
  };
  add("WorkflowExecutionStarted", {
    workflowType: { name: "runWorkflow" },
    taskQueue: { name: "edge-workflows" },
    input: { payloads: [payload(ref)] },
    workflowTaskTimeout: "10s",
    originalExecutionRunId: "run-1",
    firstExecutionRunId: "run-1",
    attempt: 1,
    identity: "edge",
  });
  let completed = workflowTask();
  activities.forEach((activity, index) => {
    const scheduled = add("ActivityTaskScheduled", {
      activityId: String(index + 1),
      activityType: { name: activity.type },
      taskQueue: { name: "edge-workflows" },
      workflowTaskCompletedEventId: completed,
      startToCloseTimeout: activity.type === "runNodeActivity" ? "300s" : "30s",
    });
    const started = add("ActivityTaskStarted", { scheduledEventId: scheduled, identity: "replay", attempt: 1 });
    add("ActivityTaskCompleted", {
      scheduledEventId: scheduled,
      startedEventId: started,
      result: { payloads: [payload(activity.result)] },
      identity: "replay",
    });
    completed = workflowTask();
  });
  add("WorkflowExecutionCompleted", {
    result: { payloads: [payload({ status: "completed" })] },
    workflowTaskCompletedEventId: completed,
  });
  return { events };
}

const workflowsPath = fileURLToPath(new URL("../src/workflows.ts", import.meta.url));
const replayOptions = { workflowsPath };

describe("workflow replay (determinism)", () => {
  const run = [
    { type: "loadExecution", result: execution },
    { type: "reportEvent", result: null }, // started
    { type: "reportEvent", result: null }, // fetch:started:1
    { type: "runNodeActivity", result: httpOutput },
    { type: "reportEvent", result: null }, // fetch:completed
    { type: "reportEvent", result: null }, // completed
  ];

  it("replays a one-node run exactly", async () => {
    await expect(Worker.runReplayHistory(replayOptions, history(run), "exe_replay")).resolves.toBeUndefined();
  });

  it("detects a history whose commands the code would not issue (the node activity missing)", async () => {
    const broken = run.filter((activity) => activity.type !== "runNodeActivity");
    await expect(Worker.runReplayHistory(replayOptions, history(broken), "exe_replay")).rejects.toThrow();
  });
});
