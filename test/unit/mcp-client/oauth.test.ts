import { describe, expect, it } from "vitest";
import { computeCodeChallenge } from "../../../src/crypto/pkce";
import { challengeFrom } from "../../../src/mcp-client/fetch";
import { beginAuthorization, oauthAppRecord, toStoredTokens } from "../../../src/mcp-client/oauth/authorize";
import {
  authorizationServerMetadataUrls,
  checkAuthorizationServerMetadata,
  isResourceForServer,
  type McpAuthorizationServerInfo,
  scopesToRequest,
} from "../../../src/mcp-client/oauth/discovery";
import {
  callbackUrl,
  chooseRegistration,
  cimdClientId,
  clientMetadataDocument,
} from "../../../src/mcp-client/oauth/registration";
import { storedOAuthApp } from "../../../src/oauth-client/oauth-app";

describe("WWW-Authenticate challenge (RFC 9728 §5.1, RFC 6750 §3)", () => {
  const cases: [string, string | null, Record<string, string | undefined>][] = [
    [
      "RFC 9728 §5.1 resource_metadata",
      'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"',
      { resourceMetadataUrl: "https://mcp.example.com/.well-known/oauth-protected-resource/mcp" },
    ],
    [
      "RFC 6750 §3 error and scope with resource_metadata",
      'Bearer error="invalid_token", scope="files:read files:write", resource_metadata="https://a.example/m"',
      { resourceMetadataUrl: "https://a.example/m", scope: "files:read files:write", error: "invalid_token" },
    ],
    [
      "RFC 6750 §3.1 insufficient_scope (MCP step-up)",
      'Bearer realm="mcp", error="insufficient_scope", scope="admin"',
      { error: "insufficient_scope", scope: "admin" },
    ],
    ["no challenge header", null, {}],
    ["a Basic challenge carries none of these", 'Basic realm="mcp"', {}],
    ["resource_metadata that is not a URL is ignored", 'Bearer resource_metadata="not a url"', {}],
  ];
  for (const [name, header, expected] of cases) {
    it(name, () => {
      const parsed = challengeFrom(401, header);
      expect({
        resourceMetadataUrl: parsed.resourceMetadataUrl,
        scope: parsed.scope,
        error: parsed.error,
      }).toEqual({ resourceMetadataUrl: undefined, scope: undefined, error: undefined, ...expected });
      expect(parsed.status).toBe(401);
    });
  }
});

describe("protected-resource metadata `resource` must be the server URL or a prefix of it (RFC 9728 §3.3, §7.3; RFC 8707 §2)", () => {
  const server = "https://mcp.example.com/mcp";
  const cases: [string, string, boolean][] = [
    ["the server URL itself", "https://mcp.example.com/mcp", true],
    ["the origin (a prefix)", "https://mcp.example.com", true],
    ["the origin with a slash", "https://mcp.example.com/", true],
    ["a trailing slash makes it a longer path than the server URL", "https://mcp.example.com/mcp/", false],
    ["another path on the same host", "https://mcp.example.com/other", false],
    ["a prefix that is not on a segment boundary", "https://mcp.example.com/mc", false],
    ["a longer path than the server's", "https://mcp.example.com/mcp/tenant", false],
    ["another host", "https://evil.example.com/mcp", false],
    ["another scheme", "http://mcp.example.com/mcp", false],
    ["another port", "https://mcp.example.com:8443/mcp", false],
    ["not a URL", "mcp.example.com", false],
  ];
  for (const [name, resource, allowed] of cases) {
    it(`${name}: ${allowed ? "accepted" : "refused"}`, () => {
      expect(isResourceForServer(resource, server)).toBe(allowed);
    });
  }
});

