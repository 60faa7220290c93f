/**
 * SSRF protection (OWASP "Server-Side Request Forgery"; CWE-918) for every outbound request the
 * product makes on a user's behalf: the credential-injecting proxy, outbound webhooks, and fetching
 * OAuth client metadata documents. A user who controls a URL must not be able to point the Worker at
 * loopback, a private network, a cloud metadata endpoint (169.254.169.254, metadata.google.internal)
 * or a non-HTTP scheme, nor smuggle a path out of the base URL a connection was configured with.
 *
 * What this module can and cannot see: Workers cannot resolve DNS before `fetch`, so a public
 * hostname that resolves (or is rebound) to a private address is not detectable here. That case is
 * mitigated by Cloudflare's egress — a Worker's `fetch` from the edge cannot reach private networks
 * or the edge host's own loopback — so this module checks what it can: schemes, userinfo, ports,
 * special-use hostnames (RFC 6761, RFC 6762) and IP literals against the IANA special-purpose
 * registries (RFC 6890).
 *
 * The WHATWG URL parser already canonicalises IPv4 hosts (`2130706433`, `0x7f.1`, `017700000001`
 * and `127.1` all become `127.0.0.1`) and IPv6 hosts (`[::ffff:127.0.0.1]` becomes
 * `[::ffff:7f00:1]`), so checks run on the parsed hostname, never on the raw input string.
 *
 * Pure and I/O-free.
 */

/**
 * How strict {@link checkOutboundUrl} is. `allowInsecure` is true only when `ENVIRONMENT=development`:
 * it permits `http://` and private/loopback targets so a local dev upstream can be used. Schemes
 * other than http(s) and credentials in the URL are refused in every environment.
 */
export interface OutboundUrlPolicy {
  allowInsecure: boolean;
}

/** Why {@link checkOutboundUrl} refused a URL; stable, safe to log and to return to the caller. */
export type OutboundUrlRefusal =
  | "invalid_url"
  | "scheme_not_allowed"
  | "credentials_in_url"
  | "private_address"
  | "blocked_hostname"
  | "port_not_allowed";

/** Result of {@link checkOutboundUrl}: the parsed URL (a fresh copy) or a refusal with a human-readable message. */
export type OutboundUrlCheck = { ok: true; url: URL } | { ok: false; reason: OutboundUrlRefusal; message: string };

const refuse = (reason: OutboundUrlRefusal, message: string): OutboundUrlCheck => ({ ok: false, reason, message });

/**
 * Decides whether the product may send a request to `input` on a user's behalf (SSRF defence,
 * OWASP SSRF Prevention Cheat Sheet; address ranges from the RFC 6890 special-purpose registries).
 *
 * With `allowInsecure: false`:
 * - the scheme must be `https:` (RFC 9110 §4.2.2) — plaintext would expose injected credentials;
 * - no userinfo (`user:pass@`; RFC 3986 §3.2.1 deprecates it, RFC 9110 §4.2.4 forbids it in http(s)
 *   URIs) — it hides the real host from readers (`https://trusted@evil/`) and leaks secrets into logs;
 * - port 0 is refused (it is not a connectable port, RFC 6335 §6 reserves it); every other port is
 *   allowed, because cloud providers and self-hosted APIs legitimately serve HTTPS on many ports and
 *   an allow-list would break real integrations without stopping SSRF (the host checks do that);
 * - the hostname must not be `localhost`/`*.localhost` (RFC 6761 §6.3), `*.local` (RFC 6762 mDNS),
 *   `*.internal` (including `metadata.google.internal`) or `metadata` (cloud metadata aliases), nor
 *   an IP literal outside the public unicast space ({@link isPrivateIPv4}, {@link isPrivateIPv6}).
 *
 * With `allowInsecure: true` only invalid URLs, non-http(s) schemes and userinfo are refused.
 *
 * Messages never echo the input URL, so credentials in it cannot reach logs or responses.
 */
