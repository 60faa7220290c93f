import { describe, expect, it } from "vitest";
import {
  checkOutboundUrl,
  isPrivateIPv4,
  isPrivateIPv6,
  joinUnderBase,
  type OutboundUrlRefusal,
} from "../../../src/outbound/url-policy";

const STRICT = { allowInsecure: false };
const DEV = { allowInsecure: true };

describe("the WHATWG URL parser canonicalises IP hosts before any check runs (WHATWG URL §3.5 IPv4 parser)", () => {
  it.each([
    ["decimal", "https://2130706433/", "127.0.0.1"],
    ["hex with a short form", "https://0x7f.1/", "127.0.0.1"],
    ["octal", "https://017700000001/", "127.0.0.1"],
    ["short form", "https://127.1/", "127.0.0.1"],
    ["a single zero", "https://0/", "0.0.0.0"],
    ["octal metadata address", "https://0251.0376.0251.0376/", "169.254.169.254"],
    ["IPv4-mapped IPv6 is serialised in hex (RFC 5952)", "https://[::ffff:127.0.0.1]/", "[::ffff:7f00:1]"],
    ["IPv6 is compressed and lower-cased (RFC 5952)", "https://[0:0:0:0:0:0:0:1]/", "[::1]"],
  ])("%s: %s has hostname %s", (_form, input, hostname) => {
    expect(new URL(input).hostname).toBe(hostname);
  });
});

describe("checkOutboundUrl: allowed targets (production)", () => {
  it.each([
    ["a public https URL", "https://api.example.com/v1/users?x=1", "https://api.example.com/v1/users?x=1"],
    ["a public IPv4 literal (RFC 6890: not special-purpose)", "https://8.8.8.8/", "https://8.8.8.8/"],
    ["a public IPv6 literal in 2000::/3 (RFC 4291 §2.4)", "https://[2606:4700::1111]/", "https://[2606:4700::1111]/"],
    ["IPv4-mapped public address (RFC 4291 §2.5.5.2)", "https://[::ffff:8.8.8.8]/", "https://[::ffff:808:808]/"],
    ["NAT64 of a public address (RFC 6052)", "https://[64:ff9b::8.8.8.8]/", "https://[64:ff9b::808:808]/"],
    ["a non-default port (cloud APIs use many)", "https://api.example.com:8443/", "https://api.example.com:8443/"],
    ["a high port", "https://api.example.com:65535/", "https://api.example.com:65535/"],
    ["a name that merely contains 'local'", "https://localhost.example.com/", "https://localhost.example.com/"],
    ["a name ending in a look-alike suffix", "https://my-internal.example/", "https://my-internal.example/"],
    ["172.32.0.1, just past 172.16/12 (RFC 1918)", "https://172.32.0.1/", "https://172.32.0.1/"],
    ["100.128.0.1, just past 100.64/10 (RFC 6598)", "https://100.128.0.1/", "https://100.128.0.1/"],
  ])("allows %s", (_rule, input, href) => {
    const result = checkOutboundUrl(input, STRICT);
    expect(result).toEqual({ ok: true, url: new URL(href) });
  });

  it("returns a fresh URL, not the caller's object", () => {
    const input = new URL("https://api.example.com/");
    const result = checkOutboundUrl(input, STRICT);
    expect(result.ok && result.url).not.toBe(input);
    expect(result.ok && result.url.href).toBe(input.href);
  });
});

