import { describe, expect, it } from "vitest";
import {
  authorizationServerMetadata,
  issuerFor,
  mcpResourceFor,
  protectedResourceMetadata,
  protectedResourceMetadataUrlFor,
} from "../../../src/oauth-server/metadata";

const cases = [
  ["local development", "http://localhost:8787", "http://localhost:8787"],
  ["a deployed origin given with a trailing slash", "https://api.example.com/", "https://api.example.com"],
] as const;

describe.each(cases)("discovery documents for %s", (_name, appUrl, issuer) => {
  const url = new URL(appUrl);
  const as = authorizationServerMetadata(url);
  const pr = protectedResourceMetadata(url);

  it("issuer is APP_URL without a trailing slash (RFC 8414 §2, §3.3: must equal the metadata URL's issuer)", () => {
    expect(as.issuer).toBe(issuer);
    expect(issuerFor(url)).toBe(issuer);
  });
  it("endpoints live under the issuer (RFC 8414 §2)", () => {
    for (const key of [
      "authorization_endpoint",
      "token_endpoint",
      "registration_endpoint",
      "revocation_endpoint",
      "introspection_endpoint",
      "jwks_uri",
    ] as const) {
      expect(as[key].startsWith(`${issuer}/`)).toBe(true);
    }
  });
  it("advertises S256 only (RFC 8414 §2 code_challenge_methods_supported; MCP: clients refuse without it)", () => {
    expect(as.code_challenge_methods_supported).toEqual(["S256"]);
  });
  it("advertises RFC 9207 iss and Client ID Metadata Documents", () => {
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    expect(as.client_id_metadata_document_supported).toBe(true);
  });
  it("offers public and confidential client authentication (RFC 8414 §2, RFC 7591 §2)", () => {
    expect(as.token_endpoint_auth_methods_supported).toEqual(["none", "client_secret_basic", "client_secret_post"]);
  });
  it("the resource is exactly {APP_URL}/mcp (RFC 9728 §2, §3.3; RFC 8707 §2)", () => {
    expect(pr.resource).toBe(`${issuer}/mcp`);
    expect(mcpResourceFor(url)).toBe(`${issuer}/mcp`);
    expect(pr.authorization_servers).toEqual([issuer]);
  });
  it("resource scopes exclude offline_access (MCP authorization, scope selection)", () => {
    expect(pr.scopes_supported).not.toContain("offline_access");
    expect(as.scopes_supported).toContain("offline_access");
  });
  it("the challenge points at the path-inserted metadata URL (RFC 9728 §3.1, §5.1)", () => {
    expect(protectedResourceMetadataUrlFor(url)).toBe(`${issuer}/.well-known/oauth-protected-resource/mcp`);
  });
});