describe("authorization-server metadata URLs (RFC 8414 §3.1 path insertion, §5 / OIDC Discovery; MCP 2025-11-25 order)", () => {
  it("an issuer with a path: OAuth path-inserted, OIDC path-inserted, OIDC appended", () => {
    expect(authorizationServerMetadataUrls("https://auth.example.com/tenant1")).toEqual([
      "https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
      "https://auth.example.com/.well-known/openid-configuration/tenant1",
      "https://auth.example.com/tenant1/.well-known/openid-configuration",
    ]);
  });
  it("an issuer without a path: OAuth, then OIDC", () => {
    expect(authorizationServerMetadataUrls("https://auth.example.com")).toEqual([
      "https://auth.example.com/.well-known/oauth-authorization-server",
      "https://auth.example.com/.well-known/openid-configuration",
    ]);
  });
  it("a trailing slash on the issuer path is not doubled", () => {
    expect(authorizationServerMetadataUrls("https://auth.example.com/tenant1/")[0]).toBe(
      "https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
    );
  });
});

describe("scope selection (MCP 2025-11-25 Scope Selection Strategy)", () => {
  const cases: [string, string | undefined, string[] | undefined, string[]][] = [
    ["the challenge's scope wins", "a b", ["x"], ["a", "b"]],
    ["else scopes_supported of the resource metadata", undefined, ["x", "y"], ["x", "y"]],
    ["a blank challenge scope falls through", "  ", ["x"], ["x"]],
    ["else nothing (AS default)", undefined, undefined, []],
  ];
  for (const [name, challenge, supported, expected] of cases) {
    it(name, () => {
      expect(scopesToRequest(challenge, supported ? { scopes_supported: supported } : undefined)).toEqual(expected);
    });
  }
});

describe("authorization-server metadata checks (RFC 8414 §2; MCP 2025-11-25 PKCE requirement)", () => {
  const base = {
    issuer: "https://as",
    authorization_endpoint: "https://as/a",
    token_endpoint: "https://as/t",
    response_types_supported: ["code"],
  };
  const cases: [string, Record<string, unknown>, boolean][] = [
    ["S256 advertised", { code_challenge_methods_supported: ["S256"] }, true],
    ["S256 among others", { code_challenge_methods_supported: ["plain", "S256"] }, true],
    ["no code_challenge_methods_supported: refuse to proceed", {}, false],
    ["plain only", { code_challenge_methods_supported: ["plain"] }, false],
    ["no token endpoint", { token_endpoint: undefined, code_challenge_methods_supported: ["S256"] }, false],
  ];
  for (const [name, change, ok] of cases) {
    it(name, () => {
      expect(checkAuthorizationServerMetadata({ ...base, ...change } as never) === null).toBe(ok);
    });
  }
});

describe("client registration choice (MCP 2025-11-25 Client Registration Approaches)", () => {
  const cases: [
    string,
    { cimdSupported: boolean; registrationEndpoint?: string },
    { pre?: string; cimd?: string },
    string,
  ][] = [
    [
      "pre-registered credentials first",
      { cimdSupported: true, registrationEndpoint: "https://as/r" },
      { pre: "abc", cimd: "https://app/oauth/mcp-client.json" },
      "preregistered",
    ],
    [
      "CIMD when the AS supports it",
      { cimdSupported: true, registrationEndpoint: "https://as/r" },
      { cimd: "https://app/oauth/mcp-client.json" },
      "cimd",
    ],
    [
      "DCR when CIMD is unsupported",
      { cimdSupported: false, registrationEndpoint: "https://as/r" },
      { cimd: "https://app/oauth/mcp-client.json" },
      "dcr",
    ],
    [
      "DCR when we have no https client id (local dev)",
      { cimdSupported: true, registrationEndpoint: "https://as/r" },
      {},
      "dcr",
    ],
    [
      "neither: the user must register a client",
      { cimdSupported: false },
      { cimd: "https://app/oauth/mcp-client.json" },
      "unsupported",
    ],
  ];
  for (const [name, server, options, expected] of cases) {
    it(name, () => {
      expect(chooseRegistration(server, { preregisteredClientId: options.pre, cimdClientId: options.cimd })).toBe(
        expected,
      );
    });
  }
});