describe("checkOutboundUrl: refused targets (production)", () => {
  it.each<[string, string, OutboundUrlRefusal]>([
    ["not a URL", "not a url", "invalid_url"],
    ["a relative reference", "/v1/users", "invalid_url"],
    ["an unparseable IPv6 host", "https://[::1/", "invalid_url"],
    ["plain http (RFC 9110 §4.2.2: https only)", "http://api.example.com/", "scheme_not_allowed"],
    ["file: (local files)", "file:///etc/passwd", "scheme_not_allowed"],
    ["data:", "data:text/plain,hello", "scheme_not_allowed"],
    ["javascript:", "javascript:alert(1)", "scheme_not_allowed"],
    ["ftp:", "ftp://ftp.example.com/", "scheme_not_allowed"],
    ["gopher: (raw TCP smuggling)", "gopher://127.0.0.1:6379/_FLUSHALL", "scheme_not_allowed"],
    ["ws: (not an HTTP fetch)", "ws://api.example.com/", "scheme_not_allowed"],
    ["userinfo (RFC 9110 §4.2.4)", "https://user:pass@api.example.com/", "credentials_in_url"],
    ["a username only (RFC 3986 §3.2.1)", "https://token@api.example.com/", "credentials_in_url"],
    ["a password only", "https://:secret@api.example.com/", "credentials_in_url"],
    ["the trusted@evil trick", "https://api.example.com@evil.example/", "credentials_in_url"],
    ["port 0 (RFC 6335 §6 reserved)", "https://api.example.com:0/", "port_not_allowed"],
    ["localhost (RFC 6761 §6.3)", "https://localhost/", "blocked_hostname"],
    ["LOCALHOST in capitals", "https://LOCALHOST:8443/", "blocked_hostname"],
    ["localhost. with the root dot", "https://localhost./", "blocked_hostname"],
    ["fullwidth localhost (UTS #46 mapping)", "https://ｌｏｃａｌｈｏｓｔ/", "blocked_hostname"],
    ["*.localhost (RFC 6761 §6.3)", "https://app.localhost/", "blocked_hostname"],
    ["*.local (RFC 6762 mDNS)", "https://printer.local/", "blocked_hostname"],
    ["*.internal (private-use TLD)", "https://db.corp.internal/", "blocked_hostname"],
    ["GCP metadata name", "https://metadata.google.internal/computeMetadata/v1/", "blocked_hostname"],
    ["GCP metadata name with the root dot", "https://metadata.google.internal./", "blocked_hostname"],
    ["bare metadata alias", "https://metadata/", "blocked_hostname"],
    ["127.0.0.1 loopback (RFC 1122)", "https://127.0.0.1/", "private_address"],
    ["decimal 2130706433 (WHATWG URL → 127.0.0.1)", "https://2130706433/", "private_address"],
    ["hex 0x7f.1 (WHATWG URL → 127.0.0.1)", "https://0x7f.1/", "private_address"],
    ["octal 017700000001 (WHATWG URL → 127.0.0.1)", "https://017700000001/", "private_address"],
    ["short 127.1 (WHATWG URL → 127.0.0.1)", "https://127.1/", "private_address"],
    ["0 (WHATWG URL → 0.0.0.0, RFC 6890 this-network)", "https://0/", "private_address"],
    ["octal metadata address (WHATWG URL → 169.254.169.254)", "https://0251.0376.0251.0376/", "private_address"],
    ["cloud metadata 169.254.169.254 (RFC 3927)", "https://169.254.169.254/latest/meta-data/", "private_address"],
    ["10.0.0.1 (RFC 1918)", "https://10.0.0.1/", "private_address"],
    ["192.168.1.1 (RFC 1918)", "https://192.168.1.1:8443/", "private_address"],
    ["100.64.0.1 CGNAT (RFC 6598)", "https://100.64.0.1/", "private_address"],
    ["[::1] loopback (RFC 4291 §2.5.3)", "https://[::1]/", "private_address"],
    ["[::] unspecified (RFC 4291 §2.5.2)", "https://[::]/", "private_address"],
    ["[::ffff:127.0.0.1] IPv4-mapped loopback (RFC 4291 §2.5.5.2)", "https://[::ffff:127.0.0.1]/", "private_address"],
    ["[::ffff:7f00:1] IPv4-mapped loopback, hex", "https://[::ffff:7f00:1]/", "private_address"],
    ["[::ffff:a9fe:a9fe] mapped metadata address", "https://[::ffff:a9fe:a9fe]/", "private_address"],
    ["[::127.0.0.1] IPv4-compatible (RFC 4291 §2.5.5.1)", "https://[::127.0.0.1]/", "private_address"],
    ["[64:ff9b::10.0.0.1] NAT64 of RFC 1918 (RFC 6052)", "https://[64:ff9b::10.0.0.1]/", "private_address"],
    ["[fd00::1] unique-local (RFC 4193)", "https://[fd00::1]/", "private_address"],
    ["[fe80::1] link-local (RFC 4291 §2.5.6)", "https://[fe80::1]/", "private_address"],
    ["[fd00:ec2::254] AWS IMDS over IPv6 (RFC 4193)", "https://[fd00:ec2::254]/", "private_address"],
  ])("refuses %s", (_rule, input, reason) => {
    const result = checkOutboundUrl(input, STRICT);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe(reason);
  });

  it.each([
    ["production, userinfo", "https://alice:hunter2@api.example.com/", STRICT],
    ["development, userinfo", "https://alice:hunter2@api.example.com/", DEV],
    ["production, an invalid URL", "https://alice:hunter2@[::1/", STRICT],
    ["production, a refused scheme", "gopher://alice:hunter2@api.example.com/", STRICT],
  ])("never echoes credentials in the message (%s)", (_case, input, policy) => {
    const result = checkOutboundUrl(input, policy);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).not.toMatch(/hunter2|alice/);
    expect(!result.ok && result.message.length).toBeGreaterThan(10);
  });
});

