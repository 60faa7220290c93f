import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  createFakeOAuthProvider,
  FAKE_OAUTH_DEFAULT_REDIRECT_PREFIX,
  FAKE_OAUTH_DEFAULT_REDIRECT_URI,
  FAKE_OAUTH_PROVIDER_HOST,
  type FakeOAuthProvider,
} from "../fakes/oauth-provider";
import { createConnection } from "../helpers/connections";
import { expectData } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { type Browser, signedInBrowser } from "../helpers/session";

/**
 * Regression for issue 14 finding 10 ("custom OAuth apps are never revoked on delete"): `data` refused a
 * `revocation_url`, the issuer's RFC 8414 metadata was never consulted, and revoke.ts only knew catalog
 * entries. Deleting a `custom_oauth2` connection now revokes its refresh token (RFC 7009 §2.1) with the
 * token endpoint's client authentication.
 */
let fake: FakeOAuthProvider;
let seen: Request[];
beforeEach(() => {
  fake = createFakeOAuthProvider();
  seen = interceptOutbound({ [FAKE_OAUTH_PROVIDER_HOST]: fake.fetch });
});
const PROVIDER = `https://${FAKE_OAUTH_PROVIDER_HOST}`;
const customOAuth = (data: Record<string, unknown> = {}) => ({
  name: `Custom ${crypto.randomUUID().slice(0, 6)}`,
  provider: "custom_oauth2",
  connection_method: "oauth2",
  base_url: `${PROVIDER}/api`,
  data: {
    client_id: "fake-client-id",
    client_secret: "fake-client-secret",
    authorization_url: `${PROVIDER}/authorize`,
    token_url: `${PROVIDER}/token`,
    scopes: ["read"],
    ...data,
  },
});

async function authorized(browser: Browser, data: Record<string, unknown> = {}) {
  const connection = await createConnection(browser, customOAuth(data));
  const { authUrl } = await expectData<{ authUrl: string }>(
    await browser.request(`/api/oauth/custom_oauth2/authorize?connection_id=${connection.id}`),
  );
  const redirect = await fake.authorizeRedirect(authUrl);
  expect((await browser.request(redirect.pathname + redirect.search)).status).toBe(200);
  return connection;
}

describe("custom OAuth apps are revoked on delete (issue 14 #10, RFC 7009)", () => {
  it("accepts revocation_url in the app settings and revokes the refresh token there", async () => {
    const browser = await signedInBrowser();
    const connection = await authorized(browser, { revocation_url: `${PROVIDER}/revoke` });
    expect(connection).toMatchObject({ settings: expect.objectContaining({ revocation_url: `${PROVIDER}/revoke` }) });
    const refreshToken = fake.currentRefreshToken();
    expect((await browser.request(`/api/connections/${connection.id}`, { method: "DELETE" })).status).toBe(200);
    await vi.waitFor(() => expect(fake.revocations).toHaveLength(1));
    expect(fake.revocations[0]).toMatchObject({
      token: refreshToken,
      tokenTypeHint: "refresh_token",
      kind: "refresh_token",
    });
    expect(fake.isRefreshTokenValid(refreshToken as string)).toBe(false);
    expect(seen.some((r) => r.url.includes("/.well-known/"))).toBe(false);
  });

  it("without revocation_url, finds the revocation endpoint in the issuer's RFC 8414 metadata", async () => {
    const browser = await signedInBrowser();
    const connection = await authorized(browser);
    const refreshToken = fake.currentRefreshToken();
    expect((await browser.request(`/api/connections/${connection.id}`, { method: "DELETE" })).status).toBe(200);
    await vi.waitFor(() => expect(fake.revocations).toHaveLength(1));
    expect(fake.revocations[0]).toMatchObject({ token: refreshToken, kind: "refresh_token" });
    expect(seen.some((r) => r.url === `${PROVIDER}/.well-known/oauth-authorization-server`)).toBe(true);
  });

  it.each(["client_secret_basic", "client_secret_post"] as const)(
    "authenticates at the revocation endpoint as at the token endpoint (%s, RFC 7009 §2.1)",
    async (method) => {
      fake.registerClient({
        clientId: "fake-client-id",
        clientSecret: "fake-client-secret",
        redirectUris: [FAKE_OAUTH_DEFAULT_REDIRECT_URI],
        redirectUriPrefixes: [FAKE_OAUTH_DEFAULT_REDIRECT_PREFIX],
        tokenAuthMethod: method,
      });
      const browser = await signedInBrowser();
      const connection = await authorized(browser, { token_auth_method: method });
      expect((await browser.request(`/api/connections/${connection.id}`, { method: "DELETE" })).status).toBe(200);
      await vi.waitFor(() => expect(fake.revocations).toHaveLength(1));
      const revoke = seen.find((r) => r.url === `${PROVIDER}/revoke`) as Request;
      expect(revoke.headers.has("authorization")).toBe(method === "client_secret_basic");
    },
  );

  it("does not revoke at a metadata document whose issuer is not the authorization server's", async () => {
    const browser = await signedInBrowser();
    const connection = await authorized(browser);
    const fetchThrough = fake.fetch;
    interceptOutbound({
      [FAKE_OAUTH_PROVIDER_HOST]: async (request) =>
        new URL(request.url).pathname.startsWith("/.well-known/")
          ? Response.json({
              issuer: "https://evil.example",
              authorization_endpoint: `${PROVIDER}/authorize`,
              revocation_endpoint: `${PROVIDER}/revoke`,
            })
          : fetchThrough(request),
    });
    expect((await browser.request(`/api/connections/${connection.id}`, { method: "DELETE" })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.revocations).toHaveLength(0);
  });
});
