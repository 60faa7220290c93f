import type { Context } from "hono";
import { enqueueJob } from "../jobs/producer";
import type { AppEnv } from "../platform/context";
import { describeError } from "../platform/logger";
import { clientIp } from "../platform/rate-limit";
import { redact } from "../platform/redact";
import { auditRecordJob } from "./job";

export interface AuditInput {
  action: string;
  outcome: "success" | "failure";
  actorType?: "user" | "oauth_client" | "workos" | "system";
  actorId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  metadata?: Record<string, unknown>;
}

/**
 * Records an audit event without delaying the response: the event is enqueued in the background
 * (`waitUntil`) and written by the `audit.record` job. Metadata is redacted first.
 */
export function recordAudit(c: Context<AppEnv>, input: AuditInput): void {
  const job = enqueueJob(c.env.JOBS, auditRecordJob, {
    id: crypto.randomUUID(),
    occurredAt: Date.now(),
    actorType: input.actorType ?? "user",
    actorId: input.actorId ?? null,
    action: input.action,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    outcome: input.outcome,
    requestId: c.var.requestId ?? null,
    ip: clientIp(c).slice(0, 64),
    metadata: input.metadata ? (redact(input.metadata) as Record<string, unknown>) : null,
  }).catch((error: unknown) =>
    c.var.log.error("audit event not recorded", { action: input.action, error: describeError(error) }),
  );
  c.executionCtx.waitUntil(job);
}
