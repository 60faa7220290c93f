/**
 * Header hygiene for requests we forward to a third party and responses we relay back: the one list of
 * what never crosses our boundary. Used by the connection proxy and by every other relay (Paragon's
 * Proxy API, MCP connections).
 */

/**
 * Headers a caller may never set on a forwarded request: they would carry the caller's own credentials
 * (or cookies for our domain) to the upstream, or let the caller override the injected ones.
 */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-api-key",
  "api-key",
  "x-auth-token",
  "x-csrf-token",
]);

/** RFC 9110 §7.6.1 hop-by-hop headers, plus ones the platform sets itself. */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "expect",
]);

/** Metadata about our caller (Cloudflare, forwarding, browser fetch metadata) that is not the upstream's business. */
function isCallerMetadata(lower: string): boolean {
  return (
    lower.startsWith("cf-") ||
    lower.startsWith("x-forwarded-") ||
    lower.startsWith("sec-") ||
    lower.startsWith("x-proxy-") ||
    lower === "x-real-ip" ||
    lower === "origin" ||
    lower === "referer" ||
    lower === "x-request-id"
  );
}

/**
 * Copies the caller's headers for forwarding: drops hop-by-hop headers, credential headers, the
 * headers the connection injects its credentials into, and metadata about our caller.
 */
export function forwardableRequestHeaders(incoming: Headers, extraBlocked: readonly string[] = []): Headers {
  const blocked = new Set(extraBlocked.map((name) => name.toLowerCase()));
  const out = new Headers();
  for (const [name, value] of incoming) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP_HEADERS.has(lower) || CREDENTIAL_HEADERS.has(lower) || blocked.has(lower)) continue;
    if (isCallerMetadata(lower)) continue;
    out.set(name, value);
  }
  return out;
}

/** Upstream response headers that are passed back: all but hop-by-hop ones, cookies and our origin's policies. */
export function forwardableResponseHeaders(upstream: Headers): Headers {
  const out = new Headers();
  for (const [name, value] of upstream) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP_HEADERS.has(lower) || lower === "set-cookie" || lower === "set-cookie2") continue;
    // Policies about our origin are ours to set, not the upstream's.
    if (
      lower.startsWith("content-security-policy") ||
      lower.startsWith("access-control-") ||
      lower === "strict-transport-security"
    )
      continue;
    out.append(name, value);
  }
  return out;
}
