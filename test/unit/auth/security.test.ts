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

// Regression for issue 14 finding 1 ("open redirect after sign-in"): the raw value passed the checks but
// WHATWG dot-segment resolution turned it into a scheme-relative path (`//evil.example/phish`).
describe("open redirect after sign-in: the returned path is validated (issue 14 #1, RFC 6749 §10.15)", () => {
  it.each([
    ["/./ then //", "/.//evil.example/phish"],
    ["the issue's query value once decoded", decodeURIComponent("%2F.%2F%2Fevil.example%2Fphish")],
    ["/.. then //", "/..//evil.example/phish"],
    ["/a/.. then //", "/a/..//evil.example"],
    ["/%2e then //", "/%2e//evil.example"],
    ["/%2E%2E then //", "/%2E%2E//evil.example"],
    ["/a/%2e%2e then //", "/a/%2e%2e//evil.example"],
    ["/.%2e then //", "/.%2e//evil.example"],
    ["a backslash after a dot segment", "/./\\evil.example"],
    ["a backslash in place of a slash", "/\\evil.example"],
    ["a tab between the slashes", "/.\t//evil.example"],
    ["a tab after a dot segment", "/./\t/evil.example"],
    ["an encoded CR/LF", "/x%0d%0aSet-Cookie:%20a=b"],
    ["an encoded LF", "/x%0Ainjected"],
    ["an encoded NUL", "/x%00"],
    ["an encoded tab", "/x%09y"],
    ["an encoded DEL", "/x%7f"],
  ])("refuses %s (%s)", (_name, input) => {
    expect(sanitizeReturnTo(input, APP)).toBe(DEFAULT_RETURN_TO);
  });

  it.each([
    ["/a/./b", "/a/b"],
    ["/a/%2e%2e/b", "/b"],
    ["/a/b/..", "/a/"],
    ["/x?next=//evil.example", "/x?next=//evil.example"],
  ])("keeps the harmless %s as %s", (input, expected) => {
    expect(sanitizeReturnTo(input, APP)).toBe(expected);
  });

  it("never returns a value that resolves off-origin or differently (property over every refused variant)", () => {
    const probes = ["/.//e", "/..//e", "/%2e//e", "/%2E%2E//e", "/a/..//e", "/./e", "//e", "/\\e", "/a/../../..//e"];
    for (const probe of probes) {
      const out = sanitizeReturnTo(probe, APP);
      expect(out.startsWith("//")).toBe(false);
      expect(new URL(out, APP).origin).toBe(APP);
      expect(`${new URL(out, APP).pathname}${new URL(out, APP).search}`).toBe(out);
    }
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

// Regression for issue 14 finding 9: the decoder accepted a second spelling of the signature.
describe("session cookie signature: one canonical spelling (issue 14 #9, RFC 4648 §3.5 and §5)", () => {
  const SECRET = "secret-secret-secret-secret-secret";
  const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  /** The same 32 bytes with different (non-zero) pad bits in the last character. */
  const flipPadBit = (signature: string) => {
    const last = signature.at(-1) as string;
    return `${signature.slice(0, -1)}${B64URL[B64URL.indexOf(last) ^ 1]}`;
  };
  it.each([
    { name: "a trailing '='", spell: (sig: string) => `${sig}=` },
    { name: "a trailing '=='", spell: (sig: string) => `${sig}==` },
    { name: "non-zero pad bits in the last character", spell: flipPadBit },
    {
      name: "standard base64 alphabet padding",
      spell: (sig: string) => `${sig.replaceAll("-", "+").replaceAll("_", "/")}=`,
    },
    { name: "a trailing space", spell: (sig: string) => `${sig} ` },
    { name: "a percent-encoded '='", spell: (sig: string) => `${sig}%3D` },
  ])("refuses the signature spelled with $name", async ({ spell }) => {
    const token = "A".repeat(43);
    const value = await signSessionToken(SECRET, token);
    const [, signature] = value.split(".") as [string, string];
    const respelled = spell(signature);
    expect(respelled).not.toBe(signature);
    expect(await verifySessionCookie(SECRET, `${token}.${respelled}`)).toBeNull();
    expect(await verifySessionCookie(SECRET, value)).toBe(token);
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
