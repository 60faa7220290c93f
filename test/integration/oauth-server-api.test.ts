import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { basicAuth, form, mcpModern, obtainTokens, signedIn, wire } from "../conformance/oauth-flow";
import { APP_ORIGIN, expectData, expectError } from "../helpers/http";
import { inFreshRateWindow, RATE_WINDOW_TEST_TIMEOUT_MS } from "../helpers/rate-limit";
import { Browser, signInWithDevProvider } from "../helpers/session";

interface Grant {
  id: string;
  client_id: string;
  client_name: string;
  scopes: string[];
}

describe("GET/DELETE /api/oauth/grants (SPEC §8: users see and revoke authorized apps)", () => {
  it("lists the apps a user authorized, with their scopes and without any token", async () => {
    const { browser, client, tokens } = await obtainTokens({ scope: "workflows:read" });
    const response = await browser.request("/api/oauth/grants");
    const text = await response.clone().text();
    const grants = await expectData<Grant[]>(response);
    expect(grants).toEqual([
      expect.objectContaining({
        client_id: client.client_id,
        client_name: "Conformance client",
        scopes: ["workflows:read", "offline_access"],
      }),
    ]);
    expect(text).not.toContain(tokens.access_token);
    expect(text).not.toContain(tokens.refresh_token);
  });

  it("revokes a grant: refresh fails at once, /mcp refuses its access token", async () => {
    const { browser, client, tokens } = await obtainTokens();
    const [grant] = await expectData<Grant[]>(await browser.request("/api/oauth/grants"));
    await expectData(await browser.request(`/api/oauth/grants/${grant?.id}`, { method: "DELETE" }));
    expect(await expectData<Grant[]>(await browser.request("/api/oauth/grants"))).toEqual([]);
    const refresh = await wire(
      "/oauth/token",
      form({ grant_type: "refresh_token", refresh_token: tokens.refresh_token as string, client_id: client.client_id }),
    );
    expect(await refresh.json()).toMatchObject({ error: "invalid_grant" });
    expect((await mcpModern(tokens.access_token, "tools/list")).status).toBe(401);
  });

  it("answers 404 for another user's grant and leaves it working", async () => {
    const owner = await obtainTokens();
    const [grant] = await expectData<Grant[]>(await owner.browser.request("/api/oauth/grants"));
    const stranger = await signedIn();
    await expectError(await stranger.request(`/api/oauth/grants/${grant?.id}`, { method: "DELETE" }), 404, "not_found");
    expect((await mcpModern(owner.tokens.access_token, "tools/list")).status).toBe(200);
  });

  it("requires a session", async () => {
    await expectError(await wire("/api/oauth/grants"), 401, "unauthenticated");
  });

  it("wins routing over the OAuth-connection routes at /api/oauth/:provider", async () => {
    const browser = await signedIn();
    expect(await expectData<Grant[]>(await browser.request("/api/oauth/grants"))).toEqual([]);
  });
});

const ADMIN = "oauth-admin@example.com";

/** The real Worker with a platform administrator configured. */
function adminDeployment() {
  const configured = { ...env, PLATFORM_ADMIN_EMAILS: ADMIN };
  const app = createApp();
  return async (path: string, init: RequestInit = {}) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(new URL(path, APP_ORIGIN), init), configured, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
}

