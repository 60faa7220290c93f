/**
 * Redirect URIs of our OAuth clients: what may be registered and how a request's `redirect_uri` is
 * matched against the registration. Pure.
 *
 * Threat: the authorization code (and, with it, the user's grant) goes wherever `redirect_uri`
 * points. OAuth 2.1 §2.3.1 and RFC 9700 §4.1.3 therefore require exact string matching — no
 * prefixes, no wildcards, no normalisation that an attacker could steer. The one exception is the
 * loopback port (RFC 8252 §7.3, OAuth 2.1 §8.4.2): a native app listens on whatever port the OS gives it.
 */

/** Far longer than any real redirect URI, short enough that a registration cannot bloat storage. */
export const MAX_REDIRECT_URI_LENGTH = 2000;

export type RedirectUriRefusal =
  | "invalid_uri"
  | "too_long"
  | "fragment_not_allowed"
  | "scheme_not_allowed"
  | "scheme_not_lowercase"
  | "credentials_in_uri"
  | "insecure_non_loopback";

export type RedirectUriCheck = { ok: true; loopback: boolean } | { ok: false; reason: RedirectUriRefusal };

/** RFC 8252 §7.3 / §8.3 loopback hosts. `localhost` is allowed for the MCP clients that use it. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** Control characters and whitespace: a URI containing them is never what a reader thinks it is. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const UNSAFE_CHARACTERS = /[\s\x00-\x1f\x7f\\]/;

/**
 * Decides whether `uri` may be registered as a redirect URI (RFC 7591 §2 `redirect_uris`,
 * OAuth 2.1 §2.3.1):
 * - an absolute URI without a fragment (RFC 6749 §3.1.2) and without userinfo (RFC 9110 §4.2.4:
 *   `https://trusted.example@evil.example/` hides the real host from the consent page's reader);
 * - `https:` to any host, or `http:` only to a loopback host (RFC 8252 §7.3; OAuth 2.1 §8.4.2) —
 *   `javascript:`, `data:`, `file:` and private-use schemes are refused;
 * - the scheme written in lowercase: matching is by exact string, and a mixed-case scheme
 *   (`HTTPS://`, `JavaScript:`) is a classic way to slip past naive prefix checks elsewhere.
 */
export function checkRedirectUriForRegistration(uri: string): RedirectUriCheck {
  if (uri.length > MAX_REDIRECT_URI_LENGTH) return { ok: false, reason: "too_long" };
  if (UNSAFE_CHARACTERS.test(uri)) return { ok: false, reason: "invalid_uri" };
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { ok: false, reason: "invalid_uri" };
  }
  if (uri.includes("#")) return { ok: false, reason: "fragment_not_allowed" };
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, reason: "scheme_not_allowed" };
  if (!uri.startsWith(`${url.protocol}//`)) {
    // Either a mixed-case scheme or a scheme without "//" (`https:evil.example`), which parsers disagree on.
    return {
      ok: false,
      reason: uri.toLowerCase().startsWith(`${url.protocol}//`) ? "scheme_not_lowercase" : "invalid_uri",
    };
  }
  if (url.username !== "" || url.password !== "" || /^[a-z]+:\/\/[^/?]*@/i.test(uri)) {
    return { ok: false, reason: "credentials_in_uri" };
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol === "http:" && !loopback) return { ok: false, reason: "insecure_non_loopback" };
  return { ok: true, loopback: loopback && url.protocol === "http:" };
}

/**
 * Finds the registered redirect URI that `requested` designates (OAuth 2.1 §4.1.1, RFC 9700 §4.1.3):
 * simple string equality, except that for a registered `http` loopback URI the port may differ
 * (RFC 8252 §7.3) — scheme, host, path and query must still be identical, and `localhost`,
 * `127.0.0.1` and `[::1]` are different hosts. Returns the requested URI (what the code is bound to
 * and where the browser is sent) or null.
 */
export function matchRedirectUri(registered: readonly string[], requested: string): string | null {
  if (registered.includes(requested)) return requested;
  const check = checkRedirectUriForRegistration(requested);
  if (!check.ok || !check.loopback) return null;
  const requestedWithoutPort = withoutPort(requested);
  for (const candidate of registered) {
    const candidateCheck = checkRedirectUriForRegistration(candidate);
    if (candidateCheck.ok && candidateCheck.loopback && withoutPort(candidate) === requestedWithoutPort) {
      return requested;
    }
  }
  return null;
}

/** The URI with its port removed, compared as the parser serialises it (only used for loopback URIs). */
function withoutPort(uri: string): string {
  const url = new URL(uri);
  url.port = "";
  return url.href;
}

/** The host to show on the consent page ("you will be sent back to …"), port included. */
export function redirectHostForDisplay(uri: string): string {
  return new URL(uri).host;
}