describe("checkOutboundUrl: development (allowInsecure)", () => {
  it.each([
    ["plain http", "http://api.example.com/"],
    ["localhost on http (a local dev upstream)", "http://localhost:8788/"],
    ["loopback IPv4", "http://127.0.0.1:9000/"],
    ["loopback IPv6", "http://[::1]:9000/"],
    ["a private network address", "https://192.168.1.10/"],
    ["a .internal name", "https://db.internal/"],
    ["port 0 (only invalid URLs, schemes and userinfo are refused)", "https://localhost:0/"],
  ])("allows %s", (_rule, input) => {
    expect(checkOutboundUrl(input, DEV)).toEqual({ ok: true, url: new URL(input) });
  });

  it.each<[string, string, OutboundUrlRefusal]>([
    ["an invalid URL", "http://", "invalid_url"],
    ["file:", "file:///etc/passwd", "scheme_not_allowed"],
    ["data:", "data:,x", "scheme_not_allowed"],
    ["javascript:", "javascript:void(0)", "scheme_not_allowed"],
    ["ftp:", "ftp://localhost/", "scheme_not_allowed"],
    ["gopher:", "gopher://localhost/", "scheme_not_allowed"],
    ["userinfo (RFC 9110 §4.2.4)", "http://user:pass@localhost:8788/", "credentials_in_url"],
  ])("still refuses %s", (_rule, input, reason) => {
    const result = checkOutboundUrl(input, DEV);
    expect(!result.ok && result.reason).toBe(reason);
  });
});

describe("isPrivateIPv4 (RFC 6890 special-purpose registry)", () => {
  it.each([
    ["0.0.0.0/8 this network (RFC 6890)", "0.0.0.0"],
    ["0.0.0.0/8 upper edge", "0.255.255.255"],
    ["10/8 private-use (RFC 1918)", "10.255.255.255"],
    ["100.64/10 CGNAT (RFC 6598), low edge", "100.64.0.0"],
    ["100.64/10 CGNAT (RFC 6598), high edge", "100.127.255.255"],
    ["127/8 loopback (RFC 1122)", "127.255.0.1"],
    ["169.254/16 link-local (RFC 3927)", "169.254.0.1"],
    ["169.254.169.254 cloud metadata (RFC 3927)", "169.254.169.254"],
    ["172.16/12 private-use (RFC 1918), low edge", "172.16.0.0"],
    ["172.16/12 private-use (RFC 1918), high edge", "172.31.255.255"],
    ["192.0.0/24 IETF protocol assignments (RFC 6890)", "192.0.0.8"],
    ["192.0.2/24 TEST-NET-1 (RFC 5737)", "192.0.2.1"],
    ["192.88.99/24 6to4 relay anycast (RFC 7526)", "192.88.99.1"],
    ["192.168/16 private-use (RFC 1918)", "192.168.0.1"],
    ["198.18/15 benchmarking (RFC 2544), low edge", "198.18.0.0"],
    ["198.18/15 benchmarking (RFC 2544), high edge", "198.19.255.255"],
    ["198.51.100/24 TEST-NET-2 (RFC 5737)", "198.51.100.7"],
    ["203.0.113/24 TEST-NET-3 (RFC 5737)", "203.0.113.9"],
    ["224/4 multicast (RFC 5771)", "224.0.0.1"],
    ["224/4 multicast (RFC 5771), high edge", "239.255.255.255"],
    ["240/4 reserved (RFC 1112)", "240.0.0.1"],
    ["255.255.255.255 limited broadcast (RFC 919)", "255.255.255.255"],
    ["fail closed: not an address", "example.com"],
    ["fail closed: short form", "127.1"],
    ["fail closed: hex form", "0x7f.0.0.1"],
    ["fail closed: leading zeros (octal on some stacks)", "010.0.0.1"],
    ["fail closed: octet out of range", "1.2.3.256"],
    ["fail closed: five parts", "1.2.3.4.5"],
    ["fail closed: empty", ""],
  ])("private: %s (%s)", (_rule, address) => {
    expect(isPrivateIPv4(address)).toBe(true);
  });

  it.each([
    ["public resolver", "8.8.8.8"],
    ["public resolver", "1.1.1.1"],
    ["just below 10/8", "9.255.255.255"],
    ["just above 10/8", "11.0.0.0"],
    ["just below 100.64/10", "100.63.255.255"],
    ["just above 100.64/10", "100.128.0.0"],
    ["just above 169.254/16", "169.255.0.1"],
    ["just below 172.16/12", "172.15.255.255"],
    ["just above 172.16/12", "172.32.0.0"],
    ["just above 192.0.2/24", "192.0.3.1"],
    ["just above 192.168/16", "192.169.0.1"],
    ["just above 198.18/15", "198.20.0.1"],
    ["just below 224/4", "223.255.255.255"],
  ])("public: %s (%s)", (_rule, address) => {
    expect(isPrivateIPv4(address)).toBe(false);
  });
});

