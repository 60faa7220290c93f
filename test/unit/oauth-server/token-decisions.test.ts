import { describe, expect, it } from "vitest";
import {
  type AuthorizationCodeRow,
  type CodeExchangeRequest,
  type GrantRow,
  judgeClaimedCode,
  judgeRefresh,
  judgeUnclaimableCode,
  type RefreshTokenRow,
} from "../../../src/oauth-server/token-decisions";

const NOW = 1_800_000_000;
const RESOURCE = "https://app.example.com/mcp";
const code: AuthorizationCodeRow = {
  clientId: "c1",
  userId: "u1",
  redirectUri: "http://127.0.0.1:5000/cb",
  scope: "workflows:read",
  resource: RESOURCE,
  codeChallenge: "x",
  expiresAt: NOW + 60,
  usedAt: null,
  grantId: "g1",
};
const request: CodeExchangeRequest = {
  clientId: "c1",
  redirectUri: "http://127.0.0.1:5000/cb",
  resource: RESOURCE,
  pkceVerified: true,
};

describe("judgeClaimedCode (RFC 6749 §4.1.3; OAuth 2.1 §4.1.3)", () => {
  it("accepts a fresh code from its client, redirect URI and verifier", () => {
    expect(judgeClaimedCode(code, request, NOW)).toEqual({ ok: true, resource: RESOURCE });
  });
  it("accepts a token request without resource, using the code's (RFC 8707 §2.2)", () => {
    expect(judgeClaimedCode(code, { ...request, resource: null }, NOW)).toEqual({ ok: true, resource: RESOURCE });
  });
  it.each<[string, Partial<CodeExchangeRequest>, number, string, string]>([
    ["an expired code (≤ 60 s lifetime)", {}, NOW + 60, "invalid_grant", "code_expired"],
    ["another client's code (RFC 6749 §4.1.3)", { clientId: "c2" }, NOW, "invalid_grant", "client_mismatch"],
    [
      "a different redirect_uri (RFC 6749 §4.1.3)",
      { redirectUri: "http://127.0.0.1:5001/cb" },
      NOW,
      "invalid_grant",
      "redirect_uri_mismatch",
    ],
    ["a missing redirect_uri (OAuth 2.1 §4.1.3)", { redirectUri: null }, NOW, "invalid_grant", "redirect_uri_mismatch"],
    ["a wrong PKCE verifier (RFC 7636 §4.6)", { pkceVerified: false }, NOW, "invalid_grant", "pkce_failed"],
    [
      "another resource (RFC 8707 §2.2 invalid_target)",
      { resource: "https://app.example.com" },
      NOW,
      "invalid_target",
      "resource_mismatch",
    ],
  ])("refuses %s", (_rule, change, now, error, reason) => {
    expect(judgeClaimedCode(code, { ...request, ...change }, now)).toEqual({ ok: false, error, reason });
  });
});

describe("judgeUnclaimableCode (RFC 6749 §4.1.2, §10.5: replay revokes what the code issued)", () => {
  it("an unknown code is invalid_grant", () => {
    expect(judgeUnclaimableCode(null)).toEqual({ ok: false, error: "invalid_grant", reason: "code_unknown" });
  });
  it("a used code revokes the grant issued from it", () => {
    expect(judgeUnclaimableCode({ ...code, usedAt: NOW - 5 })).toEqual({
      ok: false,
      error: "invalid_grant",
      reason: "code_replayed",
      revokeGrantId: "g1",
    });
  });
  it("an unused code that could not be claimed has expired", () => {
    expect(judgeUnclaimableCode({ ...code, expiresAt: NOW - 1 })).toMatchObject({ reason: "code_expired" });
  });
});

describe("judgeRefresh (RFC 6749 §6; OAuth 2.1 §4.3.1; RFC 9700 §4.14.2)", () => {
  const token: RefreshTokenRow = { grantId: "g1", expiresAt: NOW + 1000, rotatedAt: null };
  const grant: GrantRow = {
    id: "g1",
    clientId: "c1",
    userId: "u1",
    scope: "workflows:read offline_access",
    resource: RESOURCE,
    revokedAt: null,
  };
  const base = { token, grant, clientId: "c1", claimed: true, resource: null, nowSeconds: NOW };

  it("rotates a current token of a live grant", () => {
    expect(judgeRefresh(base)).toEqual({ ok: true, grant });
  });
  it.each<[string, Partial<Parameters<typeof judgeRefresh>[0]>, Record<string, unknown>]>([
    ["an unknown token", { token: null }, { error: "invalid_grant", reason: "refresh_token_unknown" }],
    [
      "a token of a revoked grant",
      { grant: { ...grant, revokedAt: NOW - 1 } },
      { error: "invalid_grant", reason: "grant_revoked" },
    ],
    ["another client's token (RFC 6749 §6)", { clientId: "c2" }, { error: "invalid_grant", reason: "client_mismatch" }],
    [
      "a rotated token presented again: the whole grant is revoked (RFC 9700 §4.14.2)",
      { token: { ...token, rotatedAt: NOW - 10 } },
      { error: "invalid_grant", reason: "refresh_token_reused", revokeGrantId: "g1" },
    ],
    [
      "losing the rotation race to a concurrent use (reuse)",
      { claimed: false },
      { error: "invalid_grant", reason: "refresh_token_reused", revokeGrantId: "g1" },
    ],
    ["an expired token", { nowSeconds: NOW + 1000 }, { error: "invalid_grant", reason: "refresh_token_expired" }],
    [
      "another resource (RFC 8707 §2.2)",
      { resource: "https://other.example/mcp" },
      { error: "invalid_target", reason: "resource_mismatch" },
    ],
  ])("refuses %s", (_rule, change, expected) => {
    expect(judgeRefresh({ ...base, ...change })).toEqual({ ok: false, ...expected });
  });
});
