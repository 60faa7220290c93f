import { describe, expect, it } from "vitest";
import { computeCodeChallenge, createCodeVerifier } from "../../src/crypto/pkce";
import {
  createFakeOAuthProvider,
  FAKE_OAUTH_DEFAULT_CLIENT_ID,
  FAKE_OAUTH_DEFAULT_CLIENT_SECRET,
  FAKE_OAUTH_DEFAULT_REDIRECT_URI,
  type FakeOAuthProvider,
} from "./oauth-provider";

// Fidelity check of the fake OAuth 2.0 provider, driven directly through `fake.fetch` (no Worker).

const CLIENT_ID = FAKE_OAUTH_DEFAULT_CLIENT_ID;
const CLIENT_SECRET = FAKE_OAUTH_DEFAULT_CLIENT_SECRET;
const REDIRECT_URI = FAKE_OAUTH_DEFAULT_REDIRECT_URI;

function authorizeUrl(fake: FakeOAuthProvider, params: Record<string, string | undefined>): string {
  const url = new URL(fake.authorizationEndpoint);
  const defaults = { response_type: "code", client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state: "st-123" };
  for (const [key, value] of Object.entries({ ...defaults, ...params })) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url.href;
}

function basic(id: string, secret: string): string {
  return `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`;
}

type Auth = "basic" | "post" | { id: string; secret: string; via: "basic" | "post" } | "none";

function tokenRequest(fake: FakeOAuthProvider, params: Record<string, string>, auth: Auth = "basic"): Request {
  const body = new URLSearchParams(params);
  const headers = new Headers({ "content-type": "application/x-www-form-urlencoded" });
  const credentials =
    auth === "basic" || auth === "post"
      ? { id: CLIENT_ID, secret: CLIENT_SECRET, via: auth }
      : auth === "none"
        ? null
        : auth;
  if (credentials?.via === "basic") headers.set("authorization", basic(credentials.id, credentials.secret));
  if (credentials?.via === "post") {
    body.set("client_id", credentials.id);
    body.set("client_secret", credentials.secret);
  }
  return new Request(fake.tokenEndpoint, { method: "POST", headers, body });
}

async function postToken(
  fake: FakeOAuthProvider,
  params: Record<string, string>,
  auth: Auth = "basic",
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fake.fetch(tokenRequest(fake, params, auth));
  return { status: response.status, headers: response.headers, json: await response.json() };
}

async function pkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = createCodeVerifier();
  return { verifier, challenge: await computeCodeChallenge(verifier) };
}

/** Runs the authorization step with PKCE and returns the code and its verifier. */
async function codeWithPkce(fake: FakeOAuthProvider, scope = "read write") {
  const { verifier, challenge } = await pkce();
  const { code } = await fake.authorizeAndGetCode(
    authorizeUrl(fake, { scope, code_challenge: challenge, code_challenge_method: "S256" }),
  );
  return { code, verifier };
}

async function exchange(fake: FakeOAuthProvider, code: string, verifier?: string, auth: Auth = "basic") {
  const params: Record<string, string> = { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI };
  if (verifier) params.code_verifier = verifier;
  return postToken(fake, params, auth);
}

function api(fake: FakeOAuthProvider, path: string, token?: string): Promise<Response> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return fake.fetch(new Request(`${fake.baseUrl}${path}`, { headers }));
}