describe("isPrivateIPv6 (RFC 4291, RFC 6890 special-purpose registry)", () => {
  it.each([
    [":: unspecified (RFC 4291 §2.5.2)", "::"],
    ["::1 loopback (RFC 4291 §2.5.3)", "::1"],
    ["::1 written out in full", "0:0:0:0:0:0:0:1"],
    ["IPv4-compatible ::a.b.c.d, deprecated (RFC 4291 §2.5.5.1)", "::127.0.0.1"],
    ["IPv4-compatible of a public address is still refused (RFC 4291 §2.5.5.1)", "::8.8.8.8"],
    ["IPv4-mapped loopback (RFC 4291 §2.5.5.2)", "::ffff:127.0.0.1"],
    ["IPv4-mapped loopback in hex (RFC 4291 §2.5.5.2)", "::ffff:7f00:1"],
    ["IPv4-mapped, upper case and uncompressed", "0:0:0:0:0:FFFF:7F00:0001"],
    ["IPv4-mapped RFC 1918", "::ffff:10.1.2.3"],
    ["IPv4-mapped cloud metadata (RFC 3927)", "::ffff:169.254.169.254"],
    ["IPv4-translated loopback (RFC 2765)", "::ffff:0:127.0.0.1"],
    ["NAT64 of loopback (RFC 6052)", "64:ff9b::127.0.0.1"],
    ["NAT64 of metadata, hex (RFC 6052)", "64:ff9b::a9fe:a9fe"],
    ["local-use NAT64 64:ff9b:1::/48 (RFC 8215)", "64:ff9b:1::8.8.8.8"],
    ["6to4 of RFC 1918 (RFC 3056)", "2002:a00:1::1"],
    ["fc00::/7 unique-local (RFC 4193)", "fc00::1"],
    ["fd00::/8 unique-local (RFC 4193)", "fdff:ffff::1"],
    ["fe80::/10 link-local (RFC 4291 §2.5.6)", "fe80::1"],
    ["fe80::/10 link-local, high edge (RFC 4291 §2.5.6)", "febf::1"],
    ["fec0::/10 site-local, deprecated (RFC 3879)", "fec0::1"],
    ["ff00::/8 multicast (RFC 4291 §2.7)", "ff02::1"],
    ["2001:db8::/32 documentation (RFC 3849)", "2001:db8::1"],
    ["2001::/32 Teredo (RFC 4380)", "2001:0:4136:e378::1"],
    ["3fff::/20 documentation (RFC 9637)", "3fff::1"],
    ["100::/64 discard-only (RFC 6666)", "100::1"],
    ["outside 2000::/3 global unicast (RFC 4291 §2.4)", "4000::1"],
    ["brackets are tolerated", "[::1]"],
    ["fail closed: zone id", "fe80::1%eth0"],
    ["fail closed: two ::", "1::2::3"],
    ["fail closed: too many groups", "1:2:3:4:5:6:7:8:9"],
    ["fail closed: too few groups", "1:2:3"],
    ["fail closed: bad group", "2606:4700::gggg"],
    ["fail closed: bad embedded IPv4", "::ffff:127.0.0.256"],
    ["fail closed: not an address", "example.com"],
    ["fail closed: empty", ""],
  ])("private: %s (%s)", (_rule, address) => {
    expect(isPrivateIPv6(address)).toBe(true);
  });

  it.each([
    ["global unicast (RFC 4291 §2.4)", "2606:4700:4700::1111"],
    ["global unicast, fully written", "2a00:1450:4001:0829:0000:0000:0000:200e"],
    ["IPv4-mapped public (RFC 4291 §2.5.5.2)", "::ffff:8.8.8.8"],
    ["IPv4-mapped public, hex", "::ffff:808:808"],
    ["NAT64 of a public address (RFC 6052)", "64:ff9b::1.1.1.1"],
    ["6to4 of a public address (RFC 3056)", "2002:808:808::1"],
    ["2001:200::, first block past 2001::/23 (RFC 2928)", "2001:200::1"],
    ["2001:db9::, just past documentation (RFC 3849)", "2001:db9::1"],
    ["3fff:1000::, just past 3fff::/20 (RFC 9637)", "3fff:1000::1"],
  ])("public: %s (%s)", (_rule, address) => {
    expect(isPrivateIPv6(address)).toBe(false);
  });
});

