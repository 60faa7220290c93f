import { describe, expect, it } from "vitest";
import {
  checkRedirectUriForRegistration,
  matchRedirectUri,
  type RedirectUriRefusal,
} from "../../../src/oauth-server/redirect-uri";

describe("checkRedirectUriForRegistration: allowed", () => {
  it.each<[string, string, boolean]>([
    ["https to any host (OAuth 2.1 §2.3.1)", "https://app.example.com/callback", false],
    ["https with a query (RFC 6749 §3.1.2 allows one)", "https://app.example.com/cb?x=1", false],
    ["http loopback IPv4 literal (RFC 8252 §7.3)", "http://127.0.0.1:33418/callback", true],
    ["http loopback IPv6 literal (RFC 8252 §7.3)", "http://[::1]:8080/cb", true],
    ["http localhost (RFC 8252 §8.3, used by MCP clients)", "http://localhost:6274/oauth/callback", true],
    ["http loopback without a port (RFC 8252 §7.3)", "http://127.0.0.1/cb", true],
    ["https localhost is not the http loopback exception", "https://localhost/cb", false],
  ])("%s: %s", (_rule, uri, loopback) => {
    expect(checkRedirectUriForRegistration(uri)).toEqual({ ok: true, loopback });
  });
});

describe("checkRedirectUriForRegistration: refused", () => {
  it.each<[string, string, RedirectUriRefusal]>([
    ["not a URI", "callback", "invalid_uri"],
    ["javascript: (RFC 9700 §4.1.3)", "javascript:alert(1)", "scheme_not_allowed"],
    ["mixed-case JavaScript: (RFC 9700 §4.1.3)", "JavaScript:alert(1)//", "scheme_not_allowed"],
    ["data: (RFC 9700 §4.1.3)", "data:text/html,<script>x</script>", "scheme_not_allowed"],
    ["file:", "file:///etc/passwd", "scheme_not_allowed"],
    ["a private-use scheme (only loopback and https here)", "cursor://anysphere/callback", "scheme_not_allowed"],
    ["a fragment (RFC 6749 §3.1.2)", "https://app.example.com/cb#frag", "fragment_not_allowed"],
    ["an empty fragment (RFC 6749 §3.1.2)", "https://app.example.com/cb#", "fragment_not_allowed"],
    ["an upper-case scheme (exact matching, OAuth 2.1 §2.3.1)", "HTTPS://app.example.com/cb", "scheme_not_lowercase"],
    ["a mixed-case scheme", "hTTp://127.0.0.1/cb", "scheme_not_lowercase"],
    ["a scheme without // that parsers disagree on", "https:app.example.com/cb", "invalid_uri"],
    [
      "userinfo hiding the real host (RFC 9110 §4.2.4)",
      "https://app.example.com@evil.example/cb",
      "credentials_in_uri",
    ],
    ["http to a public host (OAuth 2.1 §2.3.1)", "http://app.example.com/cb", "insecure_non_loopback"],
    ["http to a look-alike of localhost", "http://localhost.evil.example/cb", "insecure_non_loopback"],
    ["http to a private address (not loopback)", "http://192.168.1.10/cb", "insecure_non_loopback"],
    ["http to 127.0.0.2 (only the RFC 8252 §7.3 literals)", "http://127.0.0.2/cb", "insecure_non_loopback"],
    ["whitespace inside", "https://app.example.com/c b", "invalid_uri"],
    ["a backslash, which WHATWG treats as a slash", "https://app.example.com\\@evil.example/", "invalid_uri"],
    ["longer than the limit", `https://app.example.com/${"a".repeat(2000)}`, "too_long"],
  ])("%s: %s", (_rule, uri, reason) => {
    expect(checkRedirectUriForRegistration(uri)).toEqual({ ok: false, reason });
  });
});

describe("matchRedirectUri (OAuth 2.1 §4.1.1, RFC 9700 §4.1.3: exact match; RFC 8252 §7.3: loopback port)", () => {
  const registered = [
    "https://app.example.com/callback",
    "http://127.0.0.1/callback",
    "http://localhost:6274/oauth/callback",
    "http://[::1]/cb?client=x",
  ];
  it.each<[string, string, boolean]>([
    ["the identical https URI", "https://app.example.com/callback", true],
    ["https with a trailing slash added", "https://app.example.com/callback/", false],
    ["https with a different path case", "https://app.example.com/Callback", false],
    ["https with an extra query", "https://app.example.com/callback?x=1", false],
    ["https with a port (even the default)", "https://app.example.com:443/callback", false],
    ["https with an upper-case host", "https://APP.example.com/callback", false],
    ["https with a fragment", "https://app.example.com/callback#x", false],
    ["http instead of https", "http://app.example.com/callback", false],
    ["loopback on any port (RFC 8252 §7.3)", "http://127.0.0.1:51234/callback", true],
    ["loopback with a port when none was registered", "http://127.0.0.1:1/callback", true],
    ["localhost registered with a port, requested with another", "http://localhost:9999/oauth/callback", true],
    ["IPv6 loopback on any port with the same query", "http://[::1]:4000/cb?client=x", true],
    ["IPv6 loopback with a different query", "http://[::1]:4000/cb?client=y", false],
    ["loopback with a different path", "http://127.0.0.1:51234/other", false],
    ["localhost is not 127.0.0.1 (different hosts)", "http://localhost:51234/callback", false],
    ["https on the loopback host does not get the port exception", "https://127.0.0.1:51234/callback", false],
    ["javascript:", "javascript:alert(1)", false],
    ["mixed-case scheme on loopback", "HTTP://127.0.0.1:5000/callback", false],
  ])("%s: %s → %s", (_rule, requested, matches) => {
    expect(matchRedirectUri(registered, requested)).toBe(matches ? requested : null);
  });
  it("matches nothing against an empty registration", () => {
    expect(matchRedirectUri([], "https://app.example.com/callback")).toBeNull();
  });
});
