import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tokensAssociatedData } from "../../src/connections/store";
import { decryptString } from "../../src/crypto/aes-gcm";
import { keyringFor } from "../../src/crypto/keyring";
import { getConfig } from "../../src/platform/config";
import { createFakeOAuthProvider, FAKE_OAUTH_PROVIDER_HOST, type FakeOAuthProvider } from "../fakes/oauth-provider";
import { createConnection } from "../helpers/connections";
import { expectData } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { type Browser, signedInBrowser } from "../helpers/session";

/**
 * Regression for issue 14 finding 2 ("a refresh on every call when a token lives under the margin") on the
 * real proxy path: Worker → lifecycle → ConnectionRefresher DO → token endpoint. The clock is injected by
 * faking `Date` only (the Worker, the Durable Object and the fake provider share the isolate's `Date.now`);
 * timers stay real, nothing sleeps. Expected counts follow refresh-policy.ts: margin = min(5 min, 25 % of
 * the lifetime), never before the token is 2 s old.
 */
let fake: FakeOAuthProvider;
let clock = 0;
beforeEach(() => {
  fake = createFakeOAuthProvider();
  interceptOutbound({ [FAKE_OAUTH_PROVIDER_HOST]: fake.fetch });
  clock = Date.now();
  vi.useFakeTimers({ toFake: ["Date"], now: clock });
});
afterEach(() => {
  vi.useRealTimers();
});
const at = (secondsAfterStart: number, start: number) => vi.setSystemTime(start + secondsAfterStart * 1000);

const PROVIDER = `https://${FAKE_OAUTH_PROVIDER_HOST}`;
const customOAuth = () => ({
  name: `Short-lived ${crypto.randomUUID().slice(0, 6)}`,
  provider: "custom_oauth2",
  connection_method: "oauth2",
  base_url: `${PROVIDER}/api`,
  retries: 0,
  data: {
    client_id: "fake-client-id",
    client_secret: "fake-client-secret",
    authorization_url: `${PROVIDER}/authorize`,
    token_url: `${PROVIDER}/token`,
    scopes: ["read"],
  },
});

/** A connection authorized through the popup flow, whose provider issues `ttlSeconds` access tokens. */
async function connectedWithLifetime(browser: Browser, ttlSeconds: number) {
  fake.accessTokenTtlSeconds = ttlSeconds;
  const connection = await createConnection(browser, customOAuth());
  const { authUrl } = await expectData<{ authUrl: string }>(
    await browser.request(`/api/oauth/custom_oauth2/authorize?connection_id=${connection.id}`),
  );
  const redirect = await fake.authorizeRedirect(authUrl);
  expect((await browser.request(redirect.pathname + redirect.search)).status).toBe(200);
  return connection;
}

async function storedTokens(id: string, userId: string) {
  const row = await env.DB.prepare("select tokens_encrypted from connections where id = ?")
    .bind(id)
    .first<{ tokens_encrypted: string }>();
  const keyring = keyringFor(getConfig(env).keyring);
  return JSON.parse(await decryptString(keyring, String(row?.tokens_encrypted), tokensAssociatedData(id, userId)));
}

describe("refresh storms with short-lived tokens (issue 14 #2, RFC 6749 §6)", () => {
  it("records when each token was obtained, so its lifetime is known", async () => {
    const browser = await signedInBrowser();
    const connection = await connectedWithLifetime(browser, 120);
    const me = await expectData<{ user: { id: string } }>(await browser.request("/api/auth/me"));
    const tokens = await storedTokens(connection.id, me.user.id);
    expect(tokens.obtained_at).toBe(Date.now());
    expect(tokens.expires_at - tokens.obtained_at).toBe(120_000);
  });

  it("120 s token: 30 calls 1 s apart across its refresh point cost exactly one refresh", async () => {
    const browser = await signedInBrowser();
    const start = Date.now();
    const connection = await connectedWithLifetime(browser, 120);
    const before = fake.tokenCallCount("refresh_token");
    // Calls at 75 s … 104 s after issue: the token becomes due at 90 s (120 s − 30 s margin).
    for (let second = 75; second < 105; second++) {
      at(second, start);
      expect((await browser.request(`/api/connections/${connection.id}/proxy/me`)).status).toBe(200);
    }
    expect(fake.tokenCallCount("refresh_token") - before).toBe(1);
  });

  it("120 s token: 30 calls 1 s apart right after issue cost no refresh at all", async () => {
    const browser = await signedInBrowser();
    const start = Date.now();
    const connection = await connectedWithLifetime(browser, 120);
    const before = fake.tokenCallCount("refresh_token");
    for (let second = 0; second < 30; second++) {
      at(second, start);
      expect((await browser.request(`/api/connections/${connection.id}/proxy/me`)).status).toBe(200);
    }
    expect(fake.tokenCallCount("refresh_token") - before).toBe(0);
  });

  it("3 s token: waves of 100 concurrent callers each second cost one refresh per expiry, not one per wave", async () => {
    const browser = await signedInBrowser();
    const start = Date.now();
    const connection = await connectedWithLifetime(browser, 3);
    const before = fake.tokenCallCount("refresh_token");
    const waves = 7; // at 0 … 6 s: due at 3 s (age ≥ 2.25 s) and 6 s → 2 refreshes
    for (let wave = 0; wave < waves; wave++) {
      at(wave, start);
      const statuses = await Promise.all(
        Array.from(
          { length: 100 },
          async () => (await browser.request(`/api/connections/${connection.id}/proxy/me`)).status,
        ),
      );
      expect(statuses).toEqual(Array(100).fill(200));
    }
    expect(fake.tokenCallCount("refresh_token") - before).toBe(2);
  }, 60_000);
});

describe("client-credentials tokens follow the same margin (issue 14 #9, RFC 6749 §4.4)", () => {
  it("a 30 s client-credentials token is fetched once for 20 calls 1 s apart, again once it is due", async () => {
    fake.accessTokenTtlSeconds = 30;
    const browser = await signedInBrowser();
    const start = Date.now();
    const connection = await createConnection(browser, {
      name: `cc ${crypto.randomUUID().slice(0, 6)}`,
      provider: "custom_oauth2",
      connection_method: "oauth2_client_credentials",
      base_url: `${PROVIDER}/api`,
      retries: 0,
      data: { client_id: "fake-client-id", client_secret: "fake-client-secret", token_url: `${PROVIDER}/token` },
    });
    const before = fake.tokenCallCount("client_credentials");
    for (let second = 0; second < 20; second++) {
      at(second, start);
      expect((await browser.request(`/api/connections/${connection.id}/proxy/me`)).status).toBe(200);
    }
    expect(fake.tokenCallCount("client_credentials") - before).toBe(1);
    at(23, start); // due at 22.5 s (30 s − 7.5 s margin)
    expect((await browser.request(`/api/connections/${connection.id}/proxy/me`)).status).toBe(200);
    expect(fake.tokenCallCount("client_credentials") - before).toBe(2);
  });
});
