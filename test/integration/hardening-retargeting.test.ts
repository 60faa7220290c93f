import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createFakeOAuthProvider, FAKE_OAUTH_PROVIDER_HOST, type FakeOAuthProvider } from "../fakes/oauth-provider";
import { createFakeUpstream } from "../fakes/upstream";
import { bodyFor, createConnection, type Summary, UPSTREAM, UPSTREAM_HOST } from "../helpers/connections";
import { expectData, expectError } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { signedInBrowser } from "../helpers/session";

/**
 * Regression for issue 14 finding 5 ("editing base_url moves a stored secret to a new host"): a PATCH of
 * base_url on an api_key connection sent the stored key to the new host without asking for it. Changing
 * where credentials go now needs them in the same request (400 `secrets_required`), and an OAuth
 * connection must be authorized again.
 */
const EVIL_HOST = "evil.example";
let upstream: ReturnType<typeof createFakeUpstream>;
let evil: ReturnType<typeof createFakeUpstream>;
let oauth: FakeOAuthProvider;
beforeEach(() => {
  upstream = createFakeUpstream();
  evil = createFakeUpstream();
  oauth = createFakeOAuthProvider();
  interceptOutbound({
    [UPSTREAM_HOST]: upstream.fetch,
    [EVIL_HOST]: evil.fetch,
    [FAKE_OAUTH_PROVIDER_HOST]: oauth.fetch,
  });
});

const row = (id: string) =>
  env.DB.prepare("select data_encrypted, base_url, tokens_encrypted, status, updated_at from connections where id = ?")
    .bind(id)
    .first<Record<string, unknown>>();

describe("credential re-targeting (issue 14 #5)", () => {
  it.each([
    ["base_url", { base_url: `https://${EVIL_HOST}` }, ["base_url"]],
    [
      "key_location and key_name",
      { data: { key_location: "query", key_name: "key" } },
      ["data.key_location", "data.key_name"],
    ],
    ["key_name", { data: { key_name: "X-Leak" } }, ["data.key_name"]],
  ])(
    "PATCH of %s without the key → 400 secrets_required, nothing written, nothing sent",
    async (_name, patch, changed) => {
      const browser = await signedInBrowser();
      const created = await createConnection(browser, bodyFor("api_key"));
      const before = await row(created.id);
      const body = await expectError(
        await browser.json(`/api/connections/${created.id}`, "PATCH", patch),
        400,
        "secrets_required",
      );
      expect(body.error.details).toEqual({ changed, required: ["data.api_key"] });
      expect(await row(created.id)).toEqual(before);
      expect((await browser.request(`/api/connections/${created.id}/proxy/me`)).status).toBe(200);
      expect(evil.received).toHaveLength(0);
    },
  );

  it("PATCH of base_url with the key supplied again is accepted, and only the new key goes to the new host", async () => {
    const browser = await signedInBrowser();
    const created = await createConnection(browser, bodyFor("api_key"));
    const moved = await expectData<Summary>(
      await browser.json(`/api/connections/${created.id}`, "PATCH", {
        base_url: `https://${EVIL_HOST}`,
        data: { api_key: "sk-new-key-for-new-host" },
      }),
    );
    expect(moved.base_url).toBe(`https://${EVIL_HOST}`);
    expect((await browser.request(`/api/connections/${created.id}/proxy/me`)).status).toBe(200);
    expect(evil.received).toHaveLength(1);
    expect(JSON.stringify(evil.received[0])).toContain("sk-new-key-for-new-host");
  });

  it("PATCH of things that do not move the credential needs no secret", async () => {
    const browser = await signedInBrowser();
    const created = await createConnection(browser, bodyFor("api_key"));
    await expectData(
      await browser.json(`/api/connections/${created.id}`, "PATCH", {
        name: "renamed",
        timeout_ms: 5000,
        base_url: UPSTREAM,
        data: { key_prefix: "Token " },
      }),
    );
  });

  it("a bearer connection's base_url cannot move without the token", async () => {
    const browser = await signedInBrowser();
    const created = await createConnection(browser, bodyFor("bearer"));
    await expectError(
      await browser.json(`/api/connections/${created.id}`, "PATCH", { base_url: `https://${EVIL_HOST}` }),
      400,
      "secrets_required",
    );
  });

  it("an authorized OAuth connection whose token_url moves needs its client secret and a new authorization", async () => {
    const browser = await signedInBrowser();
    const PROVIDER = `https://${FAKE_OAUTH_PROVIDER_HOST}`;
    const created = await createConnection(browser, {
      name: "oauth retarget",
      provider: "custom_oauth2",
      connection_method: "oauth2",
      base_url: `${PROVIDER}/api`,
      data: {
        client_id: "fake-client-id",
        client_secret: "fake-client-secret",
        authorization_url: `${PROVIDER}/authorize`,
        token_url: `${PROVIDER}/token`,
        scopes: ["read"],
      },
    });
    const { authUrl } = await expectData<{ authUrl: string }>(
      await browser.request(`/api/oauth/custom_oauth2/authorize?connection_id=${created.id}`),
    );
    const redirect = await oauth.authorizeRedirect(authUrl);
    await browser.request(redirect.pathname + redirect.search);
    expect((await row(created.id))?.status).toBe("active");

    await expectError(
      await browser.json(`/api/connections/${created.id}`, "PATCH", {
        data: { token_url: `https://${EVIL_HOST}/token` },
      }),
      400,
      "secrets_required",
    );
    await expectError(
      await browser.json(`/api/connections/${created.id}`, "PATCH", { base_url: `https://${EVIL_HOST}/api` }),
      400,
      "secrets_required",
    );
    const moved = await expectData<Summary>(
      await browser.json(`/api/connections/${created.id}`, "PATCH", {
        base_url: `https://${EVIL_HOST}/api`,
        data: { client_secret: "fake-client-secret" },
      }),
    );
    expect(moved.status).toBe("disconnected");
    expect((await row(created.id))?.tokens_encrypted).toBeNull();
    await expectError(
      await browser.request(`/api/connections/${created.id}/proxy/me`),
      409,
      "connection_not_authorized",
    );
    expect(evil.received).toHaveLength(0);
  });
});
