import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import { createLogger, type Logger } from "../../../src/platform/logger";
import {
  isOAuthError,
  OAUTH_ERROR_CODES,
  OAuthError,
  type OAuthErrorCode,
  oauthErrorBody,
  renderOAuthError,
} from "../../../src/platform/oauth-error";

/** The default HTTP status of each wire code. */
const DEFAULT_STATUSES: Record<OAuthErrorCode, number> = {
  invalid_request: 400, // RFC 6749 §5.2
  invalid_client: 401, // RFC 6749 §5.2: 401 when the client authenticated via the Authorization header
  invalid_grant: 400, // RFC 6749 §5.2
  unauthorized_client: 400, // RFC 6749 §5.2
  unsupported_grant_type: 400, // RFC 6749 §5.2
  invalid_scope: 400, // RFC 6749 §5.2
  access_denied: 400, // RFC 6749 §4.1.2.1 (normally a redirect; 400 when rendered directly)
  unsupported_response_type: 400, // RFC 6749 §4.1.2.1
  server_error: 500, // RFC 6749 §4.1.2.1: the 500 that cannot be returned in a redirect
  temporarily_unavailable: 503, // RFC 6749 §4.1.2.1: the 503 that cannot be returned in a redirect
  invalid_token: 401, // RFC 6750 §3.1
  insufficient_scope: 403, // RFC 6750 §3.1
  invalid_target: 400, // RFC 8707 §2
  invalid_redirect_uri: 400, // RFC 7591 §3.2.2
  invalid_client_metadata: 400, // RFC 7591 §3.2.2
};

describe("OAuthError: default status per code", () => {
  it.each(Object.entries(DEFAULT_STATUSES) as Array<[OAuthErrorCode, number]>)("%s → %i", (code, status) => {
    const error = new OAuthError(code);
    expect(error.status).toBe(status);
    expect(error.error).toBe(code);
    expect(error.name).toBe("OAuthError");
    expect(error.message).toBe(code);
  });

  it("the table above covers every wire code", () => {
    expect(Object.keys(DEFAULT_STATUSES).sort()).toEqual([...OAUTH_ERROR_CODES].sort());
  });

  it.each<{ code: OAuthErrorCode; status: 400 | 401 | 403 }>([
    // RFC 6749 §5.2: invalid_client MAY be 400 when the client did not use the Authorization header.
    { code: "invalid_client", status: 400 },
    // RFC 6750 §3.1: invalid_request on a resource is 400, but a caller may pick another.
    { code: "invalid_request", status: 401 },
    { code: "invalid_token", status: 403 },
  ])("an explicit status overrides the default: $code → $status", ({ code, status }) => {
    expect(new OAuthError(code, { status }).status).toBe(status);
  });

  it("keeps description, wwwAuthenticate, reason and cause", () => {
    const cause = new Error("db down");
    const error = new OAuthError("invalid_grant", {
      description: "The code was already used",
      wwwAuthenticate: 'Bearer error="invalid_token"',
      reason: "code_replayed",
      cause,
    });
    expect(error).toMatchObject({
      message: "The code was already used",
      description: "The code was already used",
      wwwAuthenticate: 'Bearer error="invalid_token"',
      reason: "code_replayed",
      cause,
    });
  });

  it.each([
    { rule: "an OAuthError", value: new OAuthError("invalid_scope"), is: true },
    {
      rule: "an OAuthError-shaped error from another copy of the module",
      value: Object.assign(new Error("x"), { name: "OAuthError", error: "invalid_grant" }),
      is: true,
    },
    { rule: "a plain Error", value: new Error("invalid_grant"), is: false },
    { rule: "an object that is not an Error", value: { name: "OAuthError", error: "invalid_grant" }, is: false },
    { rule: "null", value: null, is: false },
  ])("isOAuthError: $rule → $is", ({ value, is }) => {
    expect(isOAuthError(value)).toBe(is);
  });
});

/** A tiny app whose route throws `error`, rendered by the OAuth sub-apps' `onError`; log lines captured. */
function appThrowing(error: OAuthError) {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({ level: "debug", sink: (line) => lines.push(JSON.parse(line)) });
  const app = new Hono<{ Variables: { log: Logger } }>()
    .use(async (c, next) => {
      c.set("log", log);
      await next();
    })
    .get("/x", () => {
      throw error;
    })
    .onError((e, c) => renderOAuthError(c, e as OAuthError));
  return { app, lines };
}