describe("fake OAuth provider: authorization endpoint", () => {
  it("auto-approves and redirects with a code and the state, recording the request", async () => {
    const fake = createFakeOAuthProvider();
    expect(fake.host).toBe("auth.provider.test");
    expect(fake.issuer).toBe("https://auth.provider.test");
    const { challenge } = await pkce();
    const url = authorizeUrl(fake, {
      scope: "repo user",
      code_challenge: challenge,
      code_challenge_method: "S256",
      prompt: "consent",
    });
    const response = await fake.fetch(new Request(url));
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get("code")).toMatch(/\S{20,}/);
    expect(location.searchParams.get("state")).toBe("st-123");
    expect(fake.authorizeRequests).toEqual([
      {
        response_type: "code",
        client_id: CLIENT_ID,
        redirect_uri: REDIRECT_URI,
        state: "st-123",
        scope: "repo user",
        code_challenge: challenge,
        code_challenge_method: "S256",
        prompt: "consent",
      },
    ]);
  });

  it("accepts other redirects under the default prefix, and registered clients' exact URIs only", async () => {
    const fake = createFakeOAuthProvider();
    const other = "http://localhost:8787/api/oauth/slack/callback";
    const { redirect } = await fake.authorizeAndGetCode(authorizeUrl(fake, { redirect_uri: other }));
    expect(`${redirect.origin}${redirect.pathname}`).toBe(other);

    fake.registerClient({ clientId: "acme", clientSecret: "s", redirectUris: ["https://app.test/cb"] });
    await expect(
      fake.authorizeAndGetCode(authorizeUrl(fake, { client_id: "acme", redirect_uri: "https://app.test/cb" })),
    ).resolves.toMatchObject({ state: "st-123" });
    const wrong = await fake.fetch(
      new Request(authorizeUrl(fake, { client_id: "acme", redirect_uri: "https://app.test/cb/other" })),
    );
    expect(wrong.status).toBe(400);
    expect(wrong.headers.get("location")).toBeNull();
  });

  it("never redirects for an unknown client or unregistered redirect_uri", async () => {
    const fake = createFakeOAuthProvider();
    for (const params of [
      { client_id: "nope" },
      { client_id: undefined },
      { redirect_uri: "https://evil.test/api/oauth/x" },
      { redirect_uri: "http://localhost:8787/other/callback" },
    ]) {
      const response = await fake.fetch(new Request(authorizeUrl(fake, params)));
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(await response.json()).toMatchObject({ error: expect.any(String) });
    }
  });

  it("redirects errors for a bad response_type, plain PKCE or a missing method, with the state", async () => {
    const fake = createFakeOAuthProvider();
    const { challenge } = await pkce();
    const cases: Array<[Record<string, string>, string]> = [
      [{ response_type: "token" }, "unsupported_response_type"],
      [{ code_challenge: challenge, code_challenge_method: "plain" }, "invalid_request"],
      [{ code_challenge: challenge }, "invalid_request"],
      [{ code_challenge_method: "S256" }, "invalid_request"],
    ];
    for (const [params, error] of cases) {
      const redirect = await fake.authorizeRedirect(authorizeUrl(fake, params));
      expect(redirect.searchParams.get("error")).toBe(error);
      expect(redirect.searchParams.get("state")).toBe("st-123");
      expect(redirect.searchParams.get("code")).toBeNull();
    }
    fake.requirePkce = true;
    const required = await fake.authorizeRedirect(authorizeUrl(fake, {}));
    expect(required.searchParams.get("error")).toBe("invalid_request");
  });

  it("failNextAuthorize redirects back once with error, error_description and state", async () => {
    const fake = createFakeOAuthProvider();
    fake.failNextAuthorize("access_denied", "The user cancelled");
    const redirect = await fake.authorizeRedirect(authorizeUrl(fake, {}));
    expect(Object.fromEntries(redirect.searchParams)).toEqual({
      error: "access_denied",
      error_description: "The user cancelled",
      state: "st-123",
    });
    await expect(fake.authorizeAndGetCode(authorizeUrl(fake, {}))).resolves.toMatchObject({ state: "st-123" });
  });
});

