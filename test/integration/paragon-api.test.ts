import { decodeJwt, jwtVerify } from "jose";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { FAKE_PROXY_HOST, paragonConnectionEvent, signParagonWebhook } from "../fakes/paragon";
import { generateParagonKeys, type ParagonTestKeys } from "../fakes/paragon-keys";
import { createConnection, type Summary } from "../helpers/connections";
import { expectData, expectError } from "../helpers/http";
import { PARAGON_PROJECT_ID, PARAGON_WEBHOOK_SECRET, paragonWorld } from "../helpers/paragon";
import type { Browser } from "../helpers/session";

let keys: ParagonTestKeys;
beforeAll(async () => {
  keys = await generateParagonKeys();
});

let world: ReturnType<typeof paragonWorld>;
beforeEach(() => {
  world = paragonWorld({ keys });
  world.intercept();
});

async function paragonConnection(browser: Browser, userId: string, integration: string, credentialId: string) {
  return createConnection(browser, {
    name: `${integration} ${credentialId}`,
    connection_method: "paragon",
    provider: integration,
    data: { paragon_user_id: userId, integration, credential_id: credentialId },
  });
}

describe("GET /api/paragon/token", () => {
  it.each(["pkcs8", "pkcs1"] as const)("signs an RS256 user token for the session's user (%s key)", async (format) => {
    world = paragonWorld({ keys, configure: { keyFormat: format } });
    const { browser, userId, email, name } = await world.signedInUser();
    const response = await browser.request("/api/paragon/token");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const data = await expectData<{ token: string; expires_at: number; project_id: string; metadata: object }>(
      response,
    );
    const { payload } = await jwtVerify(data.token, keys.publicKey, {
      algorithms: ["RS256"],
      audience: `useparagon.com/${PARAGON_PROJECT_ID}`,
      subject: userId,
    });
    expect(payload.exp).toBe((payload.iat as number) + 3600);
    expect(data.expires_at).toBe((payload.exp as number) * 1000);
    expect(data.project_id).toBe(PARAGON_PROJECT_ID);
    expect(data.metadata).toEqual({ Name: name, Email: email });
  });

  it("requires a session", async () => {
    await expectError(await world.worker("/api/paragon/token"), 401, "unauthenticated");
  });

  it("answers 503 paragon_not_configured without project id and signing key", async () => {
    world = paragonWorld({ keys, configure: { api: false } });
    const { browser } = await world.signedInUser();
    for (const [path, init] of [
      ["/api/paragon/token", {}],
      ["/api/paragon/actions", {}],
      ["/api/paragon/proxy/slack/chat.postMessage", {}],
    ] as const) {
      await expectError(await browser.request(path, init), 503, "paragon_not_configured");
    }
    await expectError(await browser.json("/api/paragon/actions", "POST", { tool: "X" }), 503, "paragon_not_configured");
  });
});