describe("our Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document §3, RFC 7591 §2)", () => {
  it("is a public client whose client_id is the document's own https URL", () => {
    const document = clientMetadataDocument("https://app.example.com");
    expect(document).toEqual({
      client_id: "https://app.example.com/oauth/mcp-client.json",
      client_name: "Edge Integrations",
      client_uri: "https://app.example.com",
      redirect_uris: ["https://app.example.com/api/oauth/mcp/callback"],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    });
    expect(cimdClientId("https://app.example.com")).toBe(document.client_id);
  });
  it("has no usable client id when the app is not served over https", () => {
    expect(cimdClientId("http://localhost:8787")).toBeUndefined();
    expect(callbackUrl("http://localhost:8787")).toBe("http://localhost:8787/api/oauth/mcp/callback");
  });
});

const server: McpAuthorizationServerInfo = {
  resource: "https://mcp.example.com/mcp",
  issuer: "https://auth.example.com",
  authorizationEndpoint: "https://auth.example.com/authorize",
  tokenEndpoint: "https://auth.example.com/token",
  tokenEndpointAuthMethods: ["none"],
  issParameterSupported: true,
  cimdSupported: false,
  scopes: ["tools:read", "tools:call"],
};

describe("authorization request (OAuth 2.1 §4.1.1, RFC 7636 §4, RFC 8707 §2)", () => {
  it("carries PKCE S256 with a fresh verifier, our client, redirect URI, state, scopes and the resource", async () => {
    const client = { client_id: "client-1", token_endpoint_auth_method: "none", registration: "dcr" as const };
    const first = await beginAuthorization(server, client, {
      redirectUri: "https://app/api/oauth/mcp/callback",
      state: "st4te",
    });
    const second = await beginAuthorization(server, client, {
      redirectUri: "https://app/api/oauth/mcp/callback",
      state: "st4te",
    });
    const url = new URL(first.authorizationUrl);
    expect(url.origin + url.pathname).toBe("https://auth.example.com/authorize");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      client_id: "client-1",
      redirect_uri: "https://app/api/oauth/mcp/callback",
      state: "st4te",
      scope: "tools:read tools:call",
      resource: "https://mcp.example.com/mcp",
      code_challenge_method: "S256",
    });
    expect(first.codeVerifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/); // RFC 7636 §4.1
    expect(url.searchParams.get("code_challenge")).toBe(await computeCodeChallenge(first.codeVerifier)); // §4.2
    expect(second.codeVerifier).not.toBe(first.codeVerifier);
  });
});

describe("token refresh goes through the shared OAuth app shape", () => {
  it("a public client sends client_id in the body and the resource on every token request (RFC 8707 §2.2)", () => {
    const app = storedOAuthApp({
      oauth_app: oauthAppRecord(server, { client_id: "c", token_endpoint_auth_method: "none", registration: "dcr" }),
    });
    expect(app).toMatchObject({
      clientId: "c",
      clientSecret: undefined,
      tokenUrl: "https://auth.example.com/token",
      tokenAuthMethod: "client_secret_post",
      extraTokenParams: { resource: "https://mcp.example.com/mcp" },
    });
  });
  it("a registered confidential client keeps HTTP Basic (RFC 6749 §2.3.1)", () => {
    const app = storedOAuthApp({
      oauth_app: oauthAppRecord(server, {
        client_id: "c",
        client_secret: "s",
        token_endpoint_auth_method: "client_secret_basic",
        registration: "dcr",
      }),
    });
    expect(app?.tokenAuthMethod).toBe("client_secret_basic");
    expect(app?.clientSecret).toBe("s");
  });
  it("stores expiry as an instant and scopes as a list (RFC 6749 §5.1)", () => {
    expect(
      toStoredTokens(
        { access_token: "a", token_type: "Bearer", expires_in: 60, refresh_token: "r", scope: "x y" },
        1000,
      ),
    ).toEqual({
      access_token: "a",
      refresh_token: "r",
      token_type: "Bearer",
      expires_at: 61_000,
      obtained_at: 1000,
      scope: ["x", "y"],
    });
  });
});
