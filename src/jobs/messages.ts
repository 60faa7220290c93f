import { z } from "zod";
import { AUDIT_OUTCOMES } from "../db/schema";

/**
 * Every message on the jobs queue: a `kind`, a `jobId` (stable across retries and the dead-letter
 * queue, so failures of one job are recorded on one row) and the kind's payload. Messages carry ids,
 * never credentials: a handler loads what it needs from D1 at the edge (SPEC §1).
 */
const envelope = {
  jobId: z.uuid(),
  enqueuedAt: z.number().int().nonnegative(),
};

export const auditRecordPayload = z.strictObject({
  id: z.uuid(),
  occurredAt: z.number().int().nonnegative(),
  actorType: z.enum(["user", "oauth_client", "workos", "system"]),
  actorId: z.string().max(200).nullable(),
  action: z
    .string()
    .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/)
    .max(100),
  targetType: z.string().max(50).nullable(),
  targetId: z.string().max(200).nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  requestId: z.string().max(128).nullable(),
  ip: z.string().max(64).nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
});

export const reencryptPayload = z.strictObject({
  runId: z.uuid(),
  /** Continue after this connection id (null: from the start). */
  cursor: z.uuid().nullable(),
});

export const jobMessageSchema = z.discriminatedUnion("kind", [
  z.strictObject({ ...envelope, kind: z.literal("audit.record"), payload: auditRecordPayload }),
  z.strictObject({ ...envelope, kind: z.literal("connections.reencrypt"), payload: reencryptPayload }),
]);

export type JobMessage = z.output<typeof jobMessageSchema>;
export type JobKind = JobMessage["kind"];
export type JobOf<K extends JobKind> = Extract<JobMessage, { kind: K }>;
/** What a producer supplies; the envelope fields are added by `enqueueJob`. */
export type NewJob = { [K in JobKind]: Omit<JobOf<K>, "jobId" | "enqueuedAt"> }[JobKind];
