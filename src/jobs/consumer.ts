import { eq, sql } from "drizzle-orm";
import { type Database, getDb } from "../db/client";
import { jobFailures } from "../db/schema";
import type { Logger } from "../platform/logger";
import { describeError, safeErrorMessage } from "../platform/logger";
import { redact } from "../platform/redact";
import { retryDelaySeconds } from "./backoff";
import type { JobContext, JobRegistry } from "./define";
import { PermanentJobError } from "./errors";

const MAX_ERROR_LENGTH = 2000;

export interface ConsumeOptions {
  now?: () => number;
  random?: () => number;
}

/**
 * Consumer of the jobs queue. Each message is validated and dispatched to its kind's handler on its
 * own: one failing message never holds back the others of its batch.
 * - success → ack (and a previously failed job is marked resolved);
 * - transient failure → recorded in `job_failures`, retried with exponential backoff;
 * - malformed message or `PermanentJobError` → recorded as dead at once, acked.
 * After `max_retries` the platform moves the message to the dead-letter queue (`recordDeadLetters`).
 */
export async function consumeJobs(
  batch: MessageBatch<unknown>,
  env: Env,
  log: Logger,
  registry: JobRegistry,
  options: ConsumeOptions = {},
) {
  const db = getDb(env.DB);
  const now = options.now ?? Date.now;
  await Promise.all(
    batch.messages.map((message) =>
      processMessage(message, batch.queue, { env, db, log }, registry, now, options.random),
    ),
  );
}

async function processMessage(
  message: Message<unknown>,
  queue: string,
  context: JobContext,
  registry: JobRegistry,
  now: () => number,
  random?: () => number,
): Promise<void> {
  const parsed = registry.schema.safeParse(message.body);
  const jobId = parsed.success ? parsed.data.jobId : (bodyJobId(message.body) ?? message.id);
  const log = context.log.child({
    job_id: jobId,
    kind: parsed.success ? parsed.data.kind : "unknown",
    attempts: message.attempts,
  });
  if (!parsed.success) {
    log.error("job message malformed; recorded as dead", { issues: parsed.error.issues.map((i) => i.path.join(".")) });
    await recordFailure(context.db, {
      jobId,
      kind: bodyKind(message.body),
      queue,
      body: message.body,
      attempts: message.attempts,
      error: "message does not match any job schema",
      dead: true,
      now: now(),
    });
    message.ack();
    return;
  }
  const job = parsed.data;
  try {
    const handler = registry.handlers[job.kind];
    if (!handler) throw new PermanentJobError(`no handler for job kind ${job.kind}`);
    await handler(job, { ...context, log });
    message.ack();
    if (message.attempts > 1) await markResolved(context.db, jobId, now());
  } catch (error) {
    const permanent = error instanceof PermanentJobError;
    log.warn(permanent ? "job failed permanently" : "job failed; will retry", { error: describeError(error) });
    try {
      await recordFailure(context.db, {
        jobId,
        kind: job.kind,
        queue,
        body: job,
        attempts: message.attempts,
        error: errorText(error),
        dead: permanent,
        now: now(),
      });
    } catch (recordError) {
      log.error("could not record job failure", { error: describeError(recordError) });
    }
    if (permanent) message.ack();
    else message.retry({ delaySeconds: retryDelaySeconds(message.attempts, { random }) });
  }
}

/**
 * Consumer of the dead-letter queue: every message that exhausted its retries is recorded as dead
 * in `job_failures` (kind, redacted body, attempts, last error) and logged at error level.
 */
export async function recordDeadLetters(
  batch: MessageBatch<unknown>,
  env: Env,
  log: Logger,
  now: () => number = Date.now,
  registry?: JobRegistry,
) {
  const db = getDb(env.DB);
  for (const message of batch.messages) {
    const jobId = bodyJobId(message.body) ?? message.id;
    const kind = bodyKind(message.body);
    const existing = await db.select().from(jobFailures).where(eq(jobFailures.jobId, jobId)).get();
    const lastError =
      existing?.lastError ?? "reached the dead-letter queue with no recorded error (consumer crashed or timed out)";
    await recordFailure(db, {
      jobId,
      kind,
      queue: batch.queue,
      body: message.body,
      attempts: Math.max(existing?.attempts ?? 0, message.attempts),
      error: lastError,
      dead: true,
      now: now(),
    });
    log.error("job dead-lettered", { job_id: jobId, kind, attempts: message.attempts, last_error: lastError });
    const parsed = registry?.deadLetterHandlers[kind] ? registry.schema.safeParse(message.body) : undefined;
    if (parsed?.success) {
      // The feature's reaction (e.g. the execution becomes failed); if it throws, the message is redelivered.
      await registry?.deadLetterHandlers[kind]?.(parsed.data.payload, { env, db, log });
    }
    message.ack();
  }
}

interface FailureRecord {
  jobId: string;
  kind: string;
  queue: string;
  body: unknown;
  attempts: number;
  error: string;
  dead: boolean;
  now: number;
}

async function recordFailure(db: Database, record: FailureRecord): Promise<void> {
  await db
    .insert(jobFailures)
    .values({
      jobId: record.jobId,
      kind: record.kind,
      queue: record.queue,
      body: redact(record.body) ?? null,
      attempts: record.attempts,
      lastError: record.error,
      firstFailedAt: record.now,
      lastFailedAt: record.now,
      deadAt: record.dead ? record.now : null,
    })
    .onConflictDoUpdate({
      target: jobFailures.jobId,
      set: {
        attempts: sql`max(${jobFailures.attempts}, ${record.attempts})`,
        lastError: record.error,
        lastFailedAt: record.now,
        ...(record.dead ? { deadAt: sql`coalesce(${jobFailures.deadAt}, ${record.now})` } : {}),
      },
    });
}

async function markResolved(db: Database, jobId: string, now: number): Promise<void> {
  await db.update(jobFailures).set({ resolvedAt: now }).where(eq(jobFailures.jobId, jobId));
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${safeErrorMessage(error)}` : String(error);
  return text.slice(0, MAX_ERROR_LENGTH);
}

function bodyJobId(body: unknown): string | undefined {
  const id = (body as { jobId?: unknown } | null)?.jobId;
  return typeof id === "string" && id.length <= 64 ? id : undefined;
}

function bodyKind(body: unknown): string {
  const kind = (body as { kind?: unknown } | null)?.kind;
  return typeof kind === "string" ? kind.slice(0, 100) : "unknown";
}