export function checkOutboundUrl(input: string | URL, policy: OutboundUrlPolicy): OutboundUrlCheck {
  let url: URL;
  try {
    // Always re-parse: the caller keeps its own URL object, and we check exactly what we return.
    url = new URL(typeof input === "string" ? input : input.href);
  } catch {
    return refuse("invalid_url", "The URL is not a valid absolute URL.");
  }

  // file:, data:, javascript:, ftp:, gopher: … read local files or speak other protocols
  // (gopher:// is the classic way to forge raw TCP payloads to internal services).
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return refuse("scheme_not_allowed", `The URL scheme "${url.protocol}" is not allowed; use https://.`);
  }
  if (url.username !== "" || url.password !== "") {
    return refuse(
      "credentials_in_url",
      "The URL must not contain credentials (user:password@); configure them on the connection instead.",
    );
  }
  if (policy.allowInsecure) return { ok: true, url };

  if (url.protocol !== "https:") {
    return refuse("scheme_not_allowed", "Only https:// URLs are allowed.");
  }
  if (url.port === "0") {
    return refuse("port_not_allowed", "Port 0 is not a valid destination port.");
  }

  // A trailing dot is the same DNS name (`localhost.` is `localhost`); compare without it.
  const host = url.hostname.replace(/\.+$/, "");
  if (host.startsWith("[")) {
    if (isPrivateIPv6(host.slice(1, -1))) {
      return refuse("private_address", `The address ${url.hostname} is not a public internet address.`);
    }
    return { ok: true, url };
  }
  if (endsInNumber(host)) {
    // The parser turns every numeric host into a dotted quad; anything else that still ends in a
    // number is not something we understand, and isPrivateIPv4 fails closed on it.
    if (isPrivateIPv4(host)) {
      return refuse("private_address", `The address ${url.hostname} is not a public internet address.`);
    }
    return { ok: true, url };
  }
  if (isBlockedHostname(host)) {
    return refuse("blocked_hostname", `The host ${url.hostname} is a local or internal name and cannot be reached.`);
  }
  return { ok: true, url };
}

/** WHATWG URL "ends in a number": the last label is all digits or 0x-hex, i.e. the host is meant as IPv4. */
function endsInNumber(host: string): boolean {
  const last = host.slice(host.lastIndexOf(".") + 1);
  return /^(?:\d+|0x[0-9a-f]*)$/i.test(last);
}

/** Exact names that only mean something inside a private network (cloud metadata aliases). */
const BLOCKED_HOSTNAMES: ReadonlySet<string> = new Set(["localhost", "metadata", "metadata.google.internal"]);
/**
 * Suffixes of special-use / private-only names: `.localhost` (RFC 6761 §6.3, always loopback),
 * `.local` (RFC 6762 multicast DNS, the LAN), `.internal` (ICANN-reserved for private use; GCP's
 * `metadata.google.internal` and VPC-internal DNS).
 */
const BLOCKED_SUFFIXES: readonly string[] = [".localhost", ".local", ".internal"];

