import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { tokensAssociatedData } from "../../src/connections/store";
import { decryptString, encryptString } from "../../src/crypto/aes-gcm";
import { keyringFor } from "../../src/crypto/keyring";
import { getConfig } from "../../src/platform/config";
import type { Summary } from "../helpers/connections";
import { APP_ORIGIN, expectData } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { Browser, signInWithDevProvider } from "../helpers/session";

/** The real Worker with OAuth app credentials for the catalog's GitHub and Google entries. */
function deployment() {
  const configured = {
    ...env,
    GITHUB_CLIENT_ID: "gh-client",
    GITHUB_CLIENT_SECRET: "gh-secret",
    GOOGLE_CLIENT_ID: "google-client",
    GOOGLE_CLIENT_SECRET: "google-secret",
  };
  const app = createApp();
  return async (path: string, init: RequestInit = {}) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(new URL(path, APP_ORIGIN), init), configured, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
}

const keyring = () => keyringFor(getConfig(env).keyring);

describe("catalog OAuth providers", () => {
  it("connects GitHub: catalog endpoints, app credentials from the environment, a form-encoded token answer, a new connection", async () => {
    const tokenRequests: URLSearchParams[] = [];
    interceptOutbound({
      "github.com": async (request) => {
        tokenRequests.push(new URLSearchParams(await request.text()));
        // GitHub answers form-encoded unless asked for JSON; both must work.
        return new Response("access_token=gho_abc&scope=repo%2Cread%3Auser&token_type=bearer", {
          headers: { "content-type": "application/x-www-form-urlencoded" },
        });
      },
    });
    const browser = new Browser(deployment());
    await signInWithDevProvider(browser, { email: "gh@example.com" });
    const { authUrl } = await expectData<{ authUrl: string }>(
      await browser.request("/api/oauth/github/authorize?name=My%20GitHub"),
    );
    const url = new URL(authUrl);
    expect(url.origin + url.pathname).toBe("https://github.com/login/oauth/authorize");
    expect(url.searchParams.get("client_id")).toBe("gh-client");
    expect(url.searchParams.get("scope")).toBe("repo read:user");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    // The provider sends the popup back with a code.
    const page = await browser.request(
      `/api/oauth/github/callback?code=gh-code&state=${url.searchParams.get("state")}`,
    );
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('"type":"oauth_success"');
    expect(tokenRequests[0]?.get("client_secret")).toBe("gh-secret"); // client_secret_post, per the catalog
    expect(tokenRequests[0]?.get("code_verifier")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [connection] = await expectData<Summary[]>(await browser.request("/api/connections"));
    expect(connection).toMatchObject({
      name: "My GitHub",
      provider: "github",
      connection_method: "oauth2",
      status: "active",
      base_url: "https://api.github.com",
    });
    const me = await expectData<{ user: { id: string } }>(await browser.request("/api/auth/me"));
    const row = await env.DB.prepare("select tokens_encrypted from connections where id = ?")
      .bind(connection?.id)
      .first<{ tokens_encrypted: string }>();
    const tokens = JSON.parse(
      await decryptString(
        keyring(),
        row?.tokens_encrypted as string,
        tokensAssociatedData(connection?.id as string, me.user.id),
      ),
    );
    expect(tokens).toMatchObject({ access_token: "gho_abc", scope: ["repo", "read:user"] });
  });

  it("revokes the grant at the provider when a connection is deleted, without blocking the delete", async () => {
    const revocations: URLSearchParams[] = [];
    interceptOutbound({
      "oauth2.googleapis.com": async (request) => {
        revocations.push(new URLSearchParams(await request.text()));
        return new Response(null, { status: 200 });
      },
    });
    const browser = new Browser(deployment());
    await signInWithDevProvider(browser, { email: "google@example.com" });
    const me = await expectData<{ user: { id: string } }>(await browser.request("/api/auth/me"));
    const created = await expectData<Summary>(
      await browser.json("/api/connections", "POST", {
        name: "Gmail",
        provider: "google_gmail",
        connection_method: "oauth2",
        data: {},
      }),
      201,
    );
    const tokens = await encryptString(
      keyring(),
      JSON.stringify({
        access_token: "ya29.x",
        refresh_token: "1//refresh",
        token_type: "Bearer",
        expires_at: Date.now() + 3_600_000,
      }),
      tokensAssociatedData(created.id, me.user.id),
    );
    await env.DB.prepare("update connections set tokens_encrypted = ?, status = 'active' where id = ?")
      .bind(tokens, created.id)
      .run();
    expect((await browser.request(`/api/connections/${created.id}`, { method: "DELETE" })).status).toBe(200);
    await vi.waitFor(() => expect(revocations).toHaveLength(1));
    expect(revocations[0]?.get("token")).toBe("1//refresh");
    expect(revocations[0]?.get("token_type_hint")).toBe("refresh_token");
  });
});
