import { describe, expect, it } from "vitest";
import {
  API_KEY_PATTERN,
  apiKeyState,
  authorizeApiKeyRequest,
  bearerApiKey,
  displayPrefix,
} from "../../../src/auth/api-keys/keys";

const KEY = `eik_${"A".repeat(43)}`;

describe("bearerApiKey (RFC 6750 §2.1 Authorization: Bearer)", () => {
  it.each([
    ["no header", undefined, undefined],
    ["one of our keys", `Bearer ${KEY}`, KEY],
    ["the scheme in any case", `bearer ${KEY}`, KEY],
    ["another bearer token", "Bearer gho_notours", null],
    ["our prefix with the wrong length", `Bearer ${KEY}x`, null],
    ["basic auth", "Basic dXNlcjpwdw==", undefined],
    ["a scheme without a token", "Bearer", undefined],
  ])("%s", (_, header, expected) => {
    expect(bearerApiKey(header)).toBe(expected);
  });
});

describe("authorizeApiKeyRequest (SPEC §5.4: default is everything but key management and admin)", () => {
  it.each([
    // [scopes, method, path, allowed, reason?]
    [null, "GET", "/api/connections", true],
    [null, "POST", "/api/connections", true],
    [null, "GET", "/api/connections/abc/proxy/v1/me", true],
    [null, "GET", "/api/some-future-feature", true],
    [null, "GET", "/api/api-keys", false, "session_only"],
    [null, "POST", "/api/api-keys", false, "session_only"],
    [null, "DELETE", "/api/api-keys/abc", false, "session_only"],
    [null, "GET", "/api/admin/organizations", false, "session_only"],
    [null, "POST", "/api/auth/logout", false, "session_only"],
    [null, "POST", "/api/auth/sessions/revoke-all", false, "session_only"],
    [null, "GET", "/api/auth/me", true],
    [["connections:read"], "GET", "/api/connections", true],
    [["connections:read"], "GET", "/api/providers", true],
    [["connections:read"], "POST", "/api/connections", false, "insufficient_scope"],
    [["connections:read"], "GET", "/api/connections/abc/proxy/x", false, "insufficient_scope"],
    [["connections:use"], "POST", "/api/connections/abc/proxy/x", true],
    [["connections:use"], "POST", "/api/connections/abc/test", true],
    [["connections:use"], "POST", "/api/connections/test", true],
    [["connections:use"], "POST", "/api/webhooks/send", true],
    [["connections:write"], "PUT", "/api/connections/abc", true],
    [["connections:write"], "GET", "/api/oauth/github/authorize", true],
    [["account:read"], "GET", "/api/auth/me", true],
    [["connections:read"], "GET", "/api/some-future-feature", false, "insufficient_scope"],
    [["connections:read", "connections:write"], "GET", "/api/api-keys", false, "session_only"],
    [["workflows:read"], "GET", "/api/workflows", true],
    [["workflows:read"], "GET", "/api/agents/abc", true],
    [["workflows:execute"], "POST", "/api/executions/abc/cancel", true],
    [null, "GET", "/api/oauth/grants", false, "session_only"],
    [null, "DELETE", "/api/oauth/grants/abc", false, "session_only"],
    [null, "GET", "/api/admin/oauth/clients", false, "session_only"],
    [["connections:use"], "POST", "/api/connections/abc/tools/search/call", true],
    [["connections:use"], "POST", "/api/connections/mcp/discover", true],
    [["connections:read"], "GET", "/api/connections/mcp/providers", true],
    [["connections:use"], "GET", "/api/paragon/token", true],
    [["connections:read"], "POST", "/api/paragon/actions", false, "insufficient_scope"],
    [["connections:write"], "GET", "/api/oauth/mcp/authorize", true],
    [["workflows:read"], "POST", "/api/workflows/abc/execute", false, "insufficient_scope"],
  ] as const)("%j %s %s → %s", (scopes, method, path, allowed, reason?) => {
    const access = authorizeApiKeyRequest(scopes, method, path);
    expect(access.allowed).toBe(allowed);
    if (!access.allowed) expect(access.reason).toBe(reason);
  });

  it("does not treat a path that merely starts like a guarded one as that route", () => {
    expect(authorizeApiKeyRequest(null, "GET", "/api/api-keysX").allowed).toBe(true);
    expect(authorizeApiKeyRequest(null, "GET", "/api/administer").allowed).toBe(true);
  });
});

describe("apiKeyState", () => {
  const now = 1_000_000;
  it.each([
    [{ revokedAt: null, expiresAt: null }, "active"],
    [{ revokedAt: null, expiresAt: now + 1 }, "active"],
    [{ revokedAt: null, expiresAt: now }, "expired"],
    [{ revokedAt: now - 5, expiresAt: now + 100 }, "revoked"],
  ])("%j → %s", (key, state) => {
    expect(apiKeyState(key, now)).toBe(state);
  });
});

describe("key format", () => {
  it("shows eik_ and 8 characters as the prefix", () => {
    expect(displayPrefix(KEY)).toBe("eik_AAAAAAAA");
    expect(API_KEY_PATTERN.test(KEY)).toBe(true);
    expect(API_KEY_PATTERN.test(`eik_${"A".repeat(42)}`)).toBe(false);
  });
});
