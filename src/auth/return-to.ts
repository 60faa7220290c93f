/**
 * Where to send the user after sign-in. Only same-origin paths are accepted, so the sign-in flow can
 * never be used as an open redirect (OWASP "Unvalidated Redirects and Forwards"; RFC 6749 §10.15).
 *
 * Refused: absolute URLs (`https://evil`), scheme-relative (`//evil`), backslash tricks (`/\evil`,
 * which browsers normalise to `//evil`), control characters (raw or percent-encoded), and anything that
 * resolves to another origin. Accepted values are returned as path + query + fragment.
 *
 * The check runs on the value we RETURN, not only on the one we received: WHATWG URL parsing resolves
 * dot segments (`/./`, `/../`, `/%2e/`, `/%2E%2E/`), so `/.//evil.example` parses to the path
 * `//evil.example`, which a browser would follow to another host.
 */
export const DEFAULT_RETURN_TO = "/";
const MAX_RETURN_TO_LENGTH = 2048;

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL_OR_BACKSLASH = /[\u0000-\u001f\u007f\\]/;
/** Percent-encoded C0 controls and DEL (`%0d%0a`, `%09`, `%00`, `%7f`): never part of a page path. */
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f)/i;

/** A rooted, same-origin-only path: `/x`, never `//x` or `/\x`, no control characters or backslashes. */
function isSafeRootedPath(value: string): boolean {
  return (
    value.startsWith("/") &&
    !value.startsWith("//") &&
    !value.startsWith("/\\") &&
    !CONTROL_OR_BACKSLASH.test(value) &&
    !ENCODED_CONTROL.test(value)
  );
}

function resolveSameOrigin(value: string, appOrigin: string): string | null {
  let resolved: URL;
  try {
    resolved = new URL(value, appOrigin);
  } catch {
    return null;
  }
  if (resolved.origin !== appOrigin) return null;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}

export function sanitizeReturnTo(value: string | null | undefined, appOrigin: string): string {
  if (!value || value.length > MAX_RETURN_TO_LENGTH || !isSafeRootedPath(value)) return DEFAULT_RETURN_TO;
  const normalised = resolveSameOrigin(value, appOrigin);
  // Validate the output: it must itself be a safe rooted path, and stable (resolving it again changes
  // nothing), so what the browser follows is exactly what was checked.
  if (normalised === null || !isSafeRootedPath(normalised)) return DEFAULT_RETURN_TO;
  if (resolveSameOrigin(normalised, appOrigin) !== normalised) return DEFAULT_RETURN_TO;
  return normalised;
}