describe("fake OAuth provider: authorization code grant", () => {
  it("exchanges a code with the right PKCE verifier for tokens (RFC 6749 §5.1)", async () => {
    const fake = createFakeOAuthProvider({ tokenResponseExtras: { team: { id: "T1", name: "Acme" } } });
    const { code, verifier } = await codeWithPkce(fake);
    const { status, headers, json } = await exchange(fake, code, verifier);
    expect(status).toBe(200);
    expect(headers.get("cache-control")).toBe("no-store");
    expect(headers.get("content-type")).toContain("application/json");
    expect(json).toEqual({
      access_token: expect.any(String),
      token_type: "Bearer",
      expires_in: 3600,
      refresh_token: expect.any(String),
      scope: "read write",
      team: { id: "T1", name: "Acme" },
    });
    expect(fake.isAccessTokenValid(json.access_token as string)).toBe(true);
    expect(fake.currentRefreshToken()).toBe(json.refresh_token);
  });

  it("rejects a wrong or missing verifier with invalid_grant, leaving the code usable", async () => {
    const fake = createFakeOAuthProvider();
    const { code, verifier } = await codeWithPkce(fake);
    const wrong = await exchange(fake, code, createCodeVerifier());
    expect(wrong.status).toBe(400);
    expect(wrong.json).toEqual({ error: "invalid_grant", error_description: expect.any(String) });
    expect((await exchange(fake, code)).json.error).toBe("invalid_grant");
    expect((await exchange(fake, code, verifier)).status).toBe(200);
  });

  it("ignores a verifier when no challenge was recorded", async () => {
    const fake = createFakeOAuthProvider();
    const { code } = await fake.authorizeAndGetCode(authorizeUrl(fake, {}));
    expect((await exchange(fake, code, createCodeVerifier())).status).toBe(200);
  });

  it("refuses a reused code and revokes what the first exchange issued", async () => {
    const fake = createFakeOAuthProvider();
    const { code, verifier } = await codeWithPkce(fake);
    const first = await exchange(fake, code, verifier);
    const again = await exchange(fake, code, verifier);
    expect(again.status).toBe(400);
    expect(again.json.error).toBe("invalid_grant");
    expect(fake.isAccessTokenValid(first.json.access_token as string)).toBe(false);
    expect(fake.isRefreshTokenValid(first.json.refresh_token as string)).toBe(false);
  });

  it("binds the code to its client, redirect_uri and lifetime", async () => {
    const fake = createFakeOAuthProvider();
    fake.registerClient({ clientId: "other", clientSecret: "other-secret", redirectUris: [REDIRECT_URI] });
    const { code, verifier } = await codeWithPkce(fake);
    const otherClient = await exchange(fake, code, verifier, { id: "other", secret: "other-secret", via: "basic" });
    expect(otherClient.json.error).toBe("invalid_grant");
    const otherRedirect = await postToken(fake, {
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: "http://localhost:8787/api/oauth/other/callback",
    });
    expect(otherRedirect.json.error).toBe("invalid_grant");
    expect((await exchange(fake, "code_unknown", verifier)).json.error).toBe("invalid_grant");

    fake.authorizationCodeTtlSeconds = 0;
    const expired = await codeWithPkce(fake);
    expect((await exchange(fake, expired.code, expired.verifier)).json.error).toBe("invalid_grant");
  });

  it("grants default or overridden scopes and can omit scope, expires_in or refresh tokens", async () => {
    const fake = createFakeOAuthProvider({ defaultScopes: ["basic"] });
    const { code } = await fake.authorizeAndGetCode(authorizeUrl(fake, {}));
    expect((await exchange(fake, code)).json.scope).toBe("basic");

    fake.grantedScopes = ["repo", "user"];
    fake.scopeSeparator = ",";
    const narrowed = await fake.authorizeAndGetCode(authorizeUrl(fake, { scope: "repo user admin" }));
    expect((await exchange(fake, narrowed.code)).json.scope).toBe("repo,user");

    fake.omitScopeInResponse = true;
    fake.omitExpiresIn = true;
    fake.issueRefreshTokens = false;
    const bare = await fake.authorizeAndGetCode(authorizeUrl(fake, {}));
    expect(Object.keys((await exchange(fake, bare.code)).json).sort()).toEqual(["access_token", "token_type"]);
  });
});

