import { base64url } from "jose";
import { toHex } from "./hmac";

/** 32 bytes = 256 bits of entropy: unguessable for state, codes, session ids and API tokens. */
export const DEFAULT_TOKEN_BYTES = 32;

/** A URL-safe random token from the platform CSPRNG (`crypto.getRandomValues`). */
export function randomToken(byteLength = DEFAULT_TOKEN_BYTES): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(byteLength)));
}

/**
 * Lowercase hex SHA-256 of a token. Bearer secrets (session ids, refresh tokens, client secrets) are
 * stored only as this hash, so a database leak does not leak usable tokens.
 */
export async function sha256Hex(value: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value))));
}
