import { PKCE_METHOD, verifyCodeChallenge } from "../crypto/pkce";

/**
 * PKCE on our authorization server (RFC 7636; OAuth 2.1 §4.1.1 and §7.5.2; MCP authorization spec
 * "Authorization Code Protection"). Only S256 is accepted: `plain` reveals the verifier to anyone who
 * sees the authorization request, and a missing `code_challenge_method` means `plain` (RFC 7636 §4.3).
 */

/** RFC 7636 §4.2: an S256 challenge is BASE64URL(SHA-256(verifier)), exactly 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export type PkceRequestCheck =
  | { ok: true; codeChallenge: string }
  | { ok: false; reason: "missing_challenge" | "invalid_challenge" | "method_not_supported" };

/** Validates the PKCE parameters of an authorization request (RFC 7636 §4.3, §4.4.1). */
export function checkPkceAuthorizationRequest(params: {
  code_challenge?: string | null;
  code_challenge_method?: string | null;
}): PkceRequestCheck {
  const challenge = params.code_challenge ?? "";
  if (challenge === "") return { ok: false, reason: "missing_challenge" };
  if (params.code_challenge_method !== PKCE_METHOD) return { ok: false, reason: "method_not_supported" };
  if (!S256_CHALLENGE.test(challenge)) return { ok: false, reason: "invalid_challenge" };
  return { ok: true, codeChallenge: challenge };
}

/**
 * Verifies the token request's `code_verifier` against the stored challenge (RFC 7636 §4.6), in
 * constant time. A missing or malformed verifier fails.
 */
export function verifyPkceCodeVerifier(verifier: string | null | undefined, codeChallenge: string): Promise<boolean> {
  if (!verifier) return Promise.resolve(false);
  return verifyCodeChallenge(verifier, codeChallenge, PKCE_METHOD);
}
