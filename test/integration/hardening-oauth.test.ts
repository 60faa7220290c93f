import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createFakeOAuthProvider, FAKE_OAUTH_PROVIDER_HOST, type FakeOAuthProvider } from "../fakes/oauth-provider";
import { createConnection } from "../helpers/connections";
import { expectData } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { Browser, signedInBrowser } from "../helpers/session";

let fake: FakeOAuthProvider;
beforeEach(() => {
  fake = createFakeOAuthProvider();
  interceptOutbound({ [FAKE_OAUTH_PROVIDER_HOST]: fake.fetch });
});
const PROVIDER = `https://${FAKE_OAUTH_PROVIDER_HOST}`;
const customOAuth = () => ({
  name: `OAuth ${crypto.randomUUID().slice(0, 6)}`,
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
const tokensOf = async (id: string) =>
  (
    await env.DB.prepare("select tokens_encrypted from connections where id = ?")
      .bind(id)
      .first<{ tokens_encrypted: string | null }>()
  )?.tokens_encrypted;

// Regression for issue 14 finding 9: another user presenting someone's OAuth `state` burnt it, a denial of
// service for whoever holds it (RFC 6749 §10.12: the state binds the callback to the user agent that started it).
describe("someone else's OAuth state is refused without burning it (issue 14 #9)", () => {
  it.each([
    ["another signed-in user", () => signedInBrowser()],
    ["a visitor without a session", async () => new Browser()],
  ])("%s gets 403; the owner then completes the same authorization", async (_name, attacker) => {
    const alice = await signedInBrowser();
    const connection = await createConnection(alice, customOAuth());
    const { authUrl } = await expectData<{ authUrl: string }>(
      await alice.request(`/api/oauth/custom_oauth2/authorize?connection_id=${connection.id}`),
    );
    const redirect = await fake.authorizeRedirect(authUrl);
    const callback = redirect.pathname + redirect.search;
    expect((await (await attacker()).request(callback)).status).toBe(403);
    expect(await tokensOf(connection.id)).toBeNull();

    const page = await alice.request(callback);
    expect(page.status).toBe(200);
    expect(await tokensOf(connection.id)).not.toBeNull();
    // Single use still holds for the owner.
    expect((await alice.request(callback)).status).toBe(400);
  });
});
