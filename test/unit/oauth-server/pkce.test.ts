import { describe, expect, it } from "vitest";
import { computeCodeChallenge } from "../../../src/crypto/pkce";
import { checkPkceAuthorizationRequest, verifyPkceCodeVerifier } from "../../../src/oauth-server/pkce";

// A verifier and its S256 challenge computed independently with Node's crypto
// (`createHash("sha256").update(verifier).digest("base64url")`).
const RFC_VERIFIER = "dBjftJeZ4CVP-mJ92K50s_o1wbvQEqUo0BnpnXtrHSI";
const RFC_CHALLENGE = "v2JtLdbEbxv27IBT51BzTQ7XW0J9k3n_WiM2IUSRTNo";

describe("checkPkceAuthorizationRequest (RFC 7636 §4.3; OAuth 2.1 §4.1.1)", () => {
  it.each([
    ["missing code_challenge (OAuth 2.1 §4.1.1: PKCE required)", {}, "missing_challenge"],
    ["empty code_challenge", { code_challenge: "", code_challenge_method: "S256" }, "missing_challenge"],
    ["missing method means plain (RFC 7636 §4.3)", { code_challenge: RFC_CHALLENGE }, "method_not_supported"],
    [
      "plain (OAuth 2.1 §7.5.2)",
      { code_challenge: RFC_CHALLENGE, code_challenge_method: "plain" },
      "method_not_supported",
    ],
    [
      "lower-case s256 (methods are case-sensitive)",
      { code_challenge: RFC_CHALLENGE, code_challenge_method: "s256" },
      "method_not_supported",
    ],
    ["an unknown method", { code_challenge: RFC_CHALLENGE, code_challenge_method: "S512" }, "method_not_supported"],
    [
      "a challenge that is not 43 base64url characters (RFC 7636 §4.2)",
      { code_challenge: "short", code_challenge_method: "S256" },
      "invalid_challenge",
    ],
    [
      "a challenge with padding",
      { code_challenge: `${RFC_CHALLENGE.slice(0, 42)}=`, code_challenge_method: "S256" },
      "invalid_challenge",
    ],
  ] as const)("refuses %s", (_rule, params, reason) => {
    expect(checkPkceAuthorizationRequest(params)).toEqual({ ok: false, reason });
  });

  it("accepts S256 with a well-formed challenge (RFC 7636 §4.2)", () => {
    expect(checkPkceAuthorizationRequest({ code_challenge: RFC_CHALLENGE, code_challenge_method: "S256" })).toEqual({
      ok: true,
      codeChallenge: RFC_CHALLENGE,
    });
  });
});

describe("verifyPkceCodeVerifier (RFC 7636 §4.6)", () => {
  it("accepts a verifier whose S256 hash is the challenge", async () => {
    expect(await computeCodeChallenge(RFC_VERIFIER)).toBe(RFC_CHALLENGE);
    expect(await verifyPkceCodeVerifier(RFC_VERIFIER, RFC_CHALLENGE)).toBe(true);
  });
  it.each([
    ["a wrong verifier", "eBjftJeZ4CVP-mJ92K50s_o1wbvQEqUo0BnpnXtrHSI"],
    ["a missing verifier", undefined],
    ["a verifier shorter than 43 characters (RFC 7636 §4.1)", "abc"],
    ["the challenge itself sent as the verifier (plain downgrade)", RFC_CHALLENGE],
  ])("refuses %s", async (_rule, verifier) => {
    expect(await verifyPkceCodeVerifier(verifier, RFC_CHALLENGE)).toBe(false);
  });
});
