import { describe, expect, it, vi } from "vitest";
import type { OAuthApp } from "../../../src/oauth-client/oauth-app";
import { classifyRefreshFailure } from "../../../src/oauth-client/refresh-policy";
import { callTokenEndpoint, type TokenEndpointResult } from "../../../src/oauth-client/token-endpoint";
import type { StoredTokens } from "../../../src/oauth-client/token-store";

const NOW = 1_800_000_000_000;
const TOKEN_URL = "https://auth.example.com/oauth/token";

function app(overrides: Partial<OAuthApp> = {}): OAuthApp {
  return {
    clientId: "client-1",
    clientSecret: "s3cret value",
    authorizationUrl: "https://auth.example.com/oauth/authorize",
    tokenUrl: TOKEN_URL,
    scopes: ["read"],
    scopeSeparator: " ",
    pkce: true,
    tokenAuthMethod: "client_secret_basic",
    extraAuthorizeParams: {},
    extraTokenParams: {},
    tokenResponseExtras: [],
    ...overrides,
  };
}

const PREVIOUS: StoredTokens = {
  access_token: "old-access",
  refresh_token: "old-refresh",
  token_type: "Bearer",
  expires_at: NOW - 1,
  scope: ["read", "write"],
  extras: { team: { id: "T1" } },
};

const REFRESH_GRANT = { grant_type: "refresh_token", refresh_token: "old-refresh" };

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

/** Answers every fetch with `answer` and records the requests. */
function tokenEndpoint(answer: () => Response | Promise<Response>) {
  const calls: Request[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    calls.push(new Request(input, init));
    return answer();
  });
  return { calls, spy };
}

describe("callTokenEndpoint: successful token responses (RFC 6749 §5.1, §6)", () => {
  it.each<{ rule: string; response: () => Response; previous?: StoredTokens; extras?: string[]; tokens: StoredTokens }>(
    [
      {
        rule: "a JSON token response: expires_in counts from the injected now",
        response: () =>
          json({
            access_token: "at-1",
            token_type: "bearer",
            expires_in: 3600,
            refresh_token: "rt-1",
            scope: "read write",
          }),
        tokens: {
          access_token: "at-1",
          refresh_token: "rt-1",
          token_type: "bearer",
          expires_at: NOW + 3_600_000,
          scope: ["read", "write"],
        },
      },
      {
        rule: "a form-encoded response (GitHub without Accept honoured): comma-separated scope, no expiry",
        response: () =>
          new Response("access_token=gho_abc&scope=repo%2Cgist&token_type=bearer", {
            headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
          }),
        tokens: { access_token: "gho_abc", token_type: "bearer", expires_at: null, scope: ["repo", "gist"] },
      },
      {
        rule: 'expires_in as a string (some providers send "3600")',
        response: () => json({ access_token: "at", expires_in: "3600" }),
        tokens: { access_token: "at", token_type: "Bearer", expires_at: NOW + 3_600_000, scope: undefined },
      },
      {
        rule: "expires_in 0: already expired at now",
        response: () => json({ access_token: "at", expires_in: 0 }),
        tokens: { access_token: "at", token_type: "Bearer", expires_at: NOW, scope: undefined },
      },
      {
        rule: "no token_type → Bearer (RFC 6750)",
        response: () => json({ access_token: "at" }),
        tokens: { access_token: "at", token_type: "Bearer", expires_at: null, scope: undefined },
      },
      {
        rule: "RFC 6749 §6: a refresh response without refresh_token keeps the previous one",
        response: () => json({ access_token: "at-2", expires_in: 60 }),
        previous: PREVIOUS,
        tokens: {
          access_token: "at-2",
          refresh_token: "old-refresh",
          token_type: "Bearer",
          expires_at: NOW + 60_000,
          scope: ["read", "write"],
          extras: { team: { id: "T1" } },
        },
      },
      {
        rule: "RFC 6749 §6 / RFC 9700 §4.14.2: a rotated refresh token replaces the previous one",
        response: () => json({ access_token: "at-2", refresh_token: "rt-rotated" }),
        previous: PREVIOUS,
        tokens: {
          access_token: "at-2",
          refresh_token: "rt-rotated",
          token_type: "Bearer",
          expires_at: null,
          scope: ["read", "write"],
          extras: { team: { id: "T1" } },
        },
      },
      {
        rule: "no refresh_token and no previous → none stored",
        response: () => json({ access_token: "at" }),
        tokens: { access_token: "at", token_type: "Bearer", expires_at: null, scope: undefined },
      },
      {
        rule: "RFC 6749 §5.1: a scope in the response replaces the previous scope",
        response: () => json({ access_token: "at", scope: "read" }),
        previous: PREVIOUS,
        tokens: {
          access_token: "at",
          refresh_token: "old-refresh",
          token_type: "Bearer",
          expires_at: null,
          scope: ["read"],
          extras: { team: { id: "T1" } },
        },
      },
      {
        rule: "scopes separated by commas and spaces, with empty parts dropped",
        response: () => json({ access_token: "at", scope: " a, b,,c  d " }),
        tokens: { access_token: "at", token_type: "Bearer", expires_at: null, scope: ["a", "b", "c", "d"] },
      },
      {
        rule: "provider extras named by the app are kept (Slack's team)",
        response: () => json({ access_token: "xoxb", team: { id: "T9" }, ignored: true }),
        extras: ["team", "authed_user"],
        tokens: {
          access_token: "xoxb",
          token_type: "Bearer",
          expires_at: null,
          scope: undefined,
          extras: { team: { id: "T9" } },
        },
      },
    ],
  )("$rule", async ({ response, previous, extras, tokens }) => {
    tokenEndpoint(response);
    const result = await callTokenEndpoint(app({ tokenResponseExtras: extras ?? [] }), REFRESH_GRANT, {
      allowInsecure: false,
      now: NOW,
      previous,
    });
    // The arrival time is kept, so the refresh margin can be relative to the token's lifetime.
    expect(result).toEqual({ ok: true, tokens: { ...tokens, obtained_at: NOW } });
  });
});