describe("GET /api/paragon/actions", () => {
  it("lists the user's ActionKit tools as json_schema by default", async () => {
    const { browser, userId } = await world.signedInUser();
    world.fake.connect(userId, "slack");
    const data = await expectData<{ tools: Array<{ function: { name: string }; integration: string }> }>(
      await browser.request("/api/paragon/actions"),
    );
    expect(data.tools.map((tool) => [tool.integration, tool.function.name])).toEqual([
      ["slack", "SLACK_SEND_MESSAGE"],
      ["slack", "SLACK_LIST_CHANNELS"],
    ]);
    expect(world.fake.received[0]?.userId).toBe(userId);
  });

  it.each([
    { format: "anthropic", keys: ["description", "input_schema", "name"] },
    { format: "openai", keys: ["function", "type"] },
    { format: "paragon", keys: ["inputs", "integration", "name", "title"] },
  ])("converts to format=$format", async ({ format, keys: expected }) => {
    const { browser, userId } = await world.signedInUser();
    world.fake.connect(userId, "slack");
    const data = await expectData<{ tools: object[] }>(await browser.request(`/api/paragon/actions?format=${format}`));
    expect(Object.keys(data.tools[0] ?? {}).sort()).toEqual(expected);
  });

  it("passes integrations and categories filters to ActionKit", async () => {
    const { browser, userId } = await world.signedInUser();
    world.fake.connect(userId, "slack");
    world.fake.connect(userId, "salesforce");
    const data = await expectData<{ tools: Array<{ function: { name: string } }> }>(
      await browser.request("/api/paragon/actions?integrations=salesforce&categories=crm"),
    );
    expect(data.tools.map((tool) => tool.function.name)).toEqual(["SALESFORCE_CREATE_RECORD_CONTACT"]);
    expect(world.fake.received[0]?.query).toMatchObject({ integrations: "salesforce", categories: "crm" });
  });

  it.each([
    { query: "format=vercel", name: "an unknown format" },
    { query: "integrations=../x", name: "an integration with a slash" },
  ])("refuses $name with 400 invalid_request", async ({ query }) => {
    const { browser } = await world.signedInUser();
    await expectError(await browser.request(`/api/paragon/actions?${query}`), 400, "invalid_request");
  });

  it("ignores unknown query parameters (cache busters), like every query of the API", async () => {
    const { browser } = await world.signedInUser();
    await expectData(await browser.request("/api/paragon/actions?_=123"));
    expect(world.fake.received[0]?.query).toEqual({ format: "json_schema" });
  });

  it("answers 502 paragon_unavailable when ActionKit fails", async () => {
    const { browser } = await world.signedInUser();
    world.fake.reply({ status: 500 }, { status: 503 });
    await expectError(await browser.request("/api/paragon/actions"), 502, "paragon_unavailable");
  });
});

