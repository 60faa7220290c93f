import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SESSION_RETENTION_MS, WEBHOOK_EVENT_RETENTION_MS } from "../../src/auth/retention";
import { getDb } from "../../src/db/client";
import { type RetentionRule, sweepExpired } from "../../src/db/retention";
import {
  oauthAuthorizationCodes,
  oauthGrants,
  oauthRefreshTokens,
  sessions,
  users,
  webhookEvents,
  workerTokenUses,
} from "../../src/db/schema";
import worker from "../../src/index";
import { AUTHORIZATION_CODE_RETENTION_MS } from "../../src/oauth-server/retention";
import { RETENTION_RULES } from "../../src/retention-registry";
import { expectData } from "../helpers/http";
import { Browser, signInWithDevProvider } from "../helpers/session";

const HOUR_MS = 60 * 60 * 1000;

async function runCron(scheduledTime: number) {
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "17 * * * *" }), env);
}

describe("the hourly retention sweep (scheduled)", () => {
  it("deletes only the rows every rule says nothing needs any more", async () => {
    const db = getDb(env.DB);
    const now = Date.now();
    await db.insert(users).values({ id: "usr_retention", email: "retention@example.com" });
    const session = (id: string, lastSeenAt: number) => ({
      id,
      tokenHash: `hash-${id}`,
      userId: "usr_retention",
      authMethod: "dev",
      createdAt: lastSeenAt,
      lastSeenAt,
      expiresAt: lastSeenAt + HOUR_MS,
    });
    await db
      .insert(sessions)
      .values([session("ses_dead", now - SESSION_RETENTION_MS - 1), session("ses_recent", now - HOUR_MS)]);

    const event = (source: string, eventId: string, receivedAt: number) => ({
      source,
      eventId,
      eventType: "user.updated",
      receivedAt,
    });
    await db
      .insert(webhookEvents)
      .values([
        event("workos", "evt_old", now - WEBHOOK_EVENT_RETENTION_MS - 1),
        event("workos", "evt_new", now - HOUR_MS),
        event("paragon", "evt_old", now - WEBHOOK_EVENT_RETENTION_MS - 1),
        event("other", "evt_old", now - WEBHOOK_EVENT_RETENTION_MS - 1),
      ]);

    const code = (codeHash: string, expiresAt: number) => ({
      codeHash,
      clientId: "client",
      userId: "usr_retention",
      redirectUri: "http://127.0.0.1/cb",
      scope: "workflows:read",
      resource: "http://localhost:8787/mcp",
      codeChallenge: "challenge",
      expiresAt,
      createdAt: expiresAt - 60_000,
    });
    await db
      .insert(oauthAuthorizationCodes)
      .values([
        code("code_past_retention", now - AUTHORIZATION_CODE_RETENTION_MS - 1),
        code("code_used_recently", now - HOUR_MS),
      ]);
    await db.insert(oauthGrants).values({
      id: "grt_retention",
      userId: "usr_retention",
      clientId: "client",
      scope: "workflows:read",
      resource: "http://localhost:8787/mcp",
      createdAt: now - 40 * 24 * HOUR_MS,
    });
    const refresh = (tokenHash: string, expiresAt: number, rotatedAt: number | null) => ({
      tokenHash,
      grantId: "grt_retention",
      createdAt: now - 40 * 24 * HOUR_MS,
      expiresAt,
      rotatedAt,
    });
    await db
      .insert(oauthRefreshTokens)
      .values([
        refresh("rt_expired", now - 1, now - 30 * 24 * HOUR_MS),
        refresh("rt_rotated_alive", now + HOUR_MS, now - HOUR_MS),
        refresh("rt_current", now + 29 * 24 * HOUR_MS, null),
      ]);
    await db.insert(workerTokenUses).values([
      { jti: "jti_expired", executionId: "exe", expiresAt: now - 1 },
      { jti: "jti_alive", executionId: "exe", expiresAt: now + HOUR_MS },
    ]);

    await runCron(now);

    expect((await db.select({ id: sessions.id }).from(sessions)).map((row) => row.id)).toEqual(["ses_recent"]);
    expect((await db.select().from(webhookEvents)).map((row) => `${row.source}/${row.eventId}`).sort()).toEqual([
      "other/evt_old",
      "workos/evt_new",
    ]);
    expect((await db.select().from(oauthAuthorizationCodes)).map((row) => row.codeHash)).toEqual([
      "code_used_recently",
    ]);
    // Rotated tokens stay until their own expiry: presenting one before then is reuse (RFC 9700 §4.14.2).
    expect((await db.select().from(oauthRefreshTokens)).map((row) => row.tokenHash).sort()).toEqual([
      "rt_current",
      "rt_rotated_alive",
    ]);
    expect((await db.select().from(workerTokenUses)).map((row) => row.jti)).toEqual(["jti_alive"]);
    expect(await db.select({ id: oauthGrants.id }).from(oauthGrants)).toEqual([{ id: "grt_retention" }]);
  });

  it("leaves a live session signed in", async () => {
    const browser = new Browser();
    await signInWithDevProvider(browser, { email: "still-here@example.com" });
    await runCron(Date.now());
    const me = await expectData<{ user: { email: string } }>(await browser.request("/api/auth/me"), 200);
    expect(me.user.email).toBe("still-here@example.com");
  });

  it("works through a backlog in bounded batches and reports what is left", async () => {
    let due = 1_234;
    const rule: RetentionRule = {
      name: "test.backlog",
      purge: async (_db, _now, limit) => {
        const deleted = Math.min(due, limit);
        due -= deleted;
        return deleted;
      },
    };
    const db = getDb(env.DB);
    expect(await sweepExpired(db, [rule], 0, { batchSize: 100, maxBatches: 5 })).toEqual([
      { rule: "test.backlog", deleted: 500, backlog: true },
    ]);
    expect(await sweepExpired(db, [rule], 0, { batchSize: 500 })).toEqual([
      { rule: "test.backlog", deleted: 734, backlog: false },
    ]);
  });

  it("names every rule once", () => {
    const names = RETENTION_RULES.map((rule) => rule.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
