import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { paragonConnectionEvent, signParagonWebhook } from "../fakes/paragon";
import { generateParagonKeys, type ParagonTestKeys } from "../fakes/paragon-keys";
import { createConnection, type Summary } from "../helpers/connections";
import { expectData, expectError } from "../helpers/http";
import { PARAGON_WEBHOOK_SECRET, paragonWorld } from "../helpers/paragon";
import type { Browser } from "../helpers/session";

let keys: ParagonTestKeys;
beforeAll(async () => {
  keys = await generateParagonKeys();
});

type World = ReturnType<typeof paragonWorld>;

/** Paragon → us: server to server, no Origin, no cookie. */
async function deliver(world: World, raw: string, signature?: string) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const header = signature ?? (await signParagonWebhook(PARAGON_WEBHOOK_SECRET, raw));
  if (header) headers["x-paragon-signature"] = header;
  return world.worker("/api/paragon/webhook", { method: "POST", headers, body: raw });
}

async function paragonConnections(browser: Browser): Promise<Array<Summary & { settings?: Record<string, unknown> }>> {
  return expectData(await browser.request("/api/connections?connection_method=paragon"));
}

const event = (fields: Parameters<typeof paragonConnectionEvent>[0]) => JSON.stringify(paragonConnectionEvent(fields));