describe("renderOAuthError (RFC 6749 §5.2, RFC 6750 §3)", () => {
  it.each<{
    rule: string;
    error: OAuthError;
    status: number;
    body: Record<string, string>;
    wwwAuthenticate: string | null;
  }>([
    {
      rule: "§5.2: invalid_grant with a description → 400 {error, error_description}",
      error: new OAuthError("invalid_grant", { description: "The code was already used", reason: "code_replayed" }),
      status: 400,
      body: { error: "invalid_grant", error_description: "The code was already used" },
      wwwAuthenticate: null,
    },
    {
      rule: "§5.2: no description → the body has only `error`",
      error: new OAuthError("unsupported_grant_type"),
      status: 400,
      body: { error: "unsupported_grant_type" },
      wwwAuthenticate: null,
    },
    {
      rule: "§5.2: invalid_client → 401 with WWW-Authenticate naming the scheme",
      error: new OAuthError("invalid_client", {
        description: "Client authentication failed",
        wwwAuthenticate: 'Basic realm="oauth"',
        reason: "secret_mismatch",
      }),
      status: 401,
      body: { error: "invalid_client", error_description: "Client authentication failed" },
      wwwAuthenticate: 'Basic realm="oauth"',
    },
    {
      rule: "RFC 6750 §3: invalid_token → 401 with a Bearer challenge and resource metadata (RFC 9728 §5.1)",
      error: new OAuthError("invalid_token", {
        wwwAuthenticate:
          'Bearer error="invalid_token", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource"',
        reason: "token_expired",
      }),
      status: 401,
      body: { error: "invalid_token" },
      wwwAuthenticate:
        'Bearer error="invalid_token", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource"',
    },
    {
      rule: "RFC 6750 §3.1: insufficient_scope → 403",
      error: new OAuthError("insufficient_scope", {
        wwwAuthenticate: 'Bearer error="insufficient_scope", scope="mcp"',
      }),
      status: 403,
      body: { error: "insufficient_scope" },
      wwwAuthenticate: 'Bearer error="insufficient_scope", scope="mcp"',
    },
    {
      rule: "server_error → 500, still the OAuth body, never the API envelope",
      error: new OAuthError("server_error", { reason: "d1_unavailable", cause: new Error("D1_ERROR: secret sql") }),
      status: 500,
      body: { error: "server_error" },
      wwwAuthenticate: null,
    },
  ])("$rule", async ({ error, status, body, wwwAuthenticate }) => {
    const { app } = appThrowing(error);
    const response = await app.request("/x");
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    // RFC 6749 §5.1/§5.2: responses carrying or refusing credentials are never cached.
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("pragma")).toBe("no-cache");
    expect(response.headers.get("www-authenticate")).toBe(wwwAuthenticate);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual(body);
    // The internal reason and cause are for our logs only.
    if (error.reason) expect(text).not.toContain(error.reason);
    expect(text).not.toContain("D1_ERROR");
    expect(text).not.toContain("success");
  });

  it.each([
    {
      rule: "a 4xx refusal is logged at info with the internal reason",
      error: new OAuthError("invalid_grant", { reason: "pkce_mismatch" }),
      level: "info",
    },
    {
      rule: "a 5xx is logged at error",
      error: new OAuthError("server_error", { reason: "d1_unavailable" }),
      level: "error",
    },
  ])("$rule", async ({ error, level }) => {
    const { app, lines } = appThrowing(error);
    await app.request("/x");
    expect(lines).toEqual([
      expect.objectContaining({ level, msg: "oauth request refused", oauth_error: error.error, reason: error.reason }),
    ]);
  });

  it("without a request logger it falls back to a default logger rather than failing", async () => {
    const spy = vi.spyOn(console, "log").mockImplementation(() => {});
    const app = new Hono()
      .get("/x", () => {
        throw new OAuthError("invalid_request", { reason: "missing_code" });
      })
      .onError((e, c) => renderOAuthError(c, e as OAuthError));
    const response = await app.request("/x");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "invalid_request" });
    expect(spy).toHaveBeenCalledWith(expect.stringContaining("missing_code"));
  });

  it("oauthErrorBody omits an empty description", () => {
    expect(oauthErrorBody(new OAuthError("invalid_scope", { description: "" }))).toEqual({ error: "invalid_scope" });
  });
});
