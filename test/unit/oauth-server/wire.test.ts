import { describe, expect, it } from "vitest";
import { authorizationResponseUrl, bearerChallenge, sanitizeDescription } from "../../../src/oauth-server/wire";

const RM = "https://app.example.com/.well-known/oauth-protected-resource/mcp";

describe("bearerChallenge (RFC 6750 §3; RFC 9728 §5.1)", () => {
  it.each([
    [
      "no token: resource_metadata only (RFC 6750 §3.1: no error code)",
      { resourceMetadata: RM },
      `Bearer resource_metadata="${RM}"`,
    ],
    [
      "an invalid token (RFC 6750 §3.1 invalid_token)",
      { resourceMetadata: RM, error: "invalid_token" as const, description: "The access token expired" },
      `Bearer error="invalid_token", error_description="The access token expired", resource_metadata="${RM}"`,
    ],
    [
      "step-up (RFC 6750 §3.1 insufficient_scope, with every scope needed)",
      { resourceMetadata: RM, error: "insufficient_scope" as const, scope: "workflows:read workflows:execute" },
      `Bearer error="insufficient_scope", scope="workflows:read workflows:execute", resource_metadata="${RM}"`,
    ],
    [
      "quotes and backslashes are escaped (RFC 9110 §5.6.4 quoted-string)",
      { resourceMetadata: RM, error: "invalid_token" as const, description: 'bad "x" \\ y' },
      `Bearer error="invalid_token", error_description="bad 'x' ' y", resource_metadata="${RM}"`,
    ],
  ])("%s", (_rule, input, header) => {
    expect(bearerChallenge(input)).toBe(header);
  });
});

describe("sanitizeDescription (RFC 6749 §5.2)", () => {
  it("restricts error_description to the RFC 6749 §5.2 character set", () => {
    expect(sanitizeDescription('café "x"\n')).toBe("caf' 'x''");
  });
});

describe("authorizationResponseUrl (RFC 6749 §4.1.2; RFC 9207 §2)", () => {
  it("adds code, state and iss, keeping the registered query", () => {
    const url = new URL(
      authorizationResponseUrl("https://c.example/cb?x=1", {
        code: "abc",
        state: "s t",
        iss: "https://app.example.com",
      }),
    );
    expect([...url.searchParams]).toEqual([
      ["x", "1"],
      ["code", "abc"],
      ["state", "s t"],
      ["iss", "https://app.example.com"],
    ]);
  });
  it("carries iss on errors too (RFC 9207 §2) and omits an absent state", () => {
    const url = new URL(
      authorizationResponseUrl("http://127.0.0.1:4000/cb", { error: "access_denied", iss: "https://app.example.com" }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({ error: "access_denied", iss: "https://app.example.com" });
  });
});