describe("fake OAuth provider: client authentication", () => {
  it("accepts client_secret_basic and client_secret_post, and records which", async () => {
    const fake = createFakeOAuthProvider();
    const viaBasic = await postToken(fake, { grant_type: "client_credentials" }, "basic");
    const viaPost = await postToken(fake, { grant_type: "client_credentials" }, "post");
    expect(viaBasic.status).toBe(200);
    expect(viaPost.status).toBe(200);
    expect(fake.tokenCalls.map((call) => call.authMethod)).toEqual(["basic", "post"]);
    expect(fake.tokenCalls[1]?.body).toEqual({
      grant_type: "client_credentials",
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
  });

  it("decodes form-encoded Basic credentials (RFC 6749 §2.3.1)", async () => {
    const fake = createFakeOAuthProvider();
    fake.registerClient({ clientId: "id:with space", clientSecret: "s3cr3t+/=:%", redirectUris: [REDIRECT_URI] });
    const credentials = { id: "id:with space", secret: "s3cr3t+/=:%" };
    const response = await postToken(fake, { grant_type: "client_credentials" }, { ...credentials, via: "basic" });
    expect(response.status).toBe(200);
    expect(fake.tokenCalls[0]?.clientId).toBe("id:with space");
  });

  it("answers 401 invalid_client for a wrong, missing or unregistered method of authentication", async () => {
    const fake = createFakeOAuthProvider();
    const wrongBasic = await postToken(
      fake,
      { grant_type: "client_credentials" },
      { id: CLIENT_ID, secret: "nope", via: "basic" },
    );
    expect(wrongBasic.status).toBe(401);
    expect(wrongBasic.json.error).toBe("invalid_client");
    expect(wrongBasic.headers.get("www-authenticate")).toMatch(/^Basic /);
    const wrongPost = await postToken(
      fake,
      { grant_type: "client_credentials" },
      { id: CLIENT_ID, secret: "nope", via: "post" },
    );
    expect(wrongPost).toMatchObject({ status: 401, json: { error: "invalid_client" } });
    const missing = await postToken(fake, { grant_type: "client_credentials", client_id: CLIENT_ID }, "none");
    expect(missing).toMatchObject({ status: 401, json: { error: "invalid_client" } });

    fake.registerClient({
      clientId: "basic-only",
      clientSecret: "b",
      redirectUris: [REDIRECT_URI],
      tokenAuthMethod: "client_secret_basic",
    });
    const basicOnly = { id: "basic-only", secret: "b" };
    expect((await postToken(fake, { grant_type: "client_credentials" }, { ...basicOnly, via: "post" })).status).toBe(
      401,
    );
    expect((await postToken(fake, { grant_type: "client_credentials" }, { ...basicOnly, via: "basic" })).status).toBe(
      200,
    );
  });

  it("accepts JSON bodies (like Notion)", async () => {
    const fake = createFakeOAuthProvider();
    const { code, verifier } = await codeWithPkce(fake);
    const response = await fake.fetch(
      new Request(fake.tokenEndpoint, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: basic(CLIENT_ID, CLIENT_SECRET) },
        body: JSON.stringify({
          grant_type: "authorization_code",
          code,
          code_verifier: verifier,
          redirect_uri: REDIRECT_URI,
        }),
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: "Bearer" });
  });
});

describe("fake OAuth provider: refresh and other grants", () => {
  it("rotates refresh tokens: the old one is rejected with invalid_grant after use", async () => {
    const fake = createFakeOAuthProvider();
    const seeded = fake.issueTokensDirectly({ scope: "read write" });
    const first = await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "read write" });
    expect(first.json.refresh_token).toEqual(expect.any(String));
    expect(first.json.refresh_token).not.toBe(seeded.refresh_token);
    expect(fake.currentRefreshToken()).toBe(first.json.refresh_token);

    const reuse = await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    expect(reuse).toMatchObject({ status: 400, json: { error: "invalid_grant" } });
    // Without reuse detection the newer token still works.
    const second = await postToken(fake, {
      grant_type: "refresh_token",
      refresh_token: String(first.json.refresh_token),
    });
    expect(second.status).toBe(200);
  });

  it("reuse detection (opt-in) revokes the whole grant", async () => {
    const fake = createFakeOAuthProvider({ revokeGrantOnRefreshTokenReuse: true });
    const seeded = fake.issueTokensDirectly();
    const first = await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    expect(fake.isRefreshTokenValid(String(first.json.refresh_token))).toBe(false);
    expect(fake.isAccessTokenValid(String(first.json.access_token))).toBe(false);
  });

  it("without rotation returns the same refresh token; omitRefreshTokenOnRefresh leaves it out", async () => {
    const fake = createFakeOAuthProvider({ rotateRefreshTokens: false });
    const seeded = fake.issueTokensDirectly();
    const same = await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    expect(same.json.refresh_token).toBe(seeded.refresh_token);

    fake.rotateRefreshTokens = true;
    fake.omitRefreshTokenOnRefresh = true;
    const omitted = await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    expect(omitted.status).toBe(200);
    expect(omitted.json).not.toHaveProperty("refresh_token");
    expect(fake.isRefreshTokenValid(seeded.refresh_token)).toBe(true);
  });

  it("refuses refresh tokens of another client, unknown ones, wider scopes and invalidated ones", async () => {
    const fake = createFakeOAuthProvider();
    fake.registerClient({ clientId: "other", clientSecret: "o", redirectUris: [REDIRECT_URI] });
    const seeded = fake.issueTokensDirectly({ scope: ["read"] });
    const asOther = await postToken(
      fake,
      { grant_type: "refresh_token", refresh_token: seeded.refresh_token },
      { id: "other", secret: "o", via: "post" },
    );
    expect(asOther.json.error).toBe("invalid_grant");
    expect((await postToken(fake, { grant_type: "refresh_token", refresh_token: "rt_nope" })).json.error).toBe(
      "invalid_grant",
    );
    const wider = await postToken(fake, {
      grant_type: "refresh_token",
      refresh_token: seeded.refresh_token,
      scope: "read admin",
    });
    expect(wider.json.error).toBe("invalid_scope");

    fake.invalidateRefreshTokens();
    const invalidated = await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    expect(invalidated).toMatchObject({ status: 400, json: { error: "invalid_grant" } });
    expect(fake.isAccessTokenValid(seeded.access_token)).toBe(true);
  });

  it("revokeAllFor makes every token of the client fail", async () => {
    const fake = createFakeOAuthProvider();
    const seeded = fake.issueTokensDirectly();
    fake.revokeAllFor(CLIENT_ID);
    expect(fake.isAccessTokenValid(seeded.access_token)).toBe(false);
    const refresh = await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    expect(refresh.json.error).toBe("invalid_grant");
  });

  it("client_credentials echoes the scope and issues no refresh token", async () => {
    const fake = createFakeOAuthProvider();
    const { status, json } = await postToken(fake, { grant_type: "client_credentials", scope: "reports:read" });
    expect(status).toBe(200);
    expect(json).toEqual({
      access_token: expect.any(String),
      token_type: "Bearer",
      expires_in: 3600,
      scope: "reports:read",
    });
    const me = await api(fake, "/api/me", String(json.access_token));
    expect(await me.json()).toMatchObject({ client_id: CLIENT_ID });
  });

  it("answers unsupported_grant_type and invalid_request per RFC 6749 §5.2", async () => {
    const fake = createFakeOAuthProvider();
    expect(await postToken(fake, { grant_type: "password", username: "u", password: "p" })).toMatchObject({
      status: 400,
      json: { error: "unsupported_grant_type" },
    });
    expect(await postToken(fake, {})).toMatchObject({ status: 400, json: { error: "invalid_request" } });
    expect(await postToken(fake, { grant_type: "refresh_token" })).toMatchObject({
      status: 400,
      json: { error: "invalid_request" },
    });
    const get = await fake.fetch(new Request(fake.tokenEndpoint));
    expect(get.status).toBe(405);
  });
});

