import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { z } from "zod";
import { auditRecordJob } from "../../src/audit/job";
import worker from "../../src/index";
import { JOB_REGISTRY } from "../../src/job-registry";
import { consumeJobs } from "../../src/jobs/consumer";
import type { Job, JobHandlers, JobRegistry } from "../../src/jobs/define";
import { PermanentJobError } from "../../src/jobs/errors";
import { enqueueJob } from "../../src/jobs/producer";
import { createLogger } from "../../src/platform/logger";

const silent = createLogger({ sink: () => {} });

type AuditJob = Job<"audit.record", z.output<typeof auditRecordJob.payload>>;
const JOB_HANDLERS = JOB_REGISTRY.handlers;

/** The application's registry with some handlers replaced. */
function withHandlers(handlers: JobHandlers): JobRegistry {
  return { ...JOB_REGISTRY, handlers: { ...JOB_REGISTRY.handlers, ...handlers } };
}

function auditJob(overrides: Partial<AuditJob["payload"]> = {}): AuditJob {
  return {
    kind: "audit.record",
    jobId: crypto.randomUUID(),
    enqueuedAt: Date.now(),
    payload: {
      id: crypto.randomUUID(),
      occurredAt: 1_700_000_000_000,
      actorType: "user",
      actorId: "user-1",
      action: "auth.sign_in",
      targetType: null,
      targetId: null,
      outcome: "success",
      requestId: "req-1",
      ip: "203.0.113.7",
      metadata: { method: "dev" },
      ...overrides,
    },
  };
}

/** A batch whose messages record what the consumer decided, including retry delays. */
function spyBatch(queue: string, bodies: unknown[], attempts = 1) {
  const messages = bodies.map((body, index) => ({
    id: `msg-${index}`,
    timestamp: new Date(),
    body,
    attempts,
    ack: vi.fn(),
    retry: vi.fn(),
  }));
  return {
    batch: { queue, messages, ackAll: vi.fn(), retryAll: vi.fn() } as unknown as MessageBatch<unknown>,
    messages,
  };
}

async function runWorkerQueue(queue: string, bodies: unknown[], attempts = 1) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, index) => ({ id: `m${index}-${crypto.randomUUID()}`, timestamp: new Date(), body, attempts })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

const failureRow = (jobId: string) => env.DB.prepare("select * from job_failures where job_id = ?").bind(jobId).first();

