import * as z from "zod";
import { AUDIT_OUTCOMES, auditEvents } from "../db/schema";
import { defineJob } from "../jobs/define";

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

/** `audit.record`: writes one audit event. The event id is the primary key, so a redelivery inserts nothing twice. */
export const auditRecordJob = defineJob({
  kind: "audit.record",
  payload: auditRecordPayload,
  async handler(job, { db }) {
    await db.insert(auditEvents).values(job.payload).onConflictDoNothing();
  },
});