describe("POST /api/paragon/actions", () => {
  it.each([
    { field: "tool", name: "ActionKit's current {tool, parameters}" },
    { field: "action", name: "the seed's {action, parameters}" },
  ])("runs a tool given $name", async ({ field }) => {
    const { browser, userId } = await world.signedInUser();
    world.fake.connect(userId, "slack");
    const response = await browser.json("/api/paragon/actions", "POST", {
      [field]: "SLACK_SEND_MESSAGE",
      parameters: { channel: "#general", text: "Hello" },
    });
    expect(await expectData(response)).toEqual({
      ok: true,
      channel: "C1234567890",
      ts: "1234567890.123456",
      text: "Hello",
    });
    const sent = world.fake.received.at(-1);
    expect(sent?.path).toBe(`/projects/${PARAGON_PROJECT_ID}/tools`);
    expect(JSON.parse(sent?.body ?? "")).toEqual({
      tool: "SLACK_SEND_MESSAGE",
      parameters: { channel: "#general", text: "Hello" },
    });
  });

  it("answers 400 paragon_action_failed with Paragon's message", async () => {
    const { browser } = await world.signedInUser();
    const body = await expectError(
      await browser.json("/api/paragon/actions", "POST", { tool: "SLACK_LIST_CHANNELS" }),
      400,
      "paragon_action_failed",
    );
    expect(body.error.message).toBe("Integration not enabled for user.");
    expect(body.error.details).toEqual({ upstream_status: 400 });
  });

  it("uses the credential of the caller's own connection, and 404s another user's", async () => {
    const alice = await world.signedInUser();
    const bob = await world.signedInUser();
    world.fake.connect(alice.userId, "slack");
    const own = await paragonConnection(alice.browser, alice.userId, "slack", "cred-alice");
    const theirs = await paragonConnection(bob.browser, bob.userId, "slack", "cred-bob");
    await expectData(
      await alice.browser.json("/api/paragon/actions", "POST", { tool: "SLACK_LIST_CHANNELS", connection_id: own.id }),
    );
    expect(world.fake.received.at(-1)?.headers["x-paragon-credential"]).toBe("cred-alice");
    const before = world.fake.received.length;
    await expectError(
      await alice.browser.json("/api/paragon/actions", "POST", {
        tool: "SLACK_LIST_CHANNELS",
        connection_id: theirs.id,
      }),
      404,
      "not_found",
    );
    await expectError(await alice.browser.request(`/api/paragon/actions?connection_id=${theirs.id}`), 404, "not_found");
    expect(world.fake.received).toHaveLength(before);
  });

  it.each([
    { name: "neither tool nor action", body: { parameters: {} } },
    { name: "both tool and action", body: { tool: "A", action: "B" } },
    { name: "parameters that are not an object", body: { tool: "A", parameters: [1] } },
    { name: "an unknown field", body: { tool: "A", extra: true } },
  ])("refuses $name with 400 invalid_request, without calling Paragon", async ({ body }) => {
    const { browser } = await world.signedInUser();
    await expectError(await browser.json("/api/paragon/actions", "POST", body), 400, "invalid_request");
    expect(world.fake.received).toHaveLength(0);
  });

  it("refuses malformed JSON with 400 invalid_json", async () => {
    const { browser } = await world.signedInUser();
    const response = await browser.request("/api/paragon/actions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    await expectError(response, 400, "invalid_json");
  });

  it("passes Paragon's 429 on with Retry-After", async () => {
    const { browser } = await world.signedInUser();
    world.fake.reply({ status: 429, body: { message: "slow down" }, headers: { "retry-after": "3" } });
    const response = await browser.json("/api/paragon/actions", "POST", { tool: "SLACK_LIST_CHANNELS" });
    expect(response.headers.get("retry-after")).toBe("3");
    await expectError(response, 429, "rate_limited");
  });
});

describe("ALL /api/paragon/proxy/:integration/<path>", () => {
  it("forwards through Paragon's Proxy API with the user token and the connection's credential", async () => {
    const { browser, userId } = await world.signedInUser();
    world.fake.connect(userId, "slack");
    await paragonConnection(browser, userId, "slack", "cred-1");
    const response = await browser.request("/api/paragon/proxy/slack/chat.postMessage?x=1", {
      method: "POST",
      headers: { "content-type": "application/json", "x-paragon-proxy-url": "https://attacker.example" },
      body: JSON.stringify({ channel: "C1", text: "hi" }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("set-cookie")).toBeNull();
    const echo = (await response.json()) as Record<string, unknown>;
    expect(echo).toMatchObject({
      integration: "slack",
      method: "POST",
      path: "/chat.postMessage",
      query: { x: "1" },
      body: '{"channel":"C1","text":"hi"}',
    });
    const sent = world.fake.received[0];
    expect(sent?.userId).toBe(userId);
    expect(sent?.headers["x-paragon-credential"]).toBe("cred-1");
    expect(sent?.headers["x-paragon-proxy-url"]).toBeUndefined();
    expect(sent?.headers.cookie).toBeUndefined();
  });

  it("404s an integration the caller has no connection for, even when another user has one", async () => {
    const alice = await world.signedInUser();
    const bob = await world.signedInUser();
    await paragonConnection(bob.browser, bob.userId, "slack", "cred-bob");
    await expectError(await alice.browser.request("/api/paragon/proxy/slack/users.list"), 404, "not_found");
    // Naming another user's credential does not select it either.
    await paragonConnection(alice.browser, alice.userId, "slack", "cred-alice");
    await expectError(
      await alice.browser.request("/api/paragon/proxy/slack/users.list", {
        headers: { "x-paragon-credential": "cred-bob" },
      }),
      404,
      "not_found",
    );
    expect(world.fake.received).toHaveLength(0);
  });

  it("refuses a path that could step out of the integration (encoded slashes, absolute URLs)", async () => {
    const { browser, userId } = await world.signedInUser();
    await paragonConnection(browser, userId, "slack", "cred-1");
    for (const path of ["a%2F..%2F..%2Ftools", "https:%2F%2Fattacker.example"]) {
      await expectError(await browser.request(`/api/paragon/proxy/slack/${path}`), 400, "invalid_request");
    }
    expect(world.fake.received).toHaveLength(0);
  });
});

describe("paragon connections through the generic proxy (credential provider)", () => {
  it("reaches the integration through Paragon's Proxy API with the owner's token and credential", async () => {
    const { browser, userId } = await world.signedInUser();
    world.fake.connect(userId, "slack");
    const raw = JSON.stringify(
      paragonConnectionEvent({ event: "integration.installed", userId, integration: "slack", credentialId: "cred-7" }),
    );
    const delivered = await world.worker("/api/paragon/webhook", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-paragon-signature": await signParagonWebhook(PARAGON_WEBHOOK_SECRET, raw),
      },
      body: raw,
    });
    expect(delivered.status).toBe(200);
    const [connection] = await expectData<Summary[]>(
      await browser.request("/api/connections?connection_method=paragon"),
    );
    expect(connection?.base_url).toBe(`https://${FAKE_PROXY_HOST}/projects/${PARAGON_PROJECT_ID}/sdk/proxy/slack`);
    const response = await browser.request(`/api/connections/${connection?.id}/proxy/conversations.list?limit=5`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      integration: "slack",
      path: "/conversations.list",
      query: { limit: "5" },
    });
    const sent = world.fake.received.at(-1);
    expect(sent?.userId).toBe(userId);
    expect(sent?.headers["x-paragon-credential"]).toBe("cred-7");
  });

  it("never sends the user token anywhere but Paragon's proxy for the integration", async () => {
    const { browser, userId } = await world.signedInUser();
    const connection = await createConnection(browser, {
      name: "sneaky",
      connection_method: "paragon",
      provider: "slack",
      base_url: "https://api.upstream.test",
      data: { paragon_user_id: userId, integration: "slack", credential_id: "c" },
    });
    await expectError(await browser.request(`/api/connections/${connection.id}/proxy/x`), 403, "target_not_allowed");
    expect(world.fake.received).toHaveLength(0);
  });
});