describe("joinUnderBase: paths stay under the base URL (RFC 3986 §5.2.4, path traversal)", () => {
  const BASE = "https://api.example.com/v1";

  it.each([
    ["a rooted path", BASE, "/users", undefined, "https://api.example.com/v1/users"],
    ["a path without a leading slash", BASE, "users/42", undefined, "https://api.example.com/v1/users/42"],
    ["a base with a trailing slash", `${BASE}/`, "/users", undefined, "https://api.example.com/v1/users"],
    ["the base itself", BASE, "", undefined, "https://api.example.com/v1"],
    ["the base with a trailing slash", BASE, "/", undefined, "https://api.example.com/v1/"],
    ["an origin-only base", "https://api.example.com", "/users", undefined, "https://api.example.com/users"],
    ["an origin-only base, empty path", "https://api.example.com", "", undefined, "https://api.example.com/"],
    ["a search string", BASE, "/users", "?page=2", "https://api.example.com/v1/users?page=2"],
    ["a search string without ?", BASE, "/users", "page=2", "https://api.example.com/v1/users?page=2"],
    [
      "the base query and fragment are dropped",
      `${BASE}?k=v#frag`,
      "/users",
      undefined,
      "https://api.example.com/v1/users",
    ],
    [
      "an encoded slash in a segment (GitLab-style ids)",
      BASE,
      "/projects/group%2Fproject",
      undefined,
      "https://api.example.com/v1/projects/group%2Fproject",
    ],
    [
      "dots that are not dot segments",
      BASE,
      "/files/...txt/..a/.well",
      undefined,
      "https://api.example.com/v1/files/...txt/..a/.well",
    ],
    ["a space is percent-encoded", BASE, "/a b", undefined, "https://api.example.com/v1/a%20b"],
    ["a double slash inside the path", BASE, "/a//b", undefined, "https://api.example.com/v1/a//b"],
    ["a port on the base", "https://api.example.com:8443/v1", "/x", undefined, "https://api.example.com:8443/v1/x"],
  ])("joins %s", (_rule, base, path, search, href) => {
    expect(joinUnderBase(base, path, search)?.href).toBe(href);
  });

  it.each([
    ["../ escape (RFC 3986 §5.2.4)", "/../admin"],
    ["../ escape without a leading slash", "../admin"],
    ["a deeper ../ escape", "/users/../../admin"],
    ["../ that would stay inside is still refused", "/users/../groups"],
    ["a ./ segment", "/./users"],
    ["a trailing ..", "/users/.."],
    ["%2e%2e encoded dots (the URL parser resolves them)", "/%2e%2e/admin"],
    ["%2E%2E upper-case encoded dots", "/%2E%2E/admin"],
    ["mixed .%2e", "/.%2e/admin"],
    ["double-encoded %252e%252e (decoded twice upstream)", "/%252e%252e/admin"],
    ["..%2f that an upstream decodes to ../", "/..%2fadmin"],
    ["..%5c that an upstream decodes to ..\\", "/..%5cadmin"],
    ["//host network-path reference (RFC 3986 §4.2)", "//evil.example/x"],
    ["///host", "///evil.example/x"],
    ["a backslash (WHATWG URL treats it as /)", "/\\evil.example/x"],
    ["a backslash escape", "/..\\admin"],
    ["a tab that the URL parser would drop (.\\t.)", "/.\t./admin"],
    ["a newline", "/users\n"],
    ["a ? in the path (use search)", "/users?admin=1"],
    ["a # in the path", "/users#x"],
    ["a deeply nested encoding", "/%25252525252e%25252525252e/admin"],
  ])("refuses %s", (_rule, path) => {
    expect(joinUnderBase(BASE, path)).toBeNull();
  });

  // Regression for issue 14 finding 6 ("URL and path hygiene"): these reached the upstream, which may read
  // them as `..` — Tomcat strips `;params`, Windows trims trailing dots and spaces, lenient decoders accept
  // overlong UTF-8, and NFKC folds full-width dots.
  it.each([
    ["..;/ (path parameter, RFC 3986 §3.3; Tomcat/Jetty read ..)", "/..;/admin"],
    ["..;jsessionid=x/", "/..;jsessionid=x/admin"],
    ["%2e%2e; encoded dots with a parameter", "/%2e%2e;/admin"],
    ["%2e%2e%3b encoded semicolon", "/%2e%2e%3b/admin"],
    [".;/ single dot with a parameter", "/.;/admin"],
    ["... (Windows trims trailing dots)", "/.../admin"],
    [".... four dots", "/..../admin"],
    ["..%20 (trailing space trimmed)", "/..%20/admin"],
    ["..%09 (trailing tab)", "/..%09/admin"],
    ["..%00 (NUL truncation)", "/..%00/admin"],
    [". . with spaces around", "/%20..%20/admin"],
    ["overlong UTF-8 %c0%ae%c0%ae (RFC 3629 §3)", "/%c0%ae%c0%ae/admin"],
    ["overlong 3-byte %e0%80%ae", "/%e0%80%ae%e0%80%ae/admin"],
    ["overlong slash %c0%af", "/..%c0%afadmin"],
    ["an invalid UTF-8 byte", "/%ff/admin"],
    ["full-width dots (U+FF0E, NFKC → ..)", "/\uff0e\uff0e/admin"],
    ["encoded full-width dots", "/%ef%bc%8e%ef%bc%8e/admin"],
    ["one full-width dot and one ASCII dot", "/.%ef%bc%8e/admin"],
    ["two dot leader U+2025 (NFKC → ..)", "/\u2025/admin"],
    ["full-width solidus after dots (U+FF0F)", "/..\uff0fadmin"],
    ["full-width reverse solidus after dots (U+FF3C)", "/..%ef%bc%bcadmin"],
  ])("refuses %s", (_rule, path) => {
    expect(joinUnderBase(BASE, path)).toBeNull();
  });

  it.each([
    ["a matrix parameter on a normal segment", "/users;v=2/42", "https://api.example.com/v1/users;v=2/42"],
    ["dots inside a name", "/files/a..b/.env.local", "https://api.example.com/v1/files/a..b/.env.local"],
    ["a trailing dot on a name", "/files/name.", "https://api.example.com/v1/files/name."],
    ["non-ASCII letters", "/caf%C3%A9", "https://api.example.com/v1/caf%C3%A9"],
    ["full-width letters are not dots", "/%ef%bc%a1", "https://api.example.com/v1/%ef%bc%a1"],
  ])("still joins %s", (_rule, path, href) => {
    expect(joinUnderBase(BASE, path)?.href).toBe(href);
  });

  it("refuses an invalid base URL", () => {
    expect(joinUnderBase("not a url", "/x")).toBeNull();
  });

  it("never changes the origin, even for an absolute URL passed as the path", () => {
    const joined = joinUnderBase(BASE, "https://evil.example/x");
    expect(joined?.origin).toBe("https://api.example.com");
    expect(joined?.pathname.startsWith("/v1/")).toBe(true);
  });
});