describe("fake OAuth provider: failure injection, latency and counters", () => {
  it("failNextToken answers a transient 503 without consuming the grant", async () => {
    const fake = createFakeOAuthProvider();
    const seeded = fake.issueTokensDirectly();
    fake.failNextToken({ status: 503, headers: { "retry-after": "1" } });
    const failed = await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    expect(failed.status).toBe(503);
    expect(failed.headers.get("retry-after")).toBe("1");
    expect(failed.json).toEqual({ error: "server_error" });
    const retried = await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    expect(retried.status).toBe(200);
  });

  it("failNextToken can answer 200 with malformed JSON, several times, for one grant type", async () => {
    const fake = createFakeOAuthProvider();
    fake.failNextToken({ status: 200, body: "{not json", count: 2, grantType: "client_credentials" });
    const seeded = fake.issueTokensDirectly();
    const refresh = await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    expect(refresh.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const response = await fake.fetch(tokenRequest(fake, { grant_type: "client_credentials" }));
      expect(response.status).toBe(200);
      await expect(response.clone().json()).rejects.toThrow();
      expect(await response.text()).toBe("{not json");
    }
    expect((await postToken(fake, { grant_type: "client_credentials" })).status).toBe(200);
  });

  it("failNextToken with an OAuth error, and after processing (the answer is lost but the grant consumed)", async () => {
    const fake = createFakeOAuthProvider();
    const seeded = fake.issueTokensDirectly();
    fake.failNextToken({ status: 400, error: "invalid_grant", errorDescription: "Token has been expired or revoked." });
    const failed = await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    expect(failed).toMatchObject({
      status: 400,
      json: { error: "invalid_grant", error_description: "Token has been expired or revoked." },
    });
    expect(fake.isRefreshTokenValid(seeded.refresh_token)).toBe(true);

    fake.failNextToken({ status: 502, afterProcessing: true });
    const lost = await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    expect(lost.status).toBe(502);
    expect(fake.isRefreshTokenValid(seeded.refresh_token)).toBe(false);
    expect(fake.currentRefreshToken()).toEqual(expect.any(String));
    expect(fake.currentRefreshToken()).not.toBe(seeded.refresh_token);
  });

  it("still answers with latency", async () => {
    const fake = createFakeOAuthProvider({ latencyMs: 5 });
    expect((await postToken(fake, { grant_type: "client_credentials" })).status).toBe(200);
  });

  it("counts and records token calls, including failed ones", async () => {
    const fake = createFakeOAuthProvider();
    const seeded = fake.issueTokensDirectly();
    await postToken(fake, { grant_type: "client_credentials" }, "post");
    fake.failNextToken({ status: 503 });
    await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    expect(fake.tokenCallCount()).toBe(3);
    expect(fake.tokenCallCount("refresh_token")).toBe(2);
    expect(fake.tokenCallCount("authorization_code")).toBe(0);
    expect(
      fake.tokenCalls.map(({ grantType, clientId, authMethod, status }) => ({
        grantType,
        clientId,
        authMethod,
        status,
      })),
    ).toEqual([
      { grantType: "client_credentials", clientId: CLIENT_ID, authMethod: "post", status: 200 },
      { grantType: "refresh_token", clientId: CLIENT_ID, authMethod: "basic", status: 503 },
      { grantType: "refresh_token", clientId: CLIENT_ID, authMethod: "basic", status: 200 },
    ]);
    expect(fake.tokenCalls[1]?.body).toEqual({ grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    expect(fake.tokenCalls.every((call) => typeof call.at === "number")).toBe(true);
  });
});

describe("fake OAuth provider: revocation (RFC 7009)", () => {
  function revoke(fake: FakeOAuthProvider, token: string, hint?: string, auth = basic(CLIENT_ID, CLIENT_SECRET)) {
    const body = new URLSearchParams({ token });
    if (hint) body.set("token_type_hint", hint);
    return fake.fetch(
      new Request(fake.revocationEndpoint, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: auth },
        body,
      }),
    );
  }

  it("revokes an access token", async () => {
    const fake = createFakeOAuthProvider();
    const seeded = fake.issueTokensDirectly();
    expect((await revoke(fake, seeded.access_token, "access_token")).status).toBe(200);
    expect(fake.isAccessTokenValid(seeded.access_token)).toBe(false);
    expect(fake.isRefreshTokenValid(seeded.refresh_token)).toBe(true);
    expect(fake.revocations).toEqual([
      {
        token: seeded.access_token,
        tokenTypeHint: "access_token",
        clientId: CLIENT_ID,
        kind: "access_token",
        at: expect.any(Number),
      },
    ]);
  });

  it("revoking a refresh token also revokes the access tokens of its grant", async () => {
    const fake = createFakeOAuthProvider();
    const seeded = fake.issueTokensDirectly();
    expect((await revoke(fake, seeded.refresh_token)).status).toBe(200);
    expect(fake.isRefreshTokenValid(seeded.refresh_token)).toBe(false);
    expect(fake.isAccessTokenValid(seeded.access_token)).toBe(false);
    expect(fake.revocations[0]?.kind).toBe("refresh_token");
  });

  it("answers 200 for unknown tokens and 401 for a bad client", async () => {
    const fake = createFakeOAuthProvider();
    expect((await revoke(fake, "whatever")).status).toBe(200);
    expect(fake.revocations[0]?.kind).toBeNull();
    const unauthenticated = await revoke(fake, "whatever", undefined, basic(CLIENT_ID, "wrong"));
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ error: "invalid_client" });
  });
});