type Failure = Extract<TokenEndpointResult, { ok: false }>;

describe("callTokenEndpoint: failures, classified as classifyRefreshFailure says (RFC 6749 §5.2)", () => {
  it.each<{ rule: string; response: () => Response; failure: Failure }>([
    {
      rule: "400 invalid_grant: the grant is dead",
      response: () => json({ error: "invalid_grant", error_description: "Token has been revoked" }, 400),
      failure: {
        ok: false,
        kind: "invalid_grant",
        status: 400,
        error: "invalid_grant",
        description: "Token has been revoked",
      },
    },
    {
      rule: "401 invalid_client: our client authentication is refused",
      response: () => json({ error: "invalid_client" }, 401, { "www-authenticate": 'Basic realm="token"' }),
      failure: { ok: false, kind: "rejected", status: 401, error: "invalid_client", description: "HTTP 401" },
    },
    {
      rule: "400 unauthorized_client: a configuration problem",
      response: () => json({ error: "unauthorized_client", error_description: "grant not allowed" }, 400),
      failure: {
        ok: false,
        kind: "rejected",
        status: 400,
        error: "unauthorized_client",
        description: "grant not allowed",
      },
    },
    {
      rule: "500 with an HTML body: transient",
      response: () => new Response("<html>oops</html>", { status: 500, headers: { "content-type": "text/html" } }),
      failure: { ok: false, kind: "transient", status: 500, error: "http_500", description: "HTTP 500" },
    },
    {
      rule: "503 temporarily_unavailable: transient",
      response: () => json({ error: "temporarily_unavailable" }, 503),
      failure: { ok: false, kind: "transient", status: 503, error: "temporarily_unavailable", description: "HTTP 503" },
    },
    {
      rule: "429 with Retry-After: transient",
      response: () => new Response("slow down", { status: 429, headers: { "retry-after": "30" } }),
      failure: { ok: false, kind: "transient", status: 429, error: "http_429", description: "HTTP 429" },
    },
    {
      rule: "200 with malformed JSON: transient malformed_response",
      response: () => new Response("{not json", { headers: { "content-type": "application/json" } }),
      failure: {
        ok: false,
        kind: "transient",
        status: 200,
        error: "malformed_response",
        description: "The token endpoint returned an unreadable token response",
      },
    },
    {
      rule: "200 with a JSON string instead of an object: malformed_response",
      response: () => json("access_token"),
      failure: {
        ok: false,
        kind: "transient",
        status: 200,
        error: "malformed_response",
        description: "The token endpoint returned an unreadable token response",
      },
    },
    {
      rule: "200 with a JSON array: malformed_response",
      response: () => json([{ access_token: "at" }]),
      failure: {
        ok: false,
        kind: "transient",
        status: 200,
        error: "malformed_response",
        description: "The token endpoint returned an unreadable token response",
      },
    },
    {
      rule: "200 without access_token (RFC 6749 §5.1 REQUIRED): malformed_response",
      response: () => json({ token_type: "bearer", expires_in: 3600 }),
      failure: {
        ok: false,
        kind: "transient",
        status: 200,
        error: "malformed_response",
        description: "The token endpoint returned an unreadable token response",
      },
    },
    {
      rule: "200 with a negative expires_in: malformed_response",
      response: () => json({ access_token: "at", expires_in: -5 }),
      failure: {
        ok: false,
        kind: "transient",
        status: 200,
        error: "malformed_response",
        description: "The token endpoint returned an unreadable token response",
      },
    },
    {
      rule: "200 with a non-numeric expires_in: malformed_response",
      response: () => json({ access_token: "at", expires_in: "soon" }),
      failure: {
        ok: false,
        kind: "transient",
        status: 200,
        error: "malformed_response",
        description: "The token endpoint returned an unreadable token response",
      },
    },
    {
      rule: "a long error_description is cut to 300 characters",
      response: () => json({ error: "invalid_grant", error_description: "x".repeat(1000) }, 400),
      failure: { ok: false, kind: "invalid_grant", status: 400, error: "invalid_grant", description: "x".repeat(300) },
    },
    {
      rule: "a 3xx redirect is not followed (redirect: manual) and is not a token response",
      response: () => new Response(null, { status: 302, headers: { location: "https://elsewhere.example/" } }),
      failure: { ok: false, kind: "transient", status: 302, error: "http_302", description: "HTTP 302" },
    },
  ])("$rule", async ({ response, failure }) => {
    tokenEndpoint(response);
    const result = await callTokenEndpoint(app(), REFRESH_GRANT, {
      allowInsecure: false,
      now: NOW,
      previous: PREVIOUS,
    });
    expect(result).toEqual(failure);
    expect(failure.kind).toBe(classifyRefreshFailure({ status: failure.status, error: failure.error }));
  });

  it.each([
    {
      rule: "GitHub's bad_refresh_token in a 200 form body",
      body: "error=bad_refresh_token&error_description=The+refresh+token+passed+is+incorrect+or+expired.",
      error: "bad_refresh_token",
      description: "The refresh token passed is incorrect or expired.",
    },
    {
      rule: "GitHub's incorrect_client_credentials in a 200 form body",
      body: "error=incorrect_client_credentials",
      error: "incorrect_client_credentials",
      description: "HTTP 200",
    },
    {
      rule: "invalid_grant in a 200 form body",
      body: "error=invalid_grant",
      error: "invalid_grant",
      description: "HTTP 200",
    },
  ])("an error in a 200 body is a failure, never tokens: $rule", async ({ body, error, description }) => {
    tokenEndpoint(
      () => new Response(body, { status: 200, headers: { "content-type": "application/x-www-form-urlencoded" } }),
    );
    const result = await callTokenEndpoint(app(), REFRESH_GRANT, { allowInsecure: false, now: NOW });
    expect(result).toEqual({
      ok: false,
      kind: classifyRefreshFailure({ status: 200, error }),
      status: 200,
      error,
      description,
    });
  });

  it.each([
    {
      rule: "a network error (fetch rejects with TypeError)",
      thrown: () => new TypeError("Network connection lost"),
      error: "network_error",
      description: "The token endpoint could not be reached",
    },
    {
      rule: "a timeout (AbortSignal.timeout → TimeoutError)",
      thrown: () => new DOMException("The operation timed out", "TimeoutError"),
      error: "timeout",
      description: "The token endpoint did not answer in time",
    },
    {
      rule: "an abort (AbortError)",
      thrown: () => new DOMException("The operation was aborted", "AbortError"),
      error: "timeout",
      description: "The token endpoint did not answer in time",
    },
  ])("$rule is transient with no status", async ({ thrown, error, description }) => {
    vi.spyOn(globalThis, "fetch").mockImplementation(async (_input, init) => {
      // The call must be bounded: it carries an abort signal.
      expect(init?.signal).toBeInstanceOf(AbortSignal);
      throw thrown();
    });
    const result = await callTokenEndpoint(app(), REFRESH_GRANT, { allowInsecure: false, now: NOW });
    expect(result).toEqual({ ok: false, kind: "transient", status: null, error, description });
    expect(classifyRefreshFailure({ status: null, error })).toBe("transient");
  });
});

