import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { tokensAssociatedData } from "../../src/connections/store";
import { decryptString, encryptString } from "../../src/crypto/aes-gcm";
import { keyringFor } from "../../src/crypto/keyring";
import { getConfig } from "../../src/platform/config";
import { createFakeOAuthProvider, FAKE_OAUTH_PROVIDER_HOST, type FakeOAuthProvider } from "../fakes/oauth-provider";
import { createConnection, type Summary } from "../helpers/connections";
import { expectData, expectError } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { type Browser, signedInBrowser } from "../helpers/session";

let fake: FakeOAuthProvider;
beforeEach(() => {
  fake = createFakeOAuthProvider();
  interceptOutbound({ [FAKE_OAUTH_PROVIDER_HOST]: fake.fetch });
});

const PROVIDER = `https://${FAKE_OAUTH_PROVIDER_HOST}`;
const customOAuth = (name = `Custom OAuth ${crypto.randomUUID().slice(0, 6)}`) => ({
  name,
  provider: "custom_oauth2",
  connection_method: "oauth2",
  base_url: `${PROVIDER}/api`,
  retries: 0,
  data: {
    client_id: "fake-client-id",
    client_secret: "fake-client-secret",
    authorization_url: `${PROVIDER}/authorize`,
    token_url: `${PROVIDER}/token`,
    scopes: ["read", "write"],
  },
});

const keyring = () => keyringFor(getConfig(env).keyring);
const row = (id: string) =>
  env.DB.prepare("select * from connections where id = ?").bind(id).first<Record<string, unknown>>();
async function storedTokens(id: string, userId: string) {
  const r = await row(id);
  return JSON.parse(await decryptString(keyring(), String(r?.tokens_encrypted), tokensAssociatedData(id, userId)));
}
async function seedTokens(id: string, userId: string, tokens: Record<string, unknown>) {
  const encrypted = await encryptString(
    keyring(),
    JSON.stringify({ token_type: "Bearer", ...tokens }),
    tokensAssociatedData(id, userId),
  );
  await env.DB.prepare(
    "update connections set tokens_encrypted = ?, token_expires_at = ?, status = 'active', status_reason = null where id = ?",
  )
    .bind(encrypted, tokens.expires_at ?? null, id)
    .run();
}
const userIdOf = async (browser: Browser) =>
  (await expectData<{ user: { id: string } }>(await browser.request("/api/auth/me"))).user.id;

/** Runs the popup flow: authorize → provider → callback; returns the callback page response. */
async function connectViaPopup(browser: Browser, connectionId?: string) {
  const query = connectionId ? `?connection_id=${connectionId}` : "";
  const { authUrl } = await expectData<{ authUrl: string }>(
    await browser.request(`/api/oauth/custom_oauth2/authorize${query}`),
  );
  const redirect = await fake.authorizeRedirect(authUrl);
  return { authUrl: new URL(authUrl), page: await browser.request(redirect.pathname + redirect.search), redirect };
}

async function connected(browser: Browser) {
  const connection = await createConnection(browser, customOAuth());
  const { page } = await connectViaPopup(browser, connection.id);
  expect(page.status).toBe(200);
  return connection;
}

