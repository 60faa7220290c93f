import { describe, expect, it } from "vitest";
import { DEFAULT_RETURN_TO, sanitizeReturnTo } from "../../../src/auth/return-to";
import {
  evaluateSession,
  isProviderCheckDue,
  PROVIDER_SESSION_CHECK_INTERVAL_MS,
  SESSION_IDLE_TIMEOUT_MS,
  SESSION_TOUCH_INTERVAL_MS,
} from "../../../src/auth/session-policy";
import { signSessionToken, verifySessionCookie } from "../../../src/auth/sessions";
import { signatureTimestamp } from "../../../src/auth/workos-webhooks";
import { computeCodeChallenge, createCodeVerifier, verifyCodeChallenge } from "../../../src/crypto/pkce";
import { isCsrfSafe } from "../../../src/platform/middleware/csrf";

const APP = "https://app.example.com";

describe("return_to: same-origin paths only (RFC 6749 §10.15, open redirectors)", () => {
  it.each([
    ["/", "/"],
    ["/workflows", "/workflows"],
    ["/workflows?tab=mine#top", "/workflows?tab=mine#top"],
    ["/a/../b", "/b"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
  ])("keeps %s as %s", (input, expected) => {
    expect(sanitizeReturnTo(input, APP)).toBe(expected);
  });

  it.each([
    ["undefined", undefined],
    ["empty", ""],
    ["an absolute URL", "https://evil.example/"],
    ["our own absolute URL (only paths are accepted)", `${APP}/x`],
    ["a scheme-relative URL", "//evil.example"],
    ["a backslash that browsers turn into //", "/\\evil.example"],
    ["a backslash later in the path", "/foo\\bar"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a data: URL", "data:text/html,x"],
    ["a relative path", "workflows"],
    ["a tab inside //", "/\t/evil.example"],
    ["a newline (header injection)", "/x\r\nSet-Cookie: a=b"],
    ["an over-long value", `/${"a".repeat(3000)}`],
  ])("replaces %s with /", (_name, input) => {
    expect(sanitizeReturnTo(input, APP)).toBe(DEFAULT_RETURN_TO);
  });
});

describe("PKCE S256 (RFC 7636)", () => {
  // RFC 7636 Appendix B.
  const RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

  it("computes the RFC 7636 Appendix B challenge", async () => {
    expect(await computeCodeChallenge(RFC_VERIFIER)).toBe(RFC_CHALLENGE);
  });

  it("creates 43-character verifiers from the unreserved set (§4.1)", () => {
    expect(createCodeVerifier()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createCodeVerifier()).not.toBe(createCodeVerifier());
  });

  it.each([
    { name: "the matching verifier", verifier: RFC_VERIFIER, method: "S256", ok: true },
    { name: "another verifier", verifier: createCodeVerifier(), method: "S256", ok: false },
    { name: "the plain method (§4.2, refused)", verifier: RFC_CHALLENGE, method: "plain", ok: false },
    { name: "an unknown method", verifier: RFC_VERIFIER, method: "S512", ok: false },
    { name: "a verifier too short (§4.1: 43 minimum)", verifier: "abc", method: "S256", ok: false },
    {
      name: "a verifier with illegal characters",
      verifier: `${RFC_VERIFIER.slice(0, 42)}/`,
      method: "S256",
      ok: false,
    },
  ])("verifies $name → $ok", async ({ verifier, method, ok }) => {
    expect(await verifyCodeChallenge(verifier, RFC_CHALLENGE, method)).toBe(ok);
  });
});

describe("CSRF decision (OWASP: origin check and Fetch Metadata)", () => {
  const allowed = new Set([APP]);
  it.each([
    {
      name: "a GET from anywhere",
      facts: { method: "GET", origin: "https://evil.example", secFetchSite: "cross-site", hasSessionCookie: true },
      ok: true,
    },
    {
      name: "a same-origin POST",
      facts: { method: "POST", origin: APP, secFetchSite: "same-origin", hasSessionCookie: true },
      ok: true,
    },
    {
      name: "a cross-site POST with the cookie",
      facts: { method: "POST", origin: "https://evil.example", secFetchSite: "cross-site", hasSessionCookie: true },
      ok: false,
    },
    {
      name: "a cross-site POST without a cookie (login CSRF)",
      facts: { method: "POST", origin: "https://evil.example", secFetchSite: undefined, hasSessionCookie: false },
      ok: false,
    },
    {
      name: "Origin: null (sandboxed iframe, file:)",
      facts: { method: "DELETE", origin: "null", secFetchSite: undefined, hasSessionCookie: true },
      ok: false,
    },
    {
      name: "no Origin but Sec-Fetch-Site same-origin",
      facts: { method: "PUT", origin: undefined, secFetchSite: "same-origin", hasSessionCookie: true },
      ok: true,
    },
    {
      name: "no Origin but Sec-Fetch-Site same-site",
      facts: { method: "PUT", origin: undefined, secFetchSite: "same-site", hasSessionCookie: true },
      ok: false,
    },
    {
      name: "a cookie with no browser headers at all",
      facts: { method: "POST", origin: undefined, secFetchSite: undefined, hasSessionCookie: true },
      ok: false,
    },
    {
      name: "a server-to-server call (no cookie, no browser headers)",
      facts: { method: "POST", origin: undefined, secFetchSite: undefined, hasSessionCookie: false },
      ok: true,
    },
  ])("$name → $ok", ({ facts, ok }) => {
    expect(isCsrfSafe(facts, allowed)).toBe(ok);
  });
});

describe("session lifetime (OWASP session management: idle + absolute timeouts)", () => {
  const now = 1_800_000_000_000;
  const live = {
    createdAt: now - 1000,
    lastSeenAt: now - 1000,
    expiresAt: now + 1000,
    revokedAt: null,
    userDeletedAt: null,
  };
  it.each([
    { name: "a fresh session", session: live, verdict: { valid: true, touch: false } },
    {
      name: "a session seen long enough ago to touch",
      session: { ...live, lastSeenAt: now - SESSION_TOUCH_INTERVAL_MS },
      verdict: { valid: true, touch: true },
    },
    {
      name: "a revoked session",
      session: { ...live, revokedAt: now - 1 },
      verdict: { valid: false, reason: "revoked" },
    },
    {
      name: "a deleted user's session",
      session: { ...live, userDeletedAt: now - 1 },
      verdict: { valid: false, reason: "user_deleted" },
    },
    {
      name: "a session past its absolute expiry",
      session: { ...live, expiresAt: now },
      verdict: { valid: false, reason: "expired" },
    },
    {
      name: "an idle session",
      session: { ...live, lastSeenAt: now - SESSION_IDLE_TIMEOUT_MS },
      verdict: { valid: false, reason: "idle" },
    },
  ])("$name", ({ session, verdict }) => {
    expect(evaluateSession(session, now)).toEqual(verdict);
  });

  it("re-confirms WorkOS sessions on an interval", () => {
    expect(isProviderCheckDue(null, now)).toBe(true);
    expect(isProviderCheckDue(now - PROVIDER_SESSION_CHECK_INTERVAL_MS + 1, now)).toBe(false);
    expect(isProviderCheckDue(now - PROVIDER_SESSION_CHECK_INTERVAL_MS, now)).toBe(true);
  });
});

describe("signed session cookies", () => {
  const token = "A".repeat(43);
  it("accepts its own signature and nothing else", async () => {
    const value = await signSessionToken("secret-secret-secret-secret-secret", token);
    expect(await verifySessionCookie("secret-secret-secret-secret-secret", value)).toBe(token);
    expect(await verifySessionCookie("another-secret-another-secret-xx", value)).toBeNull();
    expect(await verifySessionCookie("secret-secret-secret-secret-secret", value.replace(/^A/, "B"))).toBeNull();
    expect(await verifySessionCookie("secret-secret-secret-secret-secret", token)).toBeNull();
    expect(await verifySessionCookie("secret-secret-secret-secret-secret", `${value}.extra`)).toBeNull();
    expect(await verifySessionCookie("secret-secret-secret-secret-secret", undefined)).toBeNull();
  });
});

describe("WorkOS webhook signature header", () => {
  it.each([
    ["t=1700000000000, v1=abc", 1700000000000],
    ["t=1700000000000,v1=abc", 1700000000000],
    ["v1=abc, t=1700000000000", 1700000000000],
    ["t=soon, v1=abc", null],
    ["v1=abc", null],
    ["", null],
  ])("reads the timestamp of %j", (header, expected) => {
    expect(signatureTimestamp(header)).toBe(expected);
  });
});
