import { describe, expect, it } from "vitest";
import { parseRegistrationRequest, registrationResponse } from "../../../src/oauth-server/registration";

const valid = { client_name: "Inspector", redirect_uris: ["http://localhost:6274/oauth/callback"] };

describe("parseRegistrationRequest: accepted (RFC 7591 §2)", () => {
  it("applies the RFC 7591 §2 defaults (client_secret_basic, authorization_code)", () => {
    const result = parseRegistrationRequest(valid);
    expect(result).toEqual({
      ok: true,
      metadata: {
        clientName: "Inspector",
        redirectUris: ["http://localhost:6274/oauth/callback"],
        tokenEndpointAuthMethod: "client_secret_basic",
        grantTypes: ["authorization_code"],
        scope: "",
        clientUri: null,
      },
    });
  });
  it.each(["none", "client_secret_basic", "client_secret_post"])("accepts token_endpoint_auth_method %s", (method) => {
    const result = parseRegistrationRequest({ ...valid, token_endpoint_auth_method: method });
    expect(result.ok && result.metadata.tokenEndpointAuthMethod).toBe(method);
  });
  it("ignores unknown metadata (RFC 7591 §2: MUST ignore) and never keeps it", () => {
    const result = parseRegistrationRequest({
      ...valid,
      logo_uri: "https://x.example/l.png",
      software_statement: "x",
      extra: 1,
    });
    expect(result.ok && Object.keys(result.metadata)).not.toContain("extra");
  });
  it("normalises scope and grant types", () => {
    const result = parseRegistrationRequest({
      ...valid,
      grant_types: ["refresh_token", "authorization_code", "refresh_token"],
      scope: "agents:read workflows:read",
    });
    expect(result.ok && result.metadata.grantTypes).toEqual(["authorization_code", "refresh_token"]);
    expect(result.ok && result.metadata.scope).toBe("workflows:read agents:read");
  });
  it("names an unnamed client so the consent page has something to show", () => {
    const result = parseRegistrationRequest({ redirect_uris: ["https://app.example.com/cb"] });
    expect(result.ok && result.metadata.clientName).toBe("Unnamed client");
  });
});

describe("parseRegistrationRequest: refused (RFC 7591 §3.2.2)", () => {
  it.each<[string, unknown, "invalid_redirect_uri" | "invalid_client_metadata"]>([
    ["not an object", "x", "invalid_client_metadata"],
    ["no redirect_uris (RFC 7591 §2: required for redirect-based flows)", { client_name: "x" }, "invalid_redirect_uri"],
    ["empty redirect_uris", { redirect_uris: [] }, "invalid_redirect_uri"],
    [
      "too many redirect_uris (size limit)",
      { redirect_uris: Array.from({ length: 11 }, (_, i) => `https://a.example/${i}`) },
      "invalid_redirect_uri",
    ],
    [
      "an http non-loopback redirect URI (OAuth 2.1 §2.3.1)",
      { redirect_uris: ["http://app.example.com/cb"] },
      "invalid_redirect_uri",
    ],
    [
      "a javascript: redirect URI (RFC 9700 §4.1.3)",
      { redirect_uris: ["javascript:alert(1)"] },
      "invalid_redirect_uri",
    ],
    [
      "a redirect URI with a fragment (RFC 6749 §3.1.2)",
      { redirect_uris: ["https://a.example/cb#x"] },
      "invalid_redirect_uri",
    ],
    ["a private-use scheme (only loopback and https)", { redirect_uris: ["myapp://cb"] }, "invalid_redirect_uri"],
    [
      "an unsupported auth method (RFC 7591 §2)",
      { ...valid, token_endpoint_auth_method: "private_key_jwt" },
      "invalid_client_metadata",
    ],
    ["the implicit grant (OAuth 2.1 removed it)", { ...valid, grant_types: ["implicit"] }, "invalid_client_metadata"],
    [
      "refresh_token without authorization_code",
      { ...valid, grant_types: ["refresh_token"] },
      "invalid_client_metadata",
    ],
    ["response_types token (OAuth 2.1 §1.3)", { ...valid, response_types: ["token"] }, "invalid_client_metadata"],
    ["an unknown scope", { ...valid, scope: "admin" }, "invalid_client_metadata"],
    ["an over-long client_name (size limit)", { ...valid, client_name: "x".repeat(101) }, "invalid_client_metadata"],
    ["a client_name with control characters", { ...valid, client_name: "Good\u0000App" }, "invalid_client_metadata"],
    ["an http client_uri", { ...valid, client_uri: "http://app.example.com" }, "invalid_client_metadata"],
  ])("%s", (_rule, body, error) => {
    const result = parseRegistrationRequest(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.error).toBe(error);
    expect(!result.ok && result.error.error_description.length).toBeGreaterThan(0);
  });
});

describe("registrationResponse (RFC 7591 §3.2.1)", () => {
  const parsed = parseRegistrationRequest({ ...valid, token_endpoint_auth_method: "none" });
  if (!parsed.ok) throw new Error("fixture");
  it("has no client_secret for a public client", () => {
    const body = registrationResponse("c1", parsed.metadata, 1_700_000_000);
    expect(body).not.toHaveProperty("client_secret");
    expect(body).toMatchObject({ client_id: "c1", client_id_issued_at: 1_700_000_000, response_types: ["code"] });
  });
  it("includes the secret once, with client_secret_expires_at 0 (never expires), for a confidential client", () => {
    expect(registrationResponse("c1", parsed.metadata, 1, "s3cret")).toMatchObject({
      client_secret: "s3cret",
      client_secret_expires_at: 0,
    });
  });
});
