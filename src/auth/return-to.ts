/**
 * Where to send the user after sign-in. Only same-origin paths are accepted, so the sign-in flow can
 * never be used as an open redirect (OWASP "Unvalidated Redirects and Forwards"; RFC 6749 §10.15).
 *
 * Refused: absolute URLs (`https://evil`), scheme-relative (`//evil`), backslash tricks (`/\evil`,
 * which browsers normalise to `//evil`), control characters, and anything that resolves to another
 * origin. Accepted values are returned as path + query + fragment.
 */
export const DEFAULT_RETURN_TO = "/";
const MAX_RETURN_TO_LENGTH = 2048;

export function sanitizeReturnTo(value: string | null | undefined, appOrigin: string): string {
  if (!value || value.length > MAX_RETURN_TO_LENGTH) return DEFAULT_RETURN_TO;
  // Must be a rooted path; never scheme-relative or backslash-prefixed.
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return DEFAULT_RETURN_TO;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return DEFAULT_RETURN_TO;
  let resolved: URL;
  try {
    resolved = new URL(value, appOrigin);
  } catch {
    return DEFAULT_RETURN_TO;
  }
  if (resolved.origin !== appOrigin) return DEFAULT_RETURN_TO;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
