import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "../../src/db/client";
import { jobFailures } from "../../src/db/schema";
import { consumeJobs, recordDeadLetters } from "../../src/jobs/consumer";
import { createJobRegistry, type JobContext } from "../../src/jobs/define";
import { createLogger } from "../../src/platform/logger";
import {
  createTemporalStartJob,
  enqueueTemporalStart,
  TEMPORAL_START_JOB_KIND,
  type TemporalExecutionHooks,
} from "../../src/workflows/temporal/start-job";
import type { TemporalWorkflowInput } from "../../src/workflows/temporal/start-request";
import { createFakeTemporal, FAKE_TEMPORAL_URL } from "../fakes/temporal";
import { interceptOutbound } from "../helpers/outbound";

// The `execution.start` job through the real queue consumer and D1, against the fake Temporal HTTP API.
// The executions store is reached through the job's hooks; here they record what the job asked of them.

const silent = createLogger({ sink: () => {} });
const API_KEY = "tmprl-test-key";
const temporalEnv = { ...env, TEMPORAL_HTTP_URL: FAKE_TEMPORAL_URL, TEMPORAL_API_KEY: API_KEY } as Env;

const ref: TemporalWorkflowInput = {
  executionId: crypto.randomUUID(),
  kind: "workflow",
  definitionId: "wf_1",
  version: 4,
  userId: "usr_1",
};

function setup(options: { awaitsStart?: boolean } = {}) {
  const fake = createFakeTemporal({ apiKey: API_KEY });
  interceptOutbound({ [fake.host]: fake.fetch });
  const failed: Array<{ executionId: string; code: string; message: string }> = [];
  const hooks: TemporalExecutionHooks = {
    awaitsStart: async () => options.awaitsStart ?? true,
    fail: async (_context: JobContext, executionId, error) => {
      failed.push({ executionId, ...error });
    },
  };
  const job = createTemporalStartJob(hooks);
  const registry = createJobRegistry([job]);
  return { fake, failed, job, registry };
}

function message(body: unknown, attempts = 1) {
  return { id: `m-${crypto.randomUUID()}`, timestamp: new Date(), body, attempts };
}

async function deliver(registry: ReturnType<typeof createJobRegistry>, body: unknown, attempts = 1) {
  const batch = createMessageBatch("edge-jobs", [message(body, attempts)]);
  const ctx = createExecutionContext();
  await consumeJobs(batch, temporalEnv, silent, registry, { random: () => 0.5 });
  return getQueueResult(batch, ctx);
}

/** The message `enqueueTemporalStart` sends, captured from a queue stand-in. */
async function startMessage(job: ReturnType<typeof createTemporalStartJob>, input = ref) {
  const sent: unknown[] = [];
  await enqueueTemporalStart({ send: async (body: unknown) => void sent.push(body) } as unknown as Queue, job, input);
  return sent[0] as { kind: string; jobId: string; payload: unknown };
}