describe("/api/admin/oauth/clients (admin-managed confidential clients)", () => {
  const json = (method: string, body: unknown): RequestInit => ({
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

  it("creates a confidential client whose secret is shown once and works at the token endpoint (introspection too)", async () => {
    const fetcher = adminDeployment();
    const admin = new Browser(fetcher);
    await signInWithDevProvider(admin, { email: ADMIN, name: "Admin" });
    const created = await expectData<{ id: string; client_secret: string; name: string }>(
      await admin.request(
        "/api/admin/oauth/clients",
        json("POST", { name: "Internal tool", redirect_uris: ["https://tool.example.com/cb"] }),
      ),
      201,
    );
    expect(created.client_secret).toMatch(/^.{40,}$/);
    const listed = await admin.request("/api/admin/oauth/clients");
    const listText = await listed.clone().text();
    expect(listText).not.toContain(created.client_secret);
    expect(await expectData<Array<{ id: string }>>(listed)).toEqual([
      expect.objectContaining({ id: created.id, name: "Internal tool" }),
    ]);

    // RFC 7662: a confidential client may introspect; an unknown token is inactive.
    const introspect = await fetcher(
      "/oauth/introspect",
      form({ token: "nope" }, { authorization: basicAuth(created.id, created.client_secret) }),
    );
    expect(await introspect.json()).toEqual({ active: false });
    const wrongSecret = await fetcher(
      "/oauth/introspect",
      form({ token: "nope" }, { authorization: basicAuth(created.id, "wrong") }),
    );
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.headers.get("www-authenticate")).toContain("Basic");

    await expectData(await admin.request(`/api/admin/oauth/clients/${created.id}`, { method: "DELETE" }));
    expect(await expectData(await admin.request("/api/admin/oauth/clients"))).toEqual([]);
    const afterDelete = await fetcher(
      "/oauth/introspect",
      form({ token: "nope" }, { authorization: basicAuth(created.id, created.client_secret) }),
    );
    expect(afterDelete.status).toBe(401);
  });

  it("refuses non-administrators (403) and invalid redirect URIs (400)", async () => {
    const fetcher = adminDeployment();
    const someone = new Browser(fetcher);
    await signInWithDevProvider(someone, { email: "someone@example.com" });
    await expectError(await someone.request("/api/admin/oauth/clients"), 403, "forbidden");
    const admin = new Browser(fetcher);
    await signInWithDevProvider(admin, { email: ADMIN });
    await expectError(
      await admin.request(
        "/api/admin/oauth/clients",
        json("POST", { name: "x", redirect_uris: ["http://tool.example.com/cb"] }),
      ),
      400,
      "invalid_request",
    );
  });

  it("answers 404 for an unknown client", async () => {
    const fetcher = adminDeployment();
    const admin = new Browser(fetcher);
    await signInWithDevProvider(admin, { email: ADMIN });
    await expectError(await admin.request("/api/admin/oauth/clients/nope", { method: "DELETE" }), 404, "not_found");
  });
});

describe("introspection of our own tokens (RFC 7662 §2.2)", () => {
  it("is refused to public clients", async () => {
    const { client, tokens } = await obtainTokens();
    const response = await wire("/oauth/introspect", form({ token: tokens.access_token, client_id: client.client_id }));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "invalid_client" });
  });
});

describe("remembered consent (SPEC §8)", () => {
  it("skips the consent page for the same user, client and scopes", async () => {
    const { browser, client } = await obtainTokens({ scope: "workflows:read" });
    const { computeCodeChallenge, createCodeVerifier } = await import("../../src/crypto/pkce");
    const challenge = await computeCodeChallenge(createCodeVerifier());
    const again = await browser.request(
      `/oauth/authorize?${new URLSearchParams({
        response_type: "code",
        client_id: client.client_id,
        redirect_uri: "http://127.0.0.1:33418/callback",
        code_challenge: challenge,
        code_challenge_method: "S256",
        scope: "workflows:read",
      })}`,
    );
    expect(again.status).toBe(302);
    expect(new URL(again.headers.get("location") as string).searchParams.get("code")).toBeTruthy();
  });
});

describe("rate limits (SPEC §11: client registration and the token endpoint)", () => {
  it(
    "answers 429 with Retry-After once an IP exceeds the registration limit (RATE_LIMIT_CLIENT_REGISTRATION)",
    async () => {
      await inFreshRateWindow();
      const register = () =>
        wire("/oauth/register", {
          method: "POST",
          headers: { "content-type": "application/json", "cf-connecting-ip": "198.18.0.77" },
          body: JSON.stringify({
            client_name: "x",
            redirect_uris: ["https://app.example.com/cb"],
            token_endpoint_auth_method: "none",
          }),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await register()).status);
      expect(statuses).toEqual(Array(10).fill(201));
      const limited = await register();
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("60");
      expect(await limited.json()).toMatchObject({ error: "invalid_request" });
    },
    RATE_WINDOW_TEST_TIMEOUT_MS,
  );
});

describe("sign-in inside the authorization flow (SPEC §8: through sign-in and back)", () => {
  it("a signed-out user signs in with the dev identity provider and lands on the consent page of the same request", async () => {
    const { registerPublicClient, authorizePath, pkcePair } = await import("../conformance/oauth-flow");
    const client = await registerPublicClient();
    const { challenge } = await pkcePair();
    const path = authorizePath({
      response_type: "code",
      client_id: client.client_id,
      redirect_uri: "http://127.0.0.1:33418/callback",
      code_challenge: challenge,
      code_challenge_method: "S256",
      state: "round-trip",
    });
    const browser = new Browser((p, init) => wire(p, init));
    const first = await browser.request(path);
    const returnTo = new URL(first.headers.get("location") as string, APP_ORIGIN).searchParams.get(
      "return_to",
    ) as string;
    const final = await signInWithDevProvider(
      browser,
      { email: "round-trip@example.com", name: "Round Trip" },
      returnTo,
    );
    expect(final.headers.get("location")).toBe(path);
    const consent = await browser.request(final.headers.get("location") as string);
    expect(consent.status).toBe(200);
    const html = await consent.text();
    expect(html).toContain("Conformance client");
    expect(html).toContain("round-trip@example.com");
    expect(consent.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(consent.headers.get("cache-control")).toBe("no-store");
  });
});