describe("callTokenEndpoint: the token URL passes the outbound SSRF policy first", () => {
  it.each([
    { rule: "plain http in production (RFC 6749 §3.2: TLS required)", tokenUrl: "http://auth.example.com/token" },
    { rule: "a loopback IPv4 literal", tokenUrl: "https://127.0.0.1/token" },
    { rule: "localhost", tokenUrl: "https://localhost/token" },
    { rule: "the cloud metadata address", tokenUrl: "https://169.254.169.254/latest" },
    { rule: "a private RFC 1918 address", tokenUrl: "https://10.0.0.5/token" },
    { rule: "not a URL", tokenUrl: "auth.example.com/token" },
  ])("$rule → invalid_token_url, nothing fetched", async ({ tokenUrl }) => {
    const { spy } = tokenEndpoint(() => json({ access_token: "never" }));
    const result = await callTokenEndpoint(app({ tokenUrl }), REFRESH_GRANT, { allowInsecure: false, now: NOW });
    expect(result).toMatchObject({ ok: false, kind: "rejected", status: null, error: "invalid_token_url" });
    expect(spy).not.toHaveBeenCalled();
  });

  it("development (allowInsecure) may use a local plain-http token endpoint", async () => {
    const { calls } = tokenEndpoint(() => json({ access_token: "local" }));
    const result = await callTokenEndpoint(app({ tokenUrl: "http://localhost:9999/token" }), REFRESH_GRANT, {
      allowInsecure: true,
      now: NOW,
    });
    expect(result.ok).toBe(true);
    expect(calls[0]?.url).toBe("http://localhost:9999/token");
  });
});

