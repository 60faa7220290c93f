import { base64url } from "jose";
import { randomToken } from "./tokens";

/**
 * PKCE (RFC 7636). Only the S256 method is produced or accepted: `plain` offers no protection when
 * the authorization request can be observed (RFC 7636 §4.2, OAuth 2.1 §4.1.1).
 */
export const PKCE_METHOD = "S256";
/** RFC 7636 §4.1: 43-128 characters from the unreserved set. */
const VERIFIER_PATTERN = /^[A-Za-z0-9._~-]{43,128}$/;

/** A fresh code verifier: 32 random bytes, base64url (43 characters, RFC 7636 §4.1). */
export function createCodeVerifier(): string {
  return randomToken(32);
}

export function isValidCodeVerifier(verifier: string): boolean {
  return VERIFIER_PATTERN.test(verifier);
}

/** `BASE64URL(SHA256(ASCII(code_verifier)))` — RFC 7636 §4.2. */
export async function computeCodeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url.encode(new Uint8Array(digest));
}

/**
 * Verifies a verifier against the challenge stored with the authorization request (RFC 7636 §4.6).
 * Returns false for a malformed verifier, a method other than S256, or a mismatch.
 */
export async function verifyCodeChallenge(verifier: string, challenge: string, method: string): Promise<boolean> {
  if (method !== PKCE_METHOD || !isValidCodeVerifier(verifier)) return false;
  const computed = await computeCodeChallenge(verifier);
  const a = new TextEncoder().encode(computed);
  const b = new TextEncoder().encode(challenge);
  return a.length === b.length && crypto.subtle.timingSafeEqual(a, b);
}
