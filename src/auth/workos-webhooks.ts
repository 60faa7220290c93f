import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import { workosClient } from "../auth/providers/workos";
import { revokeUserSessions } from "../auth/sessions";
import { ensureMembership, ensureOrganization, type OrganizationResolver, toMembershipRole } from "../auth/users";
import { type Database, getDb } from "../db/client";
import { memberships, organizations, users, webhookEvents } from "../db/schema";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { describeError } from "../platform/logger";

/** `webhook_events.source` of WorkOS deliveries. */
export const WORKOS_WEBHOOK_SOURCE = "workos";

/**
 * WorkOS signs `<timestamp>.<raw body>` with HMAC-SHA256 (`WorkOS-Signature: t=<ms>, v1=<hex>`).
 * The SDK refuses timestamps older than the tolerance but not ones from the future, so both bounds
 * are enforced here; the event id is then recorded so a replay inside the window does nothing.
 * @see https://workos.com/docs/events/data-syncing/webhooks
 */
export const WEBHOOK_TOLERANCE_MS = 3 * 60 * 1000;
const SIGNATURE_HEADER = "workos-signature";

/** Parses the timestamp of a `t=…, v1=…` header; null when malformed. */
export function signatureTimestamp(header: string): number | null {
  const match = /(?:^|,)\s*t=(\d{10,16})\s*(?:,|$)/.exec(header);
  return match ? Number(match[1]) : null;
}

type WorkOSEvent = { id: string; event: string; data: Record<string, unknown> };

/**
 * Paths of inbound webhooks: server-to-server, authenticated by their signatures, carrying no cookies —
 * so exempt from CSRF checks (which protect cookie-authenticated browsers).
 */
export const INBOUND_WEBHOOK_PATHS: readonly string[] = ["/api/webhooks/workos"];

export const workosWebhookRoutes = new Hono<AppEnv>().post("/workos", async (c) => {
  const settings = c.var.config.workos;
  if (!settings?.webhookSecret) throw new AppError("auth_not_configured", "WorkOS webhooks are not configured");
  const raw = await c.req.text();
  const header = c.req.header(SIGNATURE_HEADER);
  const timestamp = header ? signatureTimestamp(header) : null;
  const now = Date.now();
  if (!header || timestamp === null || Math.abs(now - timestamp) > WEBHOOK_TOLERANCE_MS) {
    throw new AppError("invalid_signature", "Missing, malformed or stale webhook signature");
  }
  let event: WorkOSEvent;
  try {
    event = (await workosClient(settings).webhooks.constructEvent({
      payload: raw,
      sigHeader: header,
      secret: settings.webhookSecret,
      tolerance: WEBHOOK_TOLERANCE_MS,
    })) as unknown as WorkOSEvent;
  } catch (error) {
    c.var.log.warn("WorkOS webhook refused", { error: describeError(error) });
    throw new AppError("invalid_signature", "Webhook signature does not match");
  }
  const db = getDb(c.env.DB);
  const seen = await db
    .select({ id: webhookEvents.eventId })
    .from(webhookEvents)
    .where(and(eq(webhookEvents.source, WORKOS_WEBHOOK_SOURCE), eq(webhookEvents.eventId, event.id)))
    .get();
  if (seen) return c.json({ success: true, data: { duplicate: true } });

  await applyWorkOSEvent(db, event, now, async (externalId) => {
    const organization = await workosClient(settings).organizations.getOrganization(externalId);
    return { name: organization.name, domain: organization.domains[0]?.domain ?? null };
  });
  // Recorded after applying: a failure above gets WorkOS's retry; every handler is idempotent.
  await db
    .insert(webhookEvents)
    .values({ source: WORKOS_WEBHOOK_SOURCE, eventId: event.id, eventType: event.event, receivedAt: now })
    .onConflictDoNothing();
  c.var.log.info("WorkOS event applied", { event_id: event.id, event: event.event });
  return c.json({ success: true, data: { received: true } });
});

/** Keeps users, organizations and memberships in line with WorkOS. Unknown event types are ignored. */
export async function applyWorkOSEvent(
  db: Database,
  event: WorkOSEvent,
  now: number,
  lookup: OrganizationResolver,
): Promise<void> {
  const data = event.data;
  switch (event.event) {
    case "user.updated": {
      const name = [data.firstName, data.lastName].filter((part) => typeof part === "string" && part).join(" ") || null;
      await db
        .update(users)
        .set({
          email: String(data.email).toLowerCase(),
          emailVerified: Boolean(data.emailVerified),
          ...(name ? { name } : {}),
          updatedAt: now,
        })
        .where(eq(users.workosUserId, String(data.id)));
      return;
    }
    case "user.deleted": {
      const user = await db
        .select({ id: users.id })
        .from(users)
        .where(eq(users.workosUserId, String(data.id)))
        .get();
      if (!user) return;
      await db.update(users).set({ deletedAt: now, updatedAt: now }).where(eq(users.id, user.id));
      await revokeUserSessions(db, user.id, "user_deleted", now);
      return;
    }
    case "organization_membership.created":
    case "organization_membership.updated": {
      const user = await db
        .select({ id: users.id })
        .from(users)
        .where(eq(users.workosUserId, String(data.userId)))
        .get();
      if (!user) return; // they get their membership on first sign-in
      const organization = await ensureOrganization(db, String(data.organizationId), now, lookup);
      const role = (data.role as { slug?: string } | undefined)?.slug ?? null;
      await ensureMembership(db, user.id, organization.id, toMembershipRole(role), now, role !== null, String(data.id));
      return;
    }
    case "organization_membership.deleted": {
      await db.delete(memberships).where(eq(memberships.workosMembershipId, String(data.id)));
      return;
    }
    case "organization.updated": {
      const domains = (data.domains as Array<{ domain?: string }> | undefined) ?? [];
      await db
        .update(organizations)
        .set({
          name: String(data.name),
          ...(domains[0]?.domain ? { domain: domains[0].domain.toLowerCase() } : {}),
          updatedAt: now,
        })
        .where(eq(organizations.workosOrganizationId, String(data.id)));
      return;
    }
    case "connection.activated":
    case "connection.deactivated": {
      if (typeof data.organizationId !== "string") return;
      await db
        .update(organizations)
        .set({
          ssoEnabled: event.event === "connection.activated",
          ...(typeof data.connectionType === "string" ? { ssoProvider: data.connectionType } : {}),
          updatedAt: now,
        })
        .where(eq(organizations.workosOrganizationId, data.organizationId));
      return;
    }
    default:
      return;
  }
}