function isBlockedHostname(host: string): boolean {
  const name = host.toLowerCase();
  return BLOCKED_HOSTNAMES.has(name) || BLOCKED_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

// ---------------------------------------------------------------------------------------------
// IPv4

interface Ipv4Range {
  base: number;
  bits: number;
}

const ipv4Range = (cidr: string): Ipv4Range => {
  const [address = "", bits = "32"] = cidr.split("/");
  const base = parseIPv4(address);
  if (base === null) throw new Error(`bad range ${cidr}`);
  return { base, bits: Number(bits) };
};

/**
 * IPv4 blocks that are not globally reachable unicast (IANA IPv4 Special-Purpose Address Registry,
 * RFC 6890, plus multicast and reserved space). Each is a way into something that is not the public
 * internet: the host itself, the LAN/VPC, the carrier's NAT, or the cloud metadata service.
 */
const PRIVATE_IPV4_RANGES: readonly Ipv4Range[] = [
  "0.0.0.0/8", // "this network" (RFC 791, RFC 6890 §2.2.2); 0.0.0.0 reaches the local host on many stacks
  "10.0.0.0/8", // private-use (RFC 1918)
  "100.64.0.0/10", // shared address space / carrier-grade NAT (RFC 6598)
  "127.0.0.0/8", // loopback (RFC 1122 §3.2.1.3)
  "169.254.0.0/16", // link-local (RFC 3927), includes the 169.254.169.254 cloud metadata service
  "172.16.0.0/12", // private-use (RFC 1918)
  "192.0.0.0/24", // IETF protocol assignments (RFC 6890 §2.2.2)
  "192.0.2.0/24", // documentation TEST-NET-1 (RFC 5737)
  "192.88.99.0/24", // 6to4 relay anycast, deprecated (RFC 7526)
  "192.168.0.0/16", // private-use (RFC 1918)
  "198.18.0.0/15", // benchmarking (RFC 2544)
  "198.51.100.0/24", // documentation TEST-NET-2 (RFC 5737)
  "203.0.113.0/24", // documentation TEST-NET-3 (RFC 5737)
  "224.0.0.0/4", // multicast (RFC 5771)
  "240.0.0.0/4", // reserved for future use (RFC 1112 §4), includes 255.255.255.255
  "255.255.255.255/32", // limited broadcast (RFC 919, RFC 8190)
].map(ipv4Range);

/** Strict dotted quad (four decimal octets 0–255) to an unsigned 32-bit number, or null. */
function parseIPv4(address: string): number | null {
  const parts = address.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    // Decimal only, no leading zeros: "010" is octal to inet_aton but decimal to others — ambiguous.
    if (!/^(?:0|[1-9]\d{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

function inIPv4Range(value: number, range: Ipv4Range): boolean {
  const size = 2 ** (32 - range.bits);
  return Math.floor(value / size) === Math.floor(range.base / size);
}

function isPrivateIPv4Value(value: number): boolean {
  return PRIVATE_IPV4_RANGES.some((range) => inIPv4Range(value, range));
}

/**
 * True when a dotted-quad IPv4 address is not a globally reachable unicast address (RFC 6890
 * special-purpose registry: RFC 1918 private, RFC 6598 CGNAT, loopback, RFC 3927 link-local incl.
 * cloud metadata, RFC 5737 documentation, RFC 2544 benchmarking, multicast, reserved, broadcast).
 *
 * Fails closed: anything that is not a strict dotted quad (octal/hex/short forms, garbage) is
 * reported as private, because a caller asking this question is about to trust the answer.
 */
export function isPrivateIPv4(address: string): boolean {
  const value = parseIPv4(address);
  return value === null || isPrivateIPv4Value(value);
}

// ---------------------------------------------------------------------------------------------
// IPv6

/** An IPv6 address (text form, RFC 4291 §2.2) to its eight 16-bit groups, or null. */
function parseIPv6(address: string): number[] | null {
  let text = address;
  // A trailing dotted quad (RFC 4291 §2.2, form 3) stands for the last two groups: rewrite it as hex.
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".", lastColon + 1)) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === null || lastColon < 0) return null;
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0] ?? "");
  const rest = parseGroups(halves[1] ?? "");
  if (head === null || rest === null) return null;
  const explicit = head.length + rest.length;
  if (halves.length === 1) return explicit === 8 ? head : null;
  // "::" stands for one or more zero groups (RFC 4291 §2.2, form 2).
  if (explicit > 7) return null;
  return [...head, ...new Array<number>(8 - explicit).fill(0), ...rest];
}

function parseGroups(part: string): number[] | null {
  if (part === "") return [];
  const groups: number[] = [];
  for (const group of part.split(":")) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    groups.push(Number.parseInt(group, 16));
  }
  return groups;
}

/** The IPv4 address carried in two 16-bit groups, as a 32-bit number. */
const embeddedIPv4 = (high: number, low: number): number => high * 0x10000 + low;

