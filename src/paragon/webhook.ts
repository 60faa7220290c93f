import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import { keyringFor } from "../crypto/keyring";
import { type Database, getDb } from "../db/client";
import { webhookEvents } from "../db/schema";
import { enqueueJob } from "../jobs/producer";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { describeError } from "../platform/logger";
import { syncParagonConnection } from "./connection-sync";
import { paragonProxyBase } from "./credentials";
import { paragonSyncJob } from "./job";
import { parseParagonWebhook } from "./webhook-event";
import { PARAGON_SIGNATURE_HEADER, verifyParagonSignature } from "./webhook-signature";

/**
 * `POST /api/paragon/webhook` (SPEC §9): Paragon → us, server to server (no session, no CSRF; the
 * signature is the authentication).
 *
 * 1. The signature is checked over the raw bytes, before anything is parsed (`webhook-signature.ts`).
 * 2. The event's dedupe key is claimed in D1 (`webhook_events` primary key: one writer wins, strongly
 *    consistent). A duplicate answers 200 `{duplicate: true}` and changes nothing.
 * 3. The connection sync runs inline, so the connection exists when Paragon's Connect Portal closes. If it
 *    fails, the event goes to the jobs queue (`paragon.sync_connection`, retried with backoff) and the
 *    answer is 202 `{queued: true}`; if even that fails, the claim is released and the answer is 5xx, so
 *    Paragon delivers again. No failure is swallowed.
 */
export const PARAGON_WEBHOOK_PATHS = ["/api/paragon/webhook"] as const;
export const PARAGON_WEBHOOK_SOURCE = "paragon";

export const paragonWebhookRoutes = new Hono<AppEnv>().post("/webhook", async (c) => {
  const secret = c.var.config.paragon.webhookSecret;
  if (!secret) {
    throw new AppError("paragon_not_configured", "Paragon webhooks are not configured (set PARAGON_WEBHOOK_SECRET)");
  }
  const rawBody = new Uint8Array(await c.req.arrayBuffer());
  const now = Date.now();
  const check = await verifyParagonSignature({
    secret,
    rawBody,
    header: c.req.header(PARAGON_SIGNATURE_HEADER),
    now,
  });
  if (!check.ok) {
    c.var.log.warn("Paragon webhook refused", { reason: check.reason });
    throw new AppError("invalid_signature", "Missing, malformed or non-matching webhook signature");
  }
  const parsed = await parseParagonWebhook(rawBody);
  if (!parsed.ok) throw new AppError(parsed.code, parsed.message);
  const event = parsed.event;
  const db = getDb(c.env.DB);
  if (!(await claimEvent(db, event.dedupeKey, event.type, now))) {
    return c.json({ success: true, data: { duplicate: true } });
  }
  if (event.kind !== "connection") return c.json({ success: true, data: { received: true } });

  const keyring = keyringFor(c.var.config.keyring);
  try {
    const api = c.var.config.paragon.api;
    const proxyBaseFor = api
      ? (integration: string) => paragonProxyBase(api.proxyOrigin, api.projectId, integration)
      : undefined;
    const action = await syncParagonConnection({ db, keyring, log: c.var.log, now, proxyBaseFor }, event);
    return c.json({ success: true, data: { received: true, action } });
  } catch (error) {
    c.var.log.warn("Paragon connection sync failed; queued for retry", { error: describeError(error) });
    try {
      const jobId = await enqueueJob(c.env.JOBS, paragonSyncJob, event);
      return c.json({ success: true, data: { received: true, queued: true, job_id: jobId } }, 202);
    } catch (enqueueError) {
      // Neither applied nor queued: forget the event so Paragon's redelivery is processed, and say so.
      await releaseEvent(db, event.dedupeKey);
      throw new AppError("service_unavailable", "The event could not be processed; deliver it again", {
        cause: enqueueError,
      });
    }
  }
});

/** Records the event once; false when it was already recorded (a duplicate delivery). */
async function claimEvent(db: Database, eventId: string, eventType: string, now: number): Promise<boolean> {
  const inserted = await db
    .insert(webhookEvents)
    .values({ source: PARAGON_WEBHOOK_SOURCE, eventId, eventType, receivedAt: now })
    .onConflictDoNothing()
    .returning({ eventId: webhookEvents.eventId });
  return inserted.length > 0;
}

async function releaseEvent(db: Database, eventId: string): Promise<void> {
  await db
    .delete(webhookEvents)
    .where(and(eq(webhookEvents.source, PARAGON_WEBHOOK_SOURCE), eq(webhookEvents.eventId, eventId)));
}