describe("jobs queue consumer", () => {
  it("dispatches an audit.record job to its handler, idempotently", async () => {
    const job = auditJob();
    expect((await runWorkerQueue("edge-jobs", [job])).explicitAcks).toHaveLength(1);
    await runWorkerQueue("edge-jobs", [job], 2); // redelivery
    const rows = await env.DB.prepare("select * from audit_events where id = ?").bind(job.payload.id).all();
    expect(rows.results).toHaveLength(1);
    expect(rows.results[0]).toMatchObject({ action: "auth.sign_in", outcome: "success", actor_id: "user-1" });
  });

  it("records a malformed message as dead at once instead of retrying it forever", async () => {
    const body = { kind: "nope", jobId: crypto.randomUUID(), token: "should-not-be-stored" };
    const result = await runWorkerQueue("edge-jobs", [body]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(0);
    const row = await failureRow(body.jobId);
    expect(row).toMatchObject({ kind: "nope", last_error: "message does not match any job schema" });
    expect(row?.dead_at).toBeTypeOf("number");
    expect(String(row?.body)).not.toContain("should-not-be-stored");
  });

  it("retries a failing job with exponential backoff and records the failure", async () => {
    const job = auditJob();
    const failing = { ...JOB_HANDLERS, "audit.record": vi.fn().mockRejectedValue(new Error("D1 overloaded")) };
    const { batch, messages } = spyBatch("edge-jobs", [job], 3);
    await consumeJobs(batch, env, silent, withHandlers(failing), { random: () => 0.5 });
    expect(messages[0]?.retry).toHaveBeenCalledWith({ delaySeconds: 40 });
    expect(messages[0]?.ack).not.toHaveBeenCalled();
    expect(await failureRow(job.jobId)).toMatchObject({
      attempts: 3,
      last_error: "Error: D1 overloaded",
      dead_at: null,
    });
  });

  it("does not let one failing message hold back the rest of its batch", async () => {
    const good = auditJob();
    const bad = auditJob({ action: "will.fail" });
    const handlers = {
      ...JOB_HANDLERS,
      "audit.record": vi.fn(async (job: Job, context: Parameters<JobHandlers[string]>[1]) => {
        if ((job as AuditJob).payload.action === "will.fail") throw new Error("boom");
        await auditRecordJob.handler(job as AuditJob, context);
      }),
    };
    const { batch, messages } = spyBatch("edge-jobs", [bad, good]);
    await consumeJobs(batch, env, silent, withHandlers(handlers));
    expect(messages[0]?.retry).toHaveBeenCalled();
    expect(messages[1]?.ack).toHaveBeenCalled();
  });

  it("acks a permanently failing job and records it dead without retrying", async () => {
    const job = auditJob();
    const handlers = {
      ...JOB_HANDLERS,
      "audit.record": vi.fn().mockRejectedValue(new PermanentJobError("row deleted")),
    };
    const { batch, messages } = spyBatch("edge-jobs", [job]);
    await consumeJobs(batch, env, silent, withHandlers(handlers));
    expect(messages[0]?.ack).toHaveBeenCalled();
    expect(messages[0]?.retry).not.toHaveBeenCalled();
    expect((await failureRow(job.jobId))?.dead_at).toBeTypeOf("number");
  });

  it("marks an earlier failure resolved when a retry succeeds", async () => {
    const job = auditJob();
    const failing = { ...JOB_HANDLERS, "audit.record": vi.fn().mockRejectedValue(new Error("transient")) };
    await consumeJobs(spyBatch("edge-jobs", [job], 1).batch, env, silent, withHandlers(failing));
    await consumeJobs(spyBatch("edge-jobs", [job], 2).batch, env, silent, JOB_REGISTRY);
    expect((await failureRow(job.jobId))?.resolved_at).toBeTypeOf("number");
  });
});

describe("dead-letter queue consumer", () => {
  it("records every dead message with kind, redacted body, attempts and the last error", async () => {
    const job = auditJob({ metadata: { access_token: "tok-secret-value" } });
    const failing = { ...JOB_HANDLERS, "audit.record": vi.fn().mockRejectedValue(new Error("upstream 503")) };
    await consumeJobs(spyBatch("edge-jobs", [job], 6).batch, env, silent, withHandlers(failing));
    vi.spyOn(console, "log").mockImplementation(() => {});
    const result = await runWorkerQueue("edge-jobs-dlq", [job], 1);
    expect(result.explicitAcks).toHaveLength(1);
    const row = await failureRow(job.jobId);
    expect(row).toMatchObject({ kind: "audit.record", attempts: 6, last_error: "Error: upstream 503" });
    expect(row?.dead_at).toBeTypeOf("number");
    expect(String(row?.body)).not.toContain("tok-secret-value");
  });

  it("records a dead message that never had a recorded failure (consumer crashed)", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const job = auditJob();
    await runWorkerQueue("edge-jobs-dlq", [job], 1);
    expect(await failureRow(job.jobId)).toMatchObject({
      kind: "audit.record",
      last_error: expect.stringContaining("no recorded error"),
    });
  });
});

describe("enqueueJob", () => {
  it("sends a validated message with a job id", async () => {
    const send = vi.spyOn(env.JOBS, "send").mockResolvedValue({ metadata: {} } as QueueSendResponse);
    const job = auditJob();
    const jobId = await enqueueJob(env.JOBS, auditRecordJob, job.payload);
    expect(send).toHaveBeenCalledWith(expect.objectContaining({ kind: "audit.record", jobId }), {
      contentType: "json",
    });
  });

  it("refuses a message with fields its schema does not declare (no secret rides along)", async () => {
    const job = auditJob();
    await expect(enqueueJob(env.JOBS, auditRecordJob, { ...job.payload, apiKey: "sk" } as never)).rejects.toThrow();
  });
});
