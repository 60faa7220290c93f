import { eq, lt, sql } from "drizzle-orm";
import { deleteBatch, type RetentionRule } from "../db/retention";
import { sessions, webhookEvents } from "../db/schema";
import { SESSION_ABSOLUTE_LIFETIME_MS, SESSION_IDLE_TIMEOUT_MS } from "./session-policy";
import { WORKOS_WEBHOOK_SOURCE } from "./workos-webhooks";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Sessions not seen for this long are dead however they ended: a valid session is touched at least
 * once per idle timeout, and a revoked or expired one is never touched again. The week on top keeps
 * a recently ended session's reason (`revoked_reason`) readable for a while.
 */
export const SESSION_RETENTION_MS = Math.max(SESSION_IDLE_TIMEOUT_MS, SESSION_ABSOLUTE_LIFETIME_MS) + 7 * DAY_MS;

/**
 * Webhook event ids are kept for redelivery protection well beyond any sender's retry schedule
 * (WorkOS retries over about three days) and its signature tolerance.
 */
export const WEBHOOK_EVENT_RETENTION_MS = 30 * DAY_MS;

/** Deletes the processed-event ids of one webhook source older than {@link WEBHOOK_EVENT_RETENTION_MS}. */
export function webhookEventsRule(source: string): RetentionRule {
  return {
    name: `webhook_events.${source}`,
    purge: (db, nowMs, limit) =>
      deleteBatch(
        db,
        webhookEvents,
        sql`${eq(webhookEvents.source, source)} and ${lt(webhookEvents.receivedAt, nowMs - WEBHOOK_EVENT_RETENTION_MS)}`,
        limit,
      ),
  };
}

export const AUTH_RETENTION_RULES: readonly RetentionRule[] = [
  {
    name: "sessions.ended",
    purge: (db, nowMs, limit) =>
      deleteBatch(db, sessions, lt(sessions.lastSeenAt, nowMs - SESSION_RETENTION_MS), limit),
  },
  webhookEventsRule(WORKOS_WEBHOOK_SOURCE),
];