describe("POST /api/paragon/webhook", () => {
  it("creates the connection on integration.installed and ignores a replay", async () => {
    const world = paragonWorld({ keys });
    const { browser, userId } = await world.signedInUser();
    const raw = event({
      event: "integration.installed",
      userId,
      integration: "slack",
      credentialId: "cred-1",
      eventId: "evt-install-1",
      data: { workspace: "acme" },
    });
    expect(await expectData(await deliver(world, raw))).toEqual({ received: true, action: "create" });
    const [connection] = await paragonConnections(browser);
    expect(connection).toMatchObject({
      name: "slack (Paragon)",
      provider: "slack",
      connection_method: "paragon",
      status: "active",
    });
    // Replayed (same signed bytes): 2xx, nothing changes.
    expect(await expectData(await deliver(world, raw))).toEqual({ duplicate: true });
    expect(await paragonConnections(browser)).toHaveLength(1);
    const rows = await env.DB.prepare(
      "select paragon_credential_id, paragon_metadata from connections where user_id = ?",
    )
      .bind(userId)
      .all();
    expect(rows.results).toEqual([{ paragon_credential_id: "cred-1", paragon_metadata: '{"workspace":"acme"}' }]);
  });

  it("verifies a body whose re-serialization differs from the raw bytes", async () => {
    const world = paragonWorld({ keys });
    const { browser, userId } = await world.signedInUser();
    const raw = `{\n  "event" : "integration.installed",\n  "userId":"${userId}", "integration":"notion",\n  "credentialId":"cred-\\u00e9", "data": {"k": 1.0}\n}`;
    expect(JSON.stringify(JSON.parse(raw))).not.toBe(raw);
    await expectData(await deliver(world, raw));
    const [connection] = await paragonConnections(browser);
    expect(connection?.name).toBe("notion (Paragon)");
  });

  it.each(["v1-base64", "sha256-hex"] as const)("accepts the %s signature form", async (form) => {
    const world = paragonWorld({ keys });
    const { browser, userId } = await world.signedInUser();
    const raw = event({ event: "integration.installed", userId, integration: "jira", credentialId: "c" });
    await expectData(await deliver(world, raw, await signParagonWebhook(PARAGON_WEBHOOK_SECRET, raw, form)));
    expect(await paragonConnections(browser)).toHaveLength(1);
  });

  it.each([
    { name: "a missing signature", signature: "" },
    { name: "a signature under another secret", secret: "another-secret-0123456789" },
    { name: "a signature over JSON.stringify of the body", reserialize: true },
    { name: "a malformed signature", signature: "v1=not-a-mac" },
  ])("refuses $name with 401 and changes nothing", async ({ signature, secret, reserialize }) => {
    const world = paragonWorld({ keys });
    const { browser, userId } = await world.signedInUser();
    const raw = `{"event": "integration.installed", "userId": "${userId}", "integration": "slack", "credentialId": "c"}`;
    const header =
      signature ??
      (await signParagonWebhook(secret ?? PARAGON_WEBHOOK_SECRET, reserialize ? JSON.stringify(JSON.parse(raw)) : raw));
    await expectError(await deliver(world, raw, header), 401, "invalid_signature");
    expect(await paragonConnections(browser)).toHaveLength(0);
  });

  it("refuses a stale timestamped signature (replay window)", async () => {
    const world = paragonWorld({ keys });
    const { userId } = await world.signedInUser();
    const raw = event({ event: "integration.installed", userId, integration: "slack", credentialId: "c" });
    const t = Math.floor(Date.now() / 1000) - 3600;
    const mac = (await signParagonWebhook(PARAGON_WEBHOOK_SECRET, `${t}.${raw}`)).slice(3);
    await expectError(await deliver(world, raw, `t=${t},v1=${mac}`), 401, "invalid_signature");
  });

  it("keeps the connection in sync: update, uninstall, reinstall — each idempotent", async () => {
    const world = paragonWorld({ keys });
    const { browser, userId } = await world.signedInUser();
    const send = async (fields: Omit<Parameters<typeof paragonConnectionEvent>[0], "userId">) =>
      expectData<{ action: string }>(await deliver(world, event({ userId, eventId: crypto.randomUUID(), ...fields })));
    expect(await send({ event: "integration.installed", integration: "slack", credentialId: "c1" })).toMatchObject({
      action: "create",
    });
    expect(
      await send({ event: "integration.updated", integration: "slack", credentialId: "c1", data: { scope: "new" } }),
    ).toMatchObject({ action: "update" });
    // The same change under another event id: nothing to do.
    expect(
      await send({ event: "integration.updated", integration: "slack", credentialId: "c1", data: { scope: "new" } }),
    ).toMatchObject({ action: "none" });
    expect(await send({ event: "integration.uninstalled", integration: "slack", credentialId: "c1" })).toMatchObject({
      action: "disconnect",
    });
    let [connection] = await paragonConnections(browser);
    expect(connection).toMatchObject({ status: "disconnected", status_reason: "Disconnected in Paragon" });
    expect(await send({ event: "integration.uninstalled", integration: "slack", credentialId: "c1" })).toMatchObject({
      action: "none",
    });
    expect(await send({ event: "integration.installed", integration: "slack", credentialId: "c2" })).toMatchObject({
      action: "update",
    });
    const all = await paragonConnections(browser);
    expect(all).toHaveLength(1);
    [connection] = all;
    expect(connection?.status).toBe("active");
  });

  it("makes the name unique when the user already has one like it", async () => {
    const world = paragonWorld({ keys });
    const { browser, userId } = await world.signedInUser();
    await createConnection(browser, {
      name: "slack (Paragon)",
      connection_method: "bearer",
      provider: "custom_api",
      base_url: "https://api.example.com",
      data: { token: "t-secret" },
    });
    await expectData(
      await deliver(world, event({ event: "integration.installed", userId, integration: "slack", credentialId: "c" })),
    );
    expect((await paragonConnections(browser)).map((c) => c.name)).toEqual(["slack (Paragon) (2)"]);
  });

  it("acknowledges trigger events and events for unknown users without changing connections", async () => {
    const world = paragonWorld({ keys });
    const trigger = JSON.stringify({
      eventId: crypto.randomUUID(),
      userId: "someone",
      integration: "salesforce",
      triggerType: "SALESFORCE_TRIGGER_RECORD_CREATED",
      payload: {},
    });
    expect(await expectData(await deliver(world, trigger))).toEqual({ received: true });
    const unknown = event({
      event: "integration.installed",
      userId: "no-such-user",
      integration: "x",
      credentialId: "c",
    });
    expect(await expectData(await deliver(world, unknown))).toEqual({ received: true, action: "unknown_user" });
  });

  it.each([
    { name: "non-JSON", raw: "installed=slack", code: "invalid_json" },
    {
      name: "an event without userId",
      raw: '{"event":"integration.installed","integration":"slack"}',
      code: "invalid_request",
    },
  ])("answers 400 to a signed but $name body", async ({ raw, code }) => {
    const world = paragonWorld({ keys });
    await expectError(await deliver(world, raw), 400, code);
  });

  it("answers 503 paragon_not_configured without the webhook secret", async () => {
    const world = paragonWorld({ keys, configure: { webhook: false } });
    await expectError(await deliver(world, "{}"), 503, "paragon_not_configured");
  });

  it("queues a failing sync for retry (202), and the retried job creates the connection once", async () => {
    let failInserts = true;
    const failingDb = new Proxy(env.DB, {
      get(target, property) {
        const value = Reflect.get(target, property);
        if (property !== "prepare") return typeof value === "function" ? value.bind(target) : value;
        return (sql: string) => {
          if (failInserts && /insert into "connections"/i.test(sql)) throw new Error("D1_ERROR: database is locked");
          return target.prepare(sql);
        };
      },
    });
    const sent: Array<{ kind?: string }> = [];
    const jobs = {
      send: vi.fn(async (body: { kind?: string }) => {
        if (body.kind === "paragon.sync_connection") sent.push(body);
      }),
      sendBatch: vi.fn(),
    } as unknown as Queue;
    const world = paragonWorld({ keys, bindings: { DB: failingDb, JOBS: jobs } });
    const { browser, userId } = await world.signedInUser();
    const raw = event({
      event: "integration.installed",
      userId,
      integration: "hubspot",
      credentialId: "c",
      eventId: "e1",
    });

    const data = await expectData<{ queued: boolean; job_id: string }>(await deliver(world, raw), 202);
    expect(data.queued).toBe(true);
    expect(sent).toEqual([
      expect.objectContaining({
        kind: "paragon.sync_connection",
        jobId: data.job_id,
        payload: expect.objectContaining({ type: "integration.installed", userId, integration: "hubspot" }),
      }),
    ]);
    expect(JSON.stringify(sent)).not.toContain(PARAGON_WEBHOOK_SECRET);
    expect(await paragonConnections(browser)).toHaveLength(0);
    // Paragon redelivering the same event meanwhile is a duplicate: the queued job owns it.
    expect(await expectData(await deliver(world, raw))).toEqual({ duplicate: true });

    failInserts = false;
    for (const attempt of [1, 2]) {
      const batch = createMessageBatch("edge-jobs", [
        { id: `m${attempt}`, timestamp: new Date(), body: sent[0], attempts: attempt },
      ]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env);
      expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([`m${attempt}`]);
    }
    expect((await paragonConnections(browser)).map((c) => c.name)).toEqual(["hubspot (Paragon)"]);
  });

  it("releases the event when it can be neither applied nor queued, so Paragon's redelivery works", async () => {
    let broken = false;
    const failingDb = new Proxy(env.DB, {
      get(target, property) {
        const value = Reflect.get(target, property);
        if (property !== "prepare") return typeof value === "function" ? value.bind(target) : value;
        return (sql: string) => {
          if (broken && /insert into "connections"/i.test(sql)) throw new Error("D1_ERROR: database is locked");
          return target.prepare(sql);
        };
      },
    });
    const jobs = {
      send: vi.fn(async () => {
        if (broken) throw new Error("Queue send failed");
      }),
      sendBatch: vi.fn(),
    } as unknown as Queue;
    const world = paragonWorld({ keys, bindings: { DB: failingDb, JOBS: jobs } });
    const { browser, userId } = await world.signedInUser();
    const raw = event({
      event: "integration.installed",
      userId,
      integration: "asana",
      credentialId: "c",
      eventId: "e2",
    });
    broken = true;
    await expectError(await deliver(world, raw), 503, "service_unavailable");
    broken = false;
    expect(await expectData(await deliver(world, raw))).toEqual({ received: true, action: "create" });
    expect(await paragonConnections(browser)).toHaveLength(1);
  });
});
