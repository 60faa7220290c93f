import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { expectData, expectError } from "../helpers/http";
import { signInThroughWorkOS, workosWorld } from "../helpers/workos";

const world = workosWorld();
const { fake } = world;

beforeEach(() => {
  world.interceptWorkOS();
});

async function signedInWorkOSUser(email: string) {
  fake.nextSignIn({ email, firstName: "Old", lastName: "Name" });
  const browser = world.browser();
  await signInThroughWorkOS(fake, browser);
  const workosUser = fake.findUserByEmail(email);
  if (!workosUser) throw new Error("fake user missing");
  return { browser, workosUser };
}

function deliver(payload: string, headers: Record<string, string>) {
  // Server-to-server: no Origin, no cookies.
  return world.worker("/api/webhooks/workos", { method: "POST", headers, body: payload });
}

const userCount = async () => (await env.DB.prepare("select count(*) as n from users").first<{ n: number }>())?.n;

describe("POST /api/webhooks/workos", () => {
  it("applies user.updated and ignores a replay of the same event", async () => {
    const { workosUser } = await signedInWorkOSUser("sync@example.com");
    const event = await fake.webhookEvent("user.updated", {
      ...workosUser,
      first_name: "New",
      last_name: "Name",
      email: "Sync2@example.com",
    });
    expect(await expectData(await deliver(event.payload, event.headers))).toEqual({ received: true });
    const row = await env.DB.prepare("select email, name from users where workos_user_id = ?")
      .bind(workosUser.id)
      .first();
    expect(row).toEqual({ email: "sync2@example.com", name: "New Name" });
    expect(await expectData(await deliver(event.payload, event.headers))).toEqual({ duplicate: true });
  });

  it("ends every session of a deleted user", async () => {
    const { browser, workosUser } = await signedInWorkOSUser("deleted@example.com");
    const event = await fake.webhookEvent("user.deleted", workosUser);
    await expectData(await deliver(event.payload, event.headers));
    await expectError(await browser.request("/api/auth/me"), 401, "unauthenticated");
  });

  it("creates, updates and deletes memberships", async () => {
    const { browser, workosUser } = await signedInWorkOSUser("member@example.com");
    const org = fake.addOrganization({ name: "Hooli", domains: ["hooli.test"] });
    const membership = fake.addMembership({ userId: workosUser.id, organizationId: org.id, role: "member" });
    const created = await fake.webhookEvent(
      "organization_membership.created",
      membership as unknown as Record<string, unknown>,
    );
    await expectData(await deliver(created.payload, created.headers));
    const roles = async () =>
      (
        (await (await browser.request("/api/auth/me")).json()) as {
          data: { organizations: Array<{ name: string; role: string }> };
        }
      ).data.organizations
        .filter((o) => o.name === "Hooli")
        .map((o) => o.role);
    expect(await roles()).toEqual(["member"]);
    const updated = await fake.webhookEvent("organization_membership.updated", {
      ...membership,
      role: { slug: "admin" },
    });
    await expectData(await deliver(updated.payload, updated.headers));
    expect(await roles()).toEqual(["admin"]);
    const deleted = await fake.webhookEvent(
      "organization_membership.deleted",
      membership as unknown as Record<string, unknown>,
    );
    await expectData(await deliver(deleted.payload, deleted.headers));
    expect(await roles()).toEqual([]);
  });

  it.each([
    [
      "a missing signature",
      async (_payload: string) => ({ "content-type": "application/json" }) as Record<string, string>,
    ],
    [
      "a signature under another secret",
      async (payload: string) => ({ "workos-signature": await fake.signWebhook(payload, { secret: "wrong" }) }),
    ],
    [
      "a stale timestamp",
      async (payload: string) => ({
        "workos-signature": await fake.signWebhook(payload, { timestamp: Date.now() - 10 * 60 * 1000 }),
      }),
    ],
    [
      "a timestamp from the future",
      async (payload: string) => ({
        "workos-signature": await fake.signWebhook(payload, { timestamp: Date.now() + 10 * 60 * 1000 }),
      }),
    ],
    ["a malformed header", async () => ({ "workos-signature": "garbage" })],
  ])("refuses %s with 401 and writes nothing", async (_name, headersFor) => {
    const before = await userCount();
    const user = fake.addUser({ email: `victim-${crypto.randomUUID()}@example.com` });
    const eventId = `event_${crypto.randomUUID()}`;
    const payload = JSON.stringify({
      id: eventId,
      event: "user.deleted",
      data: user,
      created_at: new Date().toISOString(),
    });
    await expectError(await deliver(payload, await headersFor(payload)), 401, "invalid_signature");
    expect(await userCount()).toBe(before);
    expect(await env.DB.prepare("select 1 from webhook_events where event_id = ?").bind(eventId).first()).toBeNull();
  });

  it("refuses a payload altered after signing (signature over the raw bytes)", async () => {
    const { workosUser } = await signedInWorkOSUser("raw@example.com");
    const event = await fake.webhookEvent("user.deleted", workosUser);
    const reformatted = JSON.stringify(JSON.parse(event.payload), null, 2); // same JSON, other bytes
    await expectError(await deliver(reformatted, event.headers), 401, "invalid_signature");
    const row = await env.DB.prepare("select deleted_at from users where workos_user_id = ?")
      .bind(workosUser.id)
      .first();
    expect(row?.deleted_at).toBeNull();
  });

  it("answers 503 when webhooks are not configured", async () => {
    const { call } = await import("../helpers/http");
    await expectError(await call("/api/webhooks/workos", { method: "POST", body: "{}" }), 503, "auth_not_configured");
  });
});