describe("fake OAuth provider: bearer-protected API", () => {
  it("serves /api/me and /userinfo for a valid token from the full flow", async () => {
    const fake = createFakeOAuthProvider();
    const { code, verifier } = await codeWithPkce(fake);
    const { json } = await exchange(fake, code, verifier);
    const token = String(json.access_token);
    for (const path of ["/api/me", "/userinfo"]) {
      const response = await api(fake, path, token);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ id: "fake-user-1", email: "octo@provider.test", name: "Octo Cat" });
    }
    const echo = await api(fake, "/api/repos?page=2", token);
    expect(await echo.json()).toMatchObject({ ok: true, method: "GET", path: "/api/repos", query: { page: "2" } });
    expect(fake.apiRequests.map((request) => request.status)).toEqual([200, 200, 200]);
  });

  it("answers 401 invalid_token for expired, unknown and revoked tokens, and a bare challenge without one", async () => {
    const fake = createFakeOAuthProvider({ accessTokenTtlSeconds: 0 });
    fake.registerClient({ clientId: "other", clientSecret: "o", redirectUris: [REDIRECT_URI] });
    const expired = fake.issueTokensDirectly();
    const past = fake.issueTokensDirectly({ expiresInSeconds: -60 });
    const revoked = fake.issueTokensDirectly({ clientId: "other", expiresInSeconds: 3600 });
    fake.revokeAllFor("other");
    for (const token of [expired.access_token, past.access_token, revoked.access_token, "at_unknown"]) {
      const response = await api(fake, "/api/me", token);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
      expect(await response.json()).toMatchObject({ error: "invalid_token" });
    }
    const anonymous = await api(fake, "/api/me");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Bearer realm="auth.provider.test"');
  });

  it("expireAccessTokens expires tokens server-side; a refresh issues a working one", async () => {
    const fake = createFakeOAuthProvider();
    const seeded = fake.issueTokensDirectly();
    expect((await api(fake, "/api/me", seeded.access_token)).status).toBe(200);
    fake.expireAccessTokens();
    expect((await api(fake, "/api/me", seeded.access_token)).status).toBe(401);
    const refreshed = await postToken(fake, { grant_type: "refresh_token", refresh_token: seeded.refresh_token });
    expect((await api(fake, "/api/me", String(refreshed.json.access_token))).status).toBe(200);
    expect(fake.currentAccessToken()).toBe(refreshed.json.access_token);
  });
});