describe("execution.start (Temporal hand-off, SPEC §7.3)", () => {
  it("sends exactly the documented StartWorkflowExecution request", async () => {
    const { fake, job, registry } = setup();
    const body = await startMessage(job);
    expect(body.kind).toBe(TEMPORAL_START_JOB_KIND);
    expect(body.payload).toEqual(ref);
    const result = await deliver(registry, body);
    expect(result.explicitAcks).toHaveLength(1);
    const [start] = fake.starts();
    expect(start?.path).toBe(`/api/v1/namespaces/default/workflows/${ref.executionId}`);
    expect(start?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(start?.headers["content-type"]).toBe("application/json");
    expect(start?.body).toEqual({
      namespace: "default",
      workflowId: ref.executionId,
      workflowType: { name: "runWorkflow" },
      taskQueue: { name: "edge-workflows" },
      input: {
        payloads: [{ metadata: { encoding: btoa("json/plain") }, data: btoa(JSON.stringify(ref)) }],
      },
      identity: "edge-integrations-api@localhost:8787",
      requestId: `start-${ref.executionId}`,
      workflowIdReusePolicy: "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE",
      workflowIdConflictPolicy: "WORKFLOW_ID_CONFLICT_POLICY_FAIL",
    });
  });

  it("starts one workflow when the message is delivered twice", async () => {
    const { fake, job, registry, failed } = setup();
    const body = await startMessage(job);
    await deliver(registry, body);
    const again = await deliver(registry, body, 2);
    expect(again.explicitAcks).toHaveLength(1);
    expect(fake.starts()).toHaveLength(2);
    expect(fake.workflows()).toHaveLength(1);
    expect(failed).toEqual([]);
  });

  it("treats 409 WorkflowExecutionAlreadyStarted as success", async () => {
    const { fake, job, registry, failed } = setup();
    const body = await startMessage(job);
    await deliver(registry, body);
    const workflow = fake.workflow(ref.executionId);
    if (workflow) workflow.requestId = "another-client";
    const result = await deliver(registry, body, 2);
    expect(fake.requests.at(-1)?.status).toBe(409);
    expect(result.explicitAcks).toHaveLength(1);
    expect(failed).toEqual([]);
  });

  it("fails the execution with Temporal's reason on another 4xx, without retrying", async () => {
    const { fake, job, registry, failed } = setup();
    fake.reply({ status: 400, body: { code: 3, message: "Namespace default is deprecated.", details: [] } });
    const result = await deliver(registry, await startMessage(job));
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    expect(failed).toEqual([
      {
        executionId: ref.executionId,
        code: "engine_rejected",
        message: "Temporal answered HTTP 400 (gRPC 3): Namespace default is deprecated.",
      },
    ]);
  });

  it("retries with backoff while Temporal is down, then starts it: nothing lost", async () => {
    const { fake, job, registry, failed } = setup();
    const body = await startMessage(job);
    fake.state.down = "unavailable";
    const first = await deliver(registry, body, 1);
    fake.state.down = "network";
    const second = await deliver(registry, body, 2);
    expect(first.retryMessages).toHaveLength(1);
    expect(second.retryMessages).toHaveLength(1);
    const [row] = await getDb(env.DB).select().from(jobFailures);
    expect(row).toMatchObject({ kind: TEMPORAL_START_JOB_KIND, attempts: 2, deadAt: null });
    expect(JSON.stringify(row?.body)).not.toContain(API_KEY);
    fake.state.down = false;
    const third = await deliver(registry, body, 3);
    expect(third.explicitAcks).toHaveLength(1);
    expect(fake.workflow(ref.executionId)?.args).toEqual([ref]);
    expect(failed).toEqual([]);
  });

  it("backs off exponentially between deliveries (10 s, 20 s, 40 s …)", async () => {
    const { fake, job, registry } = setup();
    fake.state.down = "unavailable";
    const body = await startMessage(job);
    const delays: unknown[] = [];
    for (const attempts of [1, 2, 3]) {
      const retry = vi.fn();
      const batch = {
        queue: "edge-jobs",
        messages: [{ id: `m${attempts}`, timestamp: new Date(), body, attempts, ack: vi.fn(), retry }],
      } as unknown as MessageBatch<unknown>;
      await consumeJobs(batch, temporalEnv, silent, registry, { random: () => 0.5 });
      delays.push(retry.mock.calls[0]?.[0]);
    }
    expect(delays).toEqual([{ delaySeconds: 10 }, { delaySeconds: 20 }, { delaySeconds: 40 }]);
  });

  it("marks the execution failed / engine_unavailable when the start dead-letters", async () => {
    const { job, registry, failed } = setup();
    const body = await startMessage(job);
    const batch = createMessageBatch("edge-jobs-dlq", [message(body, 6)]);
    const ctx = createExecutionContext();
    await recordDeadLetters(batch, temporalEnv, silent, Date.now, registry);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);
    expect(failed).toEqual([
      {
        executionId: ref.executionId,
        code: "engine_unavailable",
        message: "Temporal could not be reached; the start was retried and gave up",
      },
    ]);
  });

  it("does not start an execution that no longer awaits its engine (cancelled while queued)", async () => {
    const { fake, job, registry } = setup({ awaitsStart: false });
    const result = await deliver(registry, await startMessage(job));
    expect(result.explicitAcks).toHaveLength(1);
    expect(fake.requests).toEqual([]);
  });

  it("starts runAgent for an agent execution", async () => {
    const { fake, job, registry } = setup();
    await deliver(
      registry,
      await startMessage(job, { ...ref, kind: "agent" as const, executionId: crypto.randomUUID() }),
    );
    expect(fake.workflows()[0]?.workflowType).toBe("runAgent");
  });

  it("refuses to enqueue a payload with anything but ids (strict schema)", async () => {
    const { job } = setup();
    await expect(
      enqueueJob_withExtra(job, { ...ref, inputs: { apiKey: "sk-secret" } } as unknown as typeof ref),
    ).rejects.toThrow();
  });
});

async function enqueueJob_withExtra(job: ReturnType<typeof createTemporalStartJob>, input: typeof ref) {
  const { enqueueJob } = await import("../../src/jobs/producer");
  return enqueueJob({ send: async () => {} } as unknown as Queue, job, input);
}