describe("no secret in any Paragon response", () => {
  it("never returns the signing key or the webhook secret", async () => {
    const { browser, userId } = await world.signedInUser();
    world.fake.connect(userId, "slack");
    const bodies = await Promise.all(
      [
        browser.request("/api/paragon/token"),
        browser.request("/api/paragon/actions"),
        browser.json("/api/paragon/actions", "POST", { tool: "NOPE" }),
      ].map(async (response) => (await response).text()),
    );
    const keyBody = keys.pkcs8Pem.split("\n")[1] as string;
    for (const body of bodies) {
      expect(body).not.toContain(keyBody);
      expect(body).not.toContain("PRIVATE KEY");
      expect(body).not.toContain(PARAGON_WEBHOOK_SECRET);
    }
    // The token is the user's own credential for Paragon: it names them and nobody else.
    expect(decodeJwt(JSON.parse(bodies[0] as string).data.token).sub).toBe(userId);
  });
});

describe("no secret in any Paragon log line", () => {
  it("logs neither the signing key, the webhook secret nor a user token (debug level)", async () => {
    const lines: string[] = [];
    for (const method of ["log", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    world = paragonWorld({ keys, bindings: { LOG_LEVEL: "debug" } as Partial<Env> });
    world.intercept();
    const { browser, userId } = await world.signedInUser();
    world.fake.connect(userId, "slack");
    const raw = JSON.stringify(
      paragonConnectionEvent({ event: "integration.installed", userId, integration: "slack", credentialId: "c" }),
    );
    const webhook = (signature: string) =>
      world.worker("/api/paragon/webhook", {
        method: "POST",
        headers: { "content-type": "application/json", "x-paragon-signature": signature },
        body: raw,
      });
    await webhook(`v1=${"0".repeat(64)}`);
    await webhook(await signParagonWebhook(PARAGON_WEBHOOK_SECRET, raw));
    await browser.request("/api/paragon/token");
    await browser.request("/api/paragon/actions");
    await browser.json("/api/paragon/actions", "POST", { tool: "SLACK_SEND_MESSAGE", parameters: { channel: "c" } });
    world.fake.reply({ status: 500, body: { message: "boom" } });
    await browser.json("/api/paragon/actions", "POST", { tool: "SLACK_LIST_CHANNELS" });
    await browser.request("/api/paragon/proxy/slack/users.list");
    expect(lines.length).toBeGreaterThan(0);
    const tokens = world.fake.received.map((request) => (request.headers.authorization ?? "").replace("Bearer ", ""));
    expect(tokens.length).toBeGreaterThan(0);
    const log = lines.join("\n");
    for (const secret of [keys.pkcs8Pem.split("\n")[1] as string, PARAGON_WEBHOOK_SECRET, ...tokens]) {
      expect(log).not.toContain(secret);
    }
  });
});