/**
 * True when an IPv6 address (text form, without brackets) is not a globally reachable unicast
 * address, or embeds an IPv4 address that is private by {@link isPrivateIPv4}'s rules.
 *
 * Refused (IANA IPv6 Special-Purpose Address Registry, RFC 6890, and RFC 4291):
 * - `::/96`: `::` unspecified (§2.5.2), `::1` loopback (§2.5.3), and the deprecated IPv4-compatible
 *   `::a.b.c.d` (§2.5.5.1) — some stacks still route these to IPv4, so none is ever allowed;
 * - IPv4-mapped `::ffff:a.b.c.d` (§2.5.5.2, also written `::ffff:7f00:1`), IPv4-translated
 *   `::ffff:0:a.b.c.d` (RFC 2765), NAT64 `64:ff9b::/96` (RFC 6052) and 6to4 `2002::/16` (RFC 3056):
 *   refused when the embedded IPv4 address is private, since the packet ends up there;
 * - everything outside global unicast `2000::/3` (RFC 4291 §2.4; IANA IPv6 Address Space), which
 *   covers `fc00::/7` unique-local (RFC 4193), `fe80::/10` link-local (§2.5.6), `fec0::/10`
 *   site-local (RFC 3879), `ff00::/8` multicast (§2.7), `100::/64` discard (RFC 6666) and
 *   `64:ff9b:1::/48` local-use NAT64 (RFC 8215);
 * - inside `2000::/3`: `2001::/23` IETF protocol assignments incl. Teredo (RFC 2928, RFC 4380),
 *   `2001:db8::/32` documentation (RFC 3849) and `3fff::/20` documentation (RFC 9637).
 *
 * Fails closed: text that is not a valid IPv6 address (zone ids, garbage) is reported as private.
 */
export function isPrivateIPv6(address: string): boolean {
  const text = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const g = parseIPv6(text);
  if (g === null) return true;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const zeroTo = (end: number) => g.slice(0, end).every((group) => group === 0);
  const v4 = embeddedIPv4(g6, g7);

  if (zeroTo(5) && g5 === 0xffff) return isPrivateIPv4Value(v4); // ::ffff:a.b.c.d, IPv4-mapped
  if (zeroTo(4) && g4 === 0xffff && g5 === 0) return isPrivateIPv4Value(v4); // ::ffff:0:a.b.c.d, SIIT
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return isPrivateIPv4Value(v4); // 64:ff9b::a.b.c.d, NAT64 well-known prefix
  }
  if (zeroTo(6)) return true; // ::, ::1, ::a.b.c.d
  if (g0 < 0x2000 || g0 > 0x3fff) return true; // outside global unicast 2000::/3
  if (g0 === 0x2001 && g1 < 0x200) return true; // 2001::/23 IETF protocol assignments, Teredo
  if (g0 === 0x2001 && g1 === 0xdb8) return true; // 2001:db8::/32 documentation
  if (g0 === 0x3fff && g1 < 0x1000) return true; // 3fff::/20 documentation
  if (g0 === 0x2002) return isPrivateIPv4Value(embeddedIPv4(g1, g2)); // 2002:AABB:CCDD::, 6to4
  return false;
}

// ---------------------------------------------------------------------------------------------
// Joining a caller's path under a configured base URL

/** Upper bound on nested percent-decoding rounds (`%252e` → `%2e` → `.`); deeper nesting is refused. */
const MAX_DECODE_ROUNDS = 4;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * One round of percent-decoding (RFC 3986 §2.1) into bytes read as strict UTF-8 (RFC 3629 §3): an overlong
 * form such as `%c0%ae` (a disguised `.`) or any invalid sequence is null, never a lookalike character.
 */
function percentDecodeUtf8(value: string): string | null {
  if (!/%[0-9a-f]{2}/i.test(value)) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; ) {
    const percentEscape = /^%([0-9a-f]{2})/i.exec(value.slice(i, i + 3));
    if (percentEscape) {
      bytes.push(Number.parseInt(percentEscape[1] as string, 16));
      i += 3;
    } else {
      const codePoint = value.codePointAt(i) as number;
      const char = String.fromCodePoint(codePoint);
      bytes.push(...utf8.encode(char));
      i += char.length;
    }
  }
  try {
    return strictUtf8.decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}

