import { describe, expect, it } from "vitest";
import {
  authorizePath,
  authorizeThroughConsent,
  form,
  ISSUER,
  obtainTokens,
  pkcePair,
  REDIRECT_URI,
  RESOURCE,
  registerPublicClient,
  signedIn,
  wire,
} from "./oauth-flow";

/**
 * MCP authorization, revision 2025-06-18: OAuth 2.1 authorization code + PKCE, RFC 8414 discovery,
 * RFC 7591 dynamic registration, RFC 8707 resource indicators, RFC 9728 protected resource metadata.
 * Black-box over fetch; each scenario names the section it checks.
 */
describe("MCP authorization 2025-06-18", () => {
  describe("discovery", () => {
    it("RFC 8414 §3: the AS metadata names APP_URL as issuer and S256 only", async () => {
      const response = await wire("/.well-known/oauth-authorization-server");
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("application/json");
      const metadata = (await response.json()) as Record<string, unknown>;
      expect(metadata.issuer).toBe(ISSUER);
      expect(metadata.code_challenge_methods_supported).toEqual(["S256"]);
      expect(metadata.registration_endpoint).toBe(`${ISSUER}/oauth/register`);
      expect(metadata.token_endpoint).toBe(`${ISSUER}/oauth/token`);
      expect(metadata.response_types_supported).toEqual(["code"]);
    });

    it("RFC 9728 §3: the protected resource metadata names {APP_URL}/mcp and our AS", async () => {
      const metadata = (await (await wire("/.well-known/oauth-protected-resource")).json()) as Record<string, unknown>;
      expect(metadata.resource).toBe(RESOURCE);
      expect(metadata.authorization_servers).toEqual([ISSUER]);
      expect(metadata.scopes_supported).not.toContain("offline_access");
    });

    it("RFC 9728 §5.1: /mcp without a token is 401 with resource_metadata", async () => {
      const response = await wire("/mcp", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(
        `Bearer resource_metadata="${ISSUER}/.well-known/oauth-protected-resource/mcp"`,
      );
    });
  });

  describe("dynamic client registration (RFC 7591)", () => {
    it("RFC 7591 §3.2.1: a public client is registered without a secret", async () => {
      const client = await registerPublicClient();
      expect(client.client_id).toBeTruthy();
      expect(client.client_secret).toBeUndefined();
      expect(client.redirect_uris).toEqual([REDIRECT_URI]);
    });

    it("RFC 7591 §3.2.1: a confidential client receives its secret once", async () => {
      const client = await registerPublicClient({ token_endpoint_auth_method: "client_secret_basic" });
      expect(client.client_secret).toMatch(/^.{32,}$/);
    });

    it.each([
      ["http to a public host (OAuth 2.1 §2.3.1)", ["http://app.example.com/cb"]],
      ["javascript: (RFC 9700 §4.1.3)", ["javascript:alert(1)"]],
      ["a fragment (RFC 6749 §3.1.2)", ["https://app.example.com/cb#x"]],
      ["a mixed-case scheme", ["HTTPS://app.example.com/cb"]],
    ])("RFC 7591 §3.2.2: refuses %s with invalid_redirect_uri", async (_rule, redirect_uris) => {
      const response = await wire("/oauth/register", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ client_name: "x", redirect_uris }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: "invalid_redirect_uri" });
    });

    it("RFC 7591 §3.2.2: a body over the size limit is refused", async () => {
      const response = await wire("/oauth/register", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ client_name: "x", redirect_uris: [REDIRECT_URI], padding: "x".repeat(20_000) }),
      });
      expect(response.status).toBe(413);
    });
  });

  describe("authorization request validation", () => {
    it("RFC 6749 §4.1.2.1: an unknown client is an error page, never a redirect", async () => {
      const browser = await signedIn();
      const { challenge } = await pkcePair();
      const response = await browser.request(
        authorizePath({
          response_type: "code",
          client_id: "nope",
          redirect_uri: REDIRECT_URI,
          code_challenge: challenge,
          code_challenge_method: "S256",
        }),
      );
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(response.headers.get("content-type")).toContain("text/html");
    });

    it.each([
      ["an unregistered redirect URI (RFC 6749 §3.1.2.4)", "https://evil.example/cb"],
      ["a mismatched path (OAuth 2.1 §4.1.1 exact match)", "http://127.0.0.1:33418/other"],
      ["javascript: (RFC 9700 §4.1.3)", "javascript:alert(1)"],
      ["a fragment (RFC 6749 §3.1.2)", `${REDIRECT_URI}#x`],
      ["a mixed-case scheme", REDIRECT_URI.replace("http:", "HTTP:")],
      ["another loopback host (RFC 8252 §7.3: host must match)", "http://localhost:33418/callback"],
    ])("RFC 6749 §4.1.2.1: %s is shown as an error page, not redirected", async (_rule, redirectUri) => {
      const client = await registerPublicClient();
      const browser = await signedIn();
      const { challenge } = await pkcePair();
      const response = await browser.request(
        authorizePath({
          response_type: "code",
          client_id: client.client_id,
          redirect_uri: redirectUri,
          code_challenge: challenge,
          code_challenge_method: "S256",
        }),
      );
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
    });

    it("RFC 8252 §7.3: a loopback redirect URI may use any port", async () => {
      const client = await registerPublicClient();
      const browser = await signedIn();
      const { challenge } = await pkcePair();
      const back = await authorizeThroughConsent(browser, {
        response_type: "code",
        client_id: client.client_id,
        redirect_uri: "http://127.0.0.1:51999/callback",
        code_challenge: challenge,
        code_challenge_method: "S256",
        resource: RESOURCE,
      });
      expect(back.origin).toBe("http://127.0.0.1:51999");
      expect(back.searchParams.get("code")).toBeTruthy();
    });

    it.each([
      ["missing code_challenge (OAuth 2.1 §4.1.1)", {}],
      ["plain (OAuth 2.1 §4.1.1: S256 required)", { code_challenge_method: "plain" }],
      ["an unknown method (RFC 7636 §4.3)", { code_challenge_method: "S384" }],
      ["no method, which means plain (RFC 7636 §4.3)", { code_challenge_method: undefined }],
    ])("RFC 7636 §4.4.1: %s redirects back with invalid_request and iss", async (_rule, change) => {
      const client = await registerPublicClient();
      const browser = await signedIn();
      const { challenge } = await pkcePair();
      const params: Record<string, string | undefined> = {
        response_type: "code",
        client_id: client.client_id,
        redirect_uri: REDIRECT_URI,
        code_challenge: "code_challenge_method" in change ? challenge : undefined,
        code_challenge_method: "S256",
        state: "s1",
        ...change,
      };
      const response = await browser.request(authorizePath(params));
      expect(response.status).toBe(302);
      const back = new URL(response.headers.get("location") as string);
      expect(back.origin + back.pathname).toBe(REDIRECT_URI);
      expect(back.searchParams.get("error")).toBe("invalid_request");
      expect(back.searchParams.get("state")).toBe("s1");
      expect(back.searchParams.get("iss")).toBe(ISSUER);
    });

    it("RFC 8707 §2: a resource other than /mcp is invalid_target", async () => {
      const client = await registerPublicClient();
      const browser = await signedIn();
      const { challenge } = await pkcePair();
      const response = await browser.request(
        authorizePath({
          response_type: "code",
          client_id: client.client_id,
          redirect_uri: REDIRECT_URI,
          code_challenge: challenge,
          code_challenge_method: "S256",
          resource: ISSUER,
        }),
      );
      expect(response.status).toBe(302);
      expect(new URL(response.headers.get("location") as string).searchParams.get("error")).toBe("invalid_target");
    });

    it("RFC 6749 §4.1.2.1: denying consent redirects with access_denied", async () => {
      const client = await registerPublicClient();
      const browser = await signedIn();
      const { challenge } = await pkcePair();
      const back = await authorizeThroughConsent(
        browser,
        {
          response_type: "code",
          client_id: client.client_id,
          redirect_uri: REDIRECT_URI,
          code_challenge: challenge,
          code_challenge_method: "S256",
          state: "d",
        },
        "deny",
      );
      expect(back.searchParams.get("error")).toBe("access_denied");
      expect(back.searchParams.get("code")).toBeNull();
    });

    it("SPEC §8: a signed-out user is sent through sign-in and back", async () => {
      const client = await registerPublicClient();
      const { challenge } = await pkcePair();
      const path = authorizePath({
        response_type: "code",
        client_id: client.client_id,
        redirect_uri: REDIRECT_URI,
        code_challenge: challenge,
        code_challenge_method: "S256",
      });
      const response = await wire(path);
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get("location") as string, ISSUER);
      expect(location.pathname).toBe("/api/auth/authorize");
      expect(location.searchParams.get("return_to")).toBe(path);
    });
  });

  describe("token endpoint", () => {
    it("OAuth 2.1 §4.1.3, RFC 6749 §5.1: the code exchange answers no-store tokens bound to /mcp", async () => {
      const { tokens } = await obtainTokens();
      expect(tokens.token_type).toBe("Bearer");
      expect(tokens.expires_in).toBeGreaterThan(0);
      expect(tokens.expires_in).toBeLessThanOrEqual(3600);
      expect(tokens.refresh_token).toBeTruthy();
      const payload = JSON.parse(
        atob((tokens.access_token.split(".")[1] as string).replace(/-/g, "+").replace(/_/g, "/")),
      );
      expect(payload.aud).toBe(RESOURCE);
    });

    it("RFC 6749 §5.1: token responses carry Cache-Control: no-store", async () => {
      const client = await registerPublicClient();
      const response = await wire(
        "/oauth/token",
        form({ grant_type: "authorization_code", code: "x", client_id: client.client_id }),
      );
      expect(response.headers.get("cache-control")).toBe("no-store");
    });

    it("RFC 7636 §4.6: a wrong code_verifier is invalid_grant (RFC 6749 §5.2 body)", async () => {
      const client = await registerPublicClient();
      const browser = await signedIn();
      const { challenge } = await pkcePair();
      const back = await authorizeThroughConsent(browser, {
        response_type: "code",
        client_id: client.client_id,
        redirect_uri: REDIRECT_URI,
        code_challenge: challenge,
        code_challenge_method: "S256",
      });
      const wrong = await pkcePair();
      const response = await wire(
        "/oauth/token",
        form({
          grant_type: "authorization_code",
          code: back.searchParams.get("code") as string,
          redirect_uri: REDIRECT_URI,
          client_id: client.client_id,
          code_verifier: wrong.verifier,
        }),
      );
      expect(response.status).toBe(400);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body.error).toBe("invalid_grant");
      expect(Object.keys(body).every((key) => ["error", "error_description", "error_uri"].includes(key))).toBe(true);
    });

    it("RFC 6749 §4.1.2 / §10.5: a replayed code fails and revokes the tokens issued from it", async () => {
      const { client, code, verifier, tokens } = await obtainTokens();
      const replay = await wire(
        "/oauth/token",
        form({
          grant_type: "authorization_code",
          code,
          redirect_uri: REDIRECT_URI,
          client_id: client.client_id,
          code_verifier: verifier,
        }),
      );
      expect(replay.status).toBe(400);
      expect(await replay.json()).toMatchObject({ error: "invalid_grant" });
      const refresh = await wire(
        "/oauth/token",
        form({
          grant_type: "refresh_token",
          refresh_token: tokens.refresh_token as string,
          client_id: client.client_id,
        }),
      );
      expect(await refresh.json()).toMatchObject({ error: "invalid_grant" });
    });

    it("RFC 8707 §2.2: a token request for another resource is invalid_target", async () => {
      const client = await registerPublicClient();
      const browser = await signedIn();
      const { verifier, challenge } = await pkcePair();
      const back = await authorizeThroughConsent(browser, {
        response_type: "code",
        client_id: client.client_id,
        redirect_uri: REDIRECT_URI,
        code_challenge: challenge,
        code_challenge_method: "S256",
        resource: RESOURCE,
      });
      const response = await wire(
        "/oauth/token",
        form({
          grant_type: "authorization_code",
          code: back.searchParams.get("code") as string,
          redirect_uri: REDIRECT_URI,
          client_id: client.client_id,
          code_verifier: verifier,
          resource: "https://other.example/mcp",
        }),
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: "invalid_target" });
    });

    it("OAuth 2.1 §4.3.1: refresh rotates; reusing the old refresh token revokes the grant (RFC 9700 §4.14.2)", async () => {
      const { client, tokens } = await obtainTokens();
      const first = await wire(
        "/oauth/token",
        form({
          grant_type: "refresh_token",
          refresh_token: tokens.refresh_token as string,
          client_id: client.client_id,
        }),
      );
      expect(first.status).toBe(200);
      const rotated = (await first.json()) as { refresh_token: string; access_token: string };
      expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
      const reuse = await wire(
        "/oauth/token",
        form({
          grant_type: "refresh_token",
          refresh_token: tokens.refresh_token as string,
          client_id: client.client_id,
        }),
      );
      expect(await reuse.json()).toMatchObject({ error: "invalid_grant" });
      const afterReuse = await wire(
        "/oauth/token",
        form({ grant_type: "refresh_token", refresh_token: rotated.refresh_token, client_id: client.client_id }),
      );
      expect(await afterReuse.json()).toMatchObject({ error: "invalid_grant" });
    });

    it("RFC 6749 §5.2: an unsupported grant type is unsupported_grant_type", async () => {
      const response = await wire("/oauth/token", form({ grant_type: "password", username: "a", password: "b" }));
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: "unsupported_grant_type" });
    });

    it("RFC 6749 §5.2: a confidential client with a wrong secret is 401 invalid_client", async () => {
      const client = await registerPublicClient({ token_endpoint_auth_method: "client_secret_post" });
      const response = await wire(
        "/oauth/token",
        form({ grant_type: "refresh_token", refresh_token: "x", client_id: client.client_id, client_secret: "wrong" }),
      );
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: "invalid_client" });
    });
  });

  describe("revocation (RFC 7009)", () => {
    it("RFC 7009 §2.2: revoking a refresh token answers 200 and the token stops working", async () => {
      const { client, tokens } = await obtainTokens();
      const revoke = await wire(
        "/oauth/revoke",
        form({ token: tokens.refresh_token as string, client_id: client.client_id }),
      );
      expect(revoke.status).toBe(200);
      const refresh = await wire(
        "/oauth/token",
        form({
          grant_type: "refresh_token",
          refresh_token: tokens.refresh_token as string,
          client_id: client.client_id,
        }),
      );
      expect(await refresh.json()).toMatchObject({ error: "invalid_grant" });
    });

    it("RFC 7009 §2.2: an unknown token is still 200", async () => {
      const client = await registerPublicClient();
      expect((await wire("/oauth/revoke", form({ token: "unknown", client_id: client.client_id }))).status).toBe(200);
    });
  });
});
