import { describe, expect, it } from "vitest";
import { metadataLocations, revocationEndpointOf } from "../../../src/oauth-client/revocation-endpoint";

// Issue 14 finding 10: a custom OAuth app's grant is revoked at the issuer's RFC 8414 `revocation_endpoint`
// when its settings name none.
describe("metadataLocations (RFC 8414 §3.1; OpenID Connect Discovery 1.0 §4)", () => {
  it.each([
    [
      "an issuer at the origin",
      "https://as.example.com/authorize",
      [
        ["https://as.example.com", "https://as.example.com/.well-known/oauth-authorization-server"],
        ["https://as.example.com", "https://as.example.com/.well-known/openid-configuration"],
      ],
    ],
    [
      "a path issuer (Keycloak-style realm)",
      "https://id.example.com/realms/acme/protocol/openid-connect/auth",
      [
        [
          "https://id.example.com/realms/acme/protocol/openid-connect",
          "https://id.example.com/.well-known/oauth-authorization-server/realms/acme/protocol/openid-connect",
        ],
        [
          "https://id.example.com/realms/acme/protocol/openid-connect",
          "https://id.example.com/realms/acme/protocol/openid-connect/.well-known/openid-configuration",
        ],
        [
          "https://id.example.com/realms/acme/protocol",
          "https://id.example.com/.well-known/oauth-authorization-server/realms/acme/protocol",
        ],
        [
          "https://id.example.com/realms/acme/protocol",
          "https://id.example.com/realms/acme/protocol/.well-known/openid-configuration",
        ],
        [
          "https://id.example.com/realms/acme",
          "https://id.example.com/.well-known/oauth-authorization-server/realms/acme",
        ],
        ["https://id.example.com/realms/acme", "https://id.example.com/realms/acme/.well-known/openid-configuration"],
        ["https://id.example.com", "https://id.example.com/.well-known/oauth-authorization-server"],
        ["https://id.example.com", "https://id.example.com/.well-known/openid-configuration"],
      ],
    ],
    ["not a URL", "not a url", []],
  ])("%s", (_name, authorizationUrl, expected) => {
    expect(metadataLocations(authorizationUrl).map((l) => [l.issuer, l.url])).toEqual(expected);
  });
});

describe("revocationEndpointOf (RFC 8414 §2 revocation_endpoint, §3.3 issuer validation)", () => {
  const location = {
    issuer: "https://as.example.com",
    url: "https://as.example.com/.well-known/oauth-authorization-server",
  };
  const AUTHORIZE = "https://as.example.com/authorize";
  const doc = {
    issuer: "https://as.example.com",
    authorization_endpoint: "https://as.example.com/authorize",
    revocation_endpoint: "https://as.example.com/revoke",
  };
  it.each([
    ["a matching document", doc, "https://as.example.com/revoke"],
    ["another issuer (§3.3: must be identical)", { ...doc, issuer: "https://evil.example" }, null],
    ["an issuer with a trailing slash", { ...doc, issuer: "https://as.example.com/" }, null],
    ["another authorization endpoint", { ...doc, authorization_endpoint: "https://as.example.com/other" }, null],
    ["no revocation endpoint", { ...doc, revocation_endpoint: undefined }, null],
    ["a non-string revocation endpoint", { ...doc, revocation_endpoint: 42 }, null],
    ["not an object", "metadata", null],
    ["null", null, null],
  ])("%s → %s", (_name, metadata, expected) => {
    expect(revocationEndpointOf(metadata, location, AUTHORIZE)).toBe(expected);
  });

  it("ignores the authorization URL's query when comparing endpoints", () => {
    expect(revocationEndpointOf(doc, location, `${AUTHORIZE}?prompt=consent`)).toBe("https://as.example.com/revoke");
  });
});