/** Percent-decodes until stable; null if malformed UTF-8 or still changing after a few rounds. */
function decodeRepeatedly(segment: string): string | null {
  let current = segment;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    const next = percentDecodeUtf8(current);
    if (next === null) return null;
    if (next === current) return current;
    current = next;
  }
  return null;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: a decoded control character is refused
const DECODED_CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * True when a raw path segment is, or hides, a dot segment (RFC 3986 §3.3, §5.2.4) as any upstream might
 * read it. The segment is normalised the way lenient servers do before deciding:
 * - percent-decoded (repeatedly, as strict UTF-8: `%2e%2e`, `%252e%252e`; overlong `%c0%ae` is refused);
 * - NFKC-normalised (UAX #15: full-width `．．`, `‥` and full-width solidi become `..` and `/`);
 * - split on `/` and `\` (`..%2f`, `..%5c`);
 * - `;params` stripped (RFC 3986 §3.3 path parameters: Tomcat/Jetty read `..;` as `..`);
 * - trailing spaces trimmed (`..%20`: Windows servers drop them).
 * Any resulting part made only of dots (`.`, `..`, `...`) hides a dot segment; a decoded control
 * character (`..%00` truncation) is refused too.
 */
function hidesDotSegment(segment: string): boolean {
  const decoded = decodeRepeatedly(segment);
  if (decoded === null || DECODED_CONTROL.test(decoded)) return true;
  return decoded
    .normalize("NFKC")
    .split(/[/\\]/)
    .some((part) => /^\.+$/.test(part.split(";")[0]?.trim() ?? ""));
}

/**
 * Joins a base URL and a caller path so the result can never leave the base URL's origin or its path
 * prefix ("../" escapes, "//host" paths, encoded %2e%2e, backslashes). Returns null when the path
 * escapes.
 *
 * This is the path-traversal defence (RFC 3986 §5.2.4 dot-segment removal; OWASP "Path Traversal")
 * for the credential-injecting proxy: a connection's credentials are scoped to a base URL such as
 * `https://api.example.com/v1/`, and a caller path must not reach `/admin` on that host, let alone
 * another host, with them attached. Refused (null):
 * - a path starting with `//` (a network-path reference, RFC 3986 §4.2, names another host);
 * - any backslash (the WHATWG URL parser treats `\` as `/` in http(s) URLs, so `\\evil` is `//evil`);
 * - control characters (the URL parser silently drops tab/CR/LF, so `.\t.` would become `..`);
 * - `?` or `#` (pass the query via `search`; a fragment is never sent);
 * - any segment that is or normalises to dots only — `..`, `%2e%2e`, `%252e%252e`, `..%2f`, `..;/`,
 *   `%2e%2e;`, `...`, `..%20`, overlong `%c0%ae`, full-width `．．` (see `hidesDotSegment`) — even when it
 *   would resolve inside the prefix, because the upstream may decode differently;
 * - anything whose resolved path is not the base path or below it (defence in depth).
 *
 * `path` is taken relative to the base path whether or not it starts with `/`; the result keeps only
 * `search` as its query (the base URL's own query and fragment are not carried over). An invalid base
 * URL also yields null. The result is not SSRF-checked: run {@link checkOutboundUrl} on it (or on the base).
 */
export function joinUnderBase(baseUrl: string, path: string, search?: string): URL | null {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return null;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (path.startsWith("//") || /[\\?#\u0000-\u001f\u007f]/.test(path)) return null;
  const relative = path.startsWith("/") ? path.slice(1) : path;
  if (relative.split("/").some(hidesDotSegment)) return null;

  const prefix = url.pathname.replace(/\/+$/, "");
  url.pathname = relative === "" && path === "" ? prefix || "/" : `${prefix}/${relative}`;
  url.search = search ?? "";
  url.hash = "";

  const origin = new URL(baseUrl).origin;
  if (url.origin !== origin) return null;
  if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return null;
  return url;
}