describe("authorization-code flow with PKCE (popup)", () => {
  it("connects: authorize → provider → callback page that posts oauth_success to the app's origin only", async () => {
    const browser = await signedInBrowser();
    const connection = await createConnection(browser, customOAuth());
    expect(connection.status).toBe("disconnected");
    const { authUrl, page } = await connectViaPopup(browser, connection.id);
    expect(authUrl.origin + authUrl.pathname).toBe(`${PROVIDER}/authorize`);
    expect(authUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authUrl.searchParams.get("redirect_uri")).toBe("http://localhost:8787/api/oauth/custom_oauth2/callback");
    expect(authUrl.searchParams.get("scope")).toBe("read write");
    const html = await page.text();
    expect(html).toContain('"type":"oauth_success"');
    expect(html).toContain("window.opener.postMessage(m,t)");
    // Only to the app's own origins (APP_URL and CORS_ALLOWED_ORIGINS), never "*".
    expect(html).toContain('var o=["http://localhost:8787"]');
    expect(html).not.toContain('"*"');
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'nonce-[A-Za-z0-9_-]+'/);
    expect(page.headers.get("cross-origin-opener-policy")).toBe("unsafe-none"); // keeps window.opener
    const exchange = fake.tokenCalls.find((call) => call.grantType === "authorization_code");
    expect(exchange?.body.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(exchange?.authMethod).toBe("basic");
    const summary = await expectData<Summary>(await browser.request(`/api/connections/${connection.id}`));
    expect(summary.status).toBe("active");
    const tokens = await storedTokens(connection.id, await userIdOf(browser));
    expect(tokens.refresh_token).toBe(fake.currentRefreshToken());
    expect(tokens.scope).toEqual(["read", "write"]);
    expect(JSON.stringify(summary)).not.toContain(tokens.access_token);
    const proxied = await browser.request(`/api/connections/${connection.id}/proxy/me`);
    expect(await proxied.json()).toMatchObject({ email: "octo@provider.test" });
  });

  it("reports status without ever showing a token", async () => {
    const browser = await signedInBrowser();
    const connection = await connected(browser);
    const status = await expectData<{ token: { state: string; scopes: string[]; expires_at: number } }>(
      await browser.request(`/api/connections/${connection.id}/status`),
    );
    expect(status.token).toMatchObject({ state: "valid", scopes: ["read", "write"] });
    expect(JSON.stringify(status)).not.toMatch(/at_|rt_/);
  });

  it("refuses a forged state", async () => {
    const browser = await signedInBrowser();
    const page = await browser.request(`/api/oauth/custom_oauth2/callback?code=x&state=${"A".repeat(43)}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('"error":"invalid_state"');
  });

  it("refuses a replayed state", async () => {
    const browser = await signedInBrowser();
    const connection = await createConnection(browser, customOAuth());
    const { redirect } = await connectViaPopup(browser, connection.id);
    const replay = await browser.request(redirect.pathname + redirect.search);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("invalid_state");
  });

  it("refuses an expired state", async () => {
    const browser = await signedInBrowser();
    const connection = await createConnection(browser, customOAuth());
    const { authUrl } = await expectData<{ authUrl: string }>(
      await browser.request(`/api/oauth/custom_oauth2/authorize?connection_id=${connection.id}`),
    );
    const state = new URL(authUrl).searchParams.get("state") as string;
    const tx = (await env.KV.get<Record<string, unknown>>(`oauth:tx:${state}`, "json")) as Record<string, unknown>;
    await env.KV.put(`oauth:tx:${state}`, JSON.stringify({ ...tx, createdAt: Date.now() - 11 * 60 * 1000 }));
    const redirect = await fake.authorizeRedirect(authUrl);
    expect((await browser.request(redirect.pathname + redirect.search)).status).toBe(400);
    expect((await row(connection.id))?.tokens_encrypted).toBeNull();
  });

  it("refuses a state that belongs to another user", async () => {
    const alice = await signedInBrowser();
    const mallory = await signedInBrowser();
    const connection = await createConnection(alice, customOAuth());
    const { authUrl } = await expectData<{ authUrl: string }>(
      await alice.request(`/api/oauth/custom_oauth2/authorize?connection_id=${connection.id}`),
    );
    const redirect = await fake.authorizeRedirect(authUrl);
    const page = await mallory.request(redirect.pathname + redirect.search);
    expect(page.status).toBe(403);
    expect((await row(connection.id))?.tokens_encrypted).toBeNull();
  });

  it.each([
    [
      "the user declining (access_denied)",
      () => fake.failNextAuthorize("access_denied", "User said no"),
      403,
      "access_denied",
    ],
    [
      "an invalid code (invalid_grant)",
      () => fake.failNextToken({ status: 400, error: "invalid_grant", errorDescription: "bad code" }),
      400,
      "invalid_grant",
    ],
    ["a token endpoint outage (503)", () => fake.failNextToken({ status: 503 }), 502, "server_error"],
    [
      "a malformed token response",
      () => fake.failNextToken({ status: 200, body: "{not json" }),
      502,
      "malformed_response",
    ],
  ])("turns %s into oauth_error and writes nothing", async (_name, arrange, status, error) => {
    const browser = await signedInBrowser();
    const connection = await createConnection(browser, customOAuth());
    arrange();
    const { page } = await connectViaPopup(browser, connection.id);
    expect(page.status).toBe(status);
    const html = await page.text();
    expect(html).toContain('"type":"oauth_error"');
    expect(html).toContain(`"error":"${error}"`);
    const after = await row(connection.id);
    expect(after).toMatchObject({ status: "disconnected", tokens_encrypted: null });
  });

  it("requires connection_id for custom_oauth2, and provider credentials for catalog providers", async () => {
    const browser = await signedInBrowser();
    await expectError(await browser.request("/api/oauth/custom_oauth2/authorize"), 400, "invalid_request");
    await expectError(await browser.request("/api/oauth/github/authorize"), 503, "provider_not_configured");
    await expectError(await browser.request("/api/oauth/openai/authorize"), 404, "not_found");
    const other = await signedInBrowser();
    const theirs = await createConnection(other, customOAuth());
    await expectError(
      await browser.request(`/api/oauth/custom_oauth2/authorize?connection_id=${theirs.id}`),
      404,
      "not_found",
    );
  });

  it("reconnects an expired connection in place (same id)", async () => {
    const browser = await signedInBrowser();
    const connection = await connected(browser);
    await env.DB.prepare("update connections set status = 'expired', refresh_exhausted = 1 where id = ?")
      .bind(connection.id)
      .run();
    await expectError(
      await browser.request(`/api/connections/${connection.id}/proxy/me`),
      409,
      "connection_not_authorized",
    );
    const { page } = await connectViaPopup(browser, connection.id);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(connection.id);
    const list = await expectData<Summary[]>(await browser.request("/api/connections"));
    expect(list.map((s) => s.id)).toEqual([connection.id]);
    expect(list[0]?.status).toBe("active");
    expect((await browser.request(`/api/connections/${connection.id}/proxy/me`)).status).toBe(200);
  });
});

describe("token lifecycle (single-flight refresh in a Durable Object)", () => {
  it("refreshes a token that expires within the margin before using it", async () => {
    const browser = await signedInBrowser();
    const connection = await connected(browser);
    const userId = await userIdOf(browser);
    const issued = fake.issueTokensDirectly({ expiresInSeconds: 120 });
    await seedTokens(connection.id, userId, {
      access_token: issued.access_token,
      refresh_token: issued.refresh_token,
      expires_at: Date.now() + 120_000,
    });
    const before = fake.tokenCallCount("refresh_token");
    const response = await browser.request(`/api/connections/${connection.id}/proxy/me`);
    expect(response.status).toBe(200);
    expect(fake.tokenCallCount("refresh_token")).toBe(before + 1);
    const tokens = await storedTokens(connection.id, userId);
    expect(tokens.access_token).not.toBe(issued.access_token);
    expect(tokens.refresh_token).toBe(fake.currentRefreshToken());
    expect(fake.isRefreshTokenValid(issued.refresh_token)).toBe(false);
  });

  it("100 concurrent calls on an expired token: exactly one token-endpoint call, 100 successes, rotated token stored", async () => {
    const browser = await signedInBrowser();
    const connection = await connected(browser);
    const userId = await userIdOf(browser);
    const issued = fake.issueTokensDirectly({ expiresInSeconds: -60 });
    await seedTokens(connection.id, userId, {
      access_token: issued.access_token,
      refresh_token: issued.refresh_token,
      expires_at: Date.now() - 60_000,
    });
    fake.latencyMs = 50; // widen the race window
    const before = fake.tokenCallCount("refresh_token");
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => browser.request(`/api/connections/${connection.id}/proxy/me`)),
    );
    fake.latencyMs = 0;
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(fake.tokenCallCount("refresh_token") - before).toBe(1);
    const tokens = await storedTokens(connection.id, userId);
    expect(tokens.refresh_token).toBe(fake.currentRefreshToken());
    expect(fake.isRefreshTokenValid(tokens.refresh_token)).toBe(true);
  });

  it("keeps the old refresh token when the refresh response has none", async () => {
    const browser = await signedInBrowser();
    const connection = await connected(browser);
    const userId = await userIdOf(browser);
    const before = await storedTokens(connection.id, userId);
    await seedTokens(connection.id, userId, {
      ...before,
      obtained_at: Date.now() - 3_601_000,
      expires_at: Date.now() - 1000,
    });
    fake.omitRefreshTokenOnRefresh = true;
    expect((await browser.request(`/api/connections/${connection.id}/proxy/me`)).status).toBe(200);
    const after = await storedTokens(connection.id, userId);
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.refresh_token).toBe(before.refresh_token);
  });

  it("marks the connection expired on invalid_grant and answers 409 with a reconnect hint", async () => {
    const browser = await signedInBrowser();
    const connection = await connected(browser);
    const userId = await userIdOf(browser);
    await seedTokens(connection.id, userId, {
      ...(await storedTokens(connection.id, userId)),
      obtained_at: Date.now() - 3_601_000,
      expires_at: Date.now() - 1000,
    });
    fake.invalidateRefreshTokens();
    const body = await expectError(
      await browser.request(`/api/connections/${connection.id}/proxy/me`),
      409,
      "connection_expired",
    );
    expect(body.error.details).toEqual({
      reconnect: `/api/oauth/custom_oauth2/authorize?connection_id=${connection.id}`,
    });
    const status = await expectData<{ status: string; token: { state: string; last_refresh_error: string } }>(
      await browser.request(`/api/connections/${connection.id}/status`),
    );
    expect(status.status).toBe("expired");
    expect(status.token.state).toBe("expired");
    expect(status.token.last_refresh_error).toContain("invalid_grant");
    const calls = fake.tokenCallCount("refresh_token");
    await expectError(
      await browser.request(`/api/connections/${connection.id}/proxy/me`),
      409,
      "connection_not_authorized",
    );
    expect(fake.tokenCallCount("refresh_token")).toBe(calls);
  });

  it("cools down after a transient failure instead of hammering the provider", async () => {
    const browser = await signedInBrowser();
    const connection = await connected(browser);
    const userId = await userIdOf(browser);
    await seedTokens(connection.id, userId, {
      ...(await storedTokens(connection.id, userId)),
      obtained_at: Date.now() - 3_601_000,
      expires_at: Date.now() - 1000,
    });
    fake.failNextToken({ status: 503 });
    const first = await browser.request(`/api/connections/${connection.id}/proxy/me`);
    await expectError(first, 503, "connection_refresh_backoff");
    expect(Number(first.headers.get("retry-after"))).toBeGreaterThan(0);
    const calls = fake.tokenCallCount("refresh_token");
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => browser.request(`/api/connections/${connection.id}/proxy/me`)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(503));
    expect(fake.tokenCallCount("refresh_token")).toBe(calls);
    const status = await expectData<{ status: string; token: { refresh_attempts: number } }>(
      await browser.request(`/api/connections/${connection.id}/status`),
    );
    expect(status.status).toBe("active");
    expect(status.token.refresh_attempts).toBe(1);
  });

  it("exhausts the connection when refreshing fails on consecutive days", async () => {
    const browser = await signedInBrowser();
    const connection = await connected(browser);
    const userId = await userIdOf(browser);
    const yesterday = Date.now() - 86_400_000;
    await seedTokens(connection.id, userId, {
      ...(await storedTokens(connection.id, userId)),
      obtained_at: yesterday - 3_601_000,
      expires_at: yesterday - 1000,
    });
    // Yesterday, by the refresher's clock: a transient failure, which only cools down.
    const stub = env.CONNECTION_REFRESHER.get(env.CONNECTION_REFRESHER.idFromName(connection.id));
    await runInDurableObject(stub, (instance) => {
      instance.now = () => yesterday;
    });
    fake.failNextToken({ status: 503 });
    await expectError(
      await browser.request(`/api/connections/${connection.id}/proxy/me`),
      503,
      "connection_refresh_backoff",
    );
    // Today: yesterday's cooldown is over, and the next transient failure exhausts the connection.
    await runInDurableObject(stub, (instance) => {
      instance.now = Date.now;
    });
    fake.failNextToken({ status: 503 });
    await expectError(await browser.request(`/api/connections/${connection.id}/proxy/me`), 409, "connection_expired");
    const status = await expectData<{ status: string; token: { refresh_exhausted: boolean } }>(
      await browser.request(`/api/connections/${connection.id}/status`),
    );
    expect(status).toMatchObject({ status: "expired", token: { refresh_exhausted: true } });
  });

  it("on a 401 for a token believed valid: one forced refresh, one retry", async () => {
    const browser = await signedInBrowser();
    const connection = await connected(browser);
    fake.expireAccessTokens(); // the provider considers it dead; our clock says it is valid
    const calls = fake.tokenCallCount("refresh_token");
    const response = await browser.request(`/api/connections/${connection.id}/proxy/me`);
    expect(response.status).toBe(200);
    expect(fake.tokenCallCount("refresh_token")).toBe(calls + 1);
    const unauthorized = fake.apiRequests.filter((r) => r.status === 401);
    expect(unauthorized).toHaveLength(1);
  });
});

describe("deleting an OAuth connection", () => {
  it("still deletes when the provider has no revocation endpoint, and never blocks on it", async () => {
    const browser = await signedInBrowser();
    const connection = await connected(browser);
    expect(await expectData(await browser.request(`/api/connections/${connection.id}`, { method: "DELETE" }))).toEqual({
      id: connection.id,
      deleted: true,
    });
    await expectError(await browser.request(`/api/connections/${connection.id}`), 404, "not_found");
  });
});