describe("callTokenEndpoint: the request (RFC 6749 §3.2, §4.1.3, §6)", () => {
  it("POSTs a form body with the grant, Accept JSON, and client_secret_basic credentials in the header", async () => {
    const { calls } = tokenEndpoint(() => json({ access_token: "at" }));
    await callTokenEndpoint(app({ extraTokenParams: { audience: "api", grant_type: "overridden" } }), REFRESH_GRANT, {
      allowInsecure: false,
      now: NOW,
    });
    const sent = calls[0] as Request;
    expect(sent.method).toBe("POST");
    expect(sent.url).toBe(TOKEN_URL);
    expect(sent.redirect).toBe("manual");
    expect(sent.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(sent.headers.get("accept")).toBe("application/json");
    // RFC 6749 §2.3.1: form-encoded id and secret ("client-1" → "client%2D1", "s3cret value" → "s3cret+value").
    expect(sent.headers.get("authorization")).toBe(`Basic ${btoa("client%2D1:s3cret+value")}`);
    const body = new URLSearchParams(await sent.text());
    // The grant wins over the app's extra parameters.
    expect(Object.fromEntries(body)).toEqual({
      audience: "api",
      grant_type: "refresh_token",
      refresh_token: "old-refresh",
    });
  });

  it("client_secret_post puts the credentials in the body and sends no Authorization header", async () => {
    const { calls } = tokenEndpoint(() => json({ access_token: "at" }));
    await callTokenEndpoint(app({ tokenAuthMethod: "client_secret_post" }), REFRESH_GRANT, {
      allowInsecure: false,
      now: NOW,
    });
    const sent = calls[0] as Request;
    expect(sent.headers.has("authorization")).toBe(false);
    const body = new URLSearchParams(await sent.text());
    expect(body.get("client_id")).toBe("client-1");
    expect(body.get("client_secret")).toBe("s3cret value");
  });

  it("an app without a secret (public client) sends client_id in the body only", async () => {
    const { calls } = tokenEndpoint(() => json({ access_token: "at" }));
    await callTokenEndpoint(
      app({ clientSecret: undefined }),
      { grant_type: "authorization_code", code: "c", code_verifier: "v" },
      {
        allowInsecure: false,
        now: NOW,
      },
    );
    const sent = calls[0] as Request;
    expect(sent.headers.has("authorization")).toBe(false);
    expect(Object.fromEntries(new URLSearchParams(await sent.text()))).toEqual({
      grant_type: "authorization_code",
      code: "c",
      code_verifier: "v",
      client_id: "client-1",
    });
  });
});
