import { base64url } from "jose";
import { CryptoError } from "./errors";
import type { Keyring } from "./keyring";

/**
 * Authenticated encryption of secrets at rest (SPEC §6.2).
 *
 * Wire format: `v1.<keyId>.<iv>.<ciphertext‖tag>` (base64url parts). AES-256-GCM with a fresh
 * 96-bit random IV per write (NIST SP 800-38D §8.2.2) and a 128-bit tag. The associated data binds
 * the ciphertext to where it is stored (table, column, row id, owner): a ciphertext copied into
 * another row fails to decrypt. The version and key id are authenticated too, so neither can be
 * swapped without detection.
 */
export const CIPHERTEXT_VERSION = "v1";
const IV_LENGTH_BYTES = 12;
const TAG_LENGTH_BITS = 128;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export interface ParsedCiphertext {
  version: typeof CIPHERTEXT_VERSION;
  keyId: string;
  iv: Uint8Array;
  sealed: Uint8Array;
}

/**
 * Encrypts `plaintext` under the keyring's primary key, bound to `associatedData`.
 * @example await encryptString(keyring, JSON.stringify(data), `connections.data:${id}:${userId}`)
 */
export async function encryptString(keyring: Keyring, plaintext: string, associatedData: string): Promise<string> {
  const keyId = keyring.primaryKeyId;
  const iv = crypto.getRandomValues(new Uint8Array(IV_LENGTH_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: aad(keyId, associatedData), tagLength: TAG_LENGTH_BITS },
    await keyring.key(keyId),
    encoder.encode(plaintext),
  );
  return [CIPHERTEXT_VERSION, keyId, base64url.encode(iv), base64url.encode(new Uint8Array(sealed))].join(".");
}

/**
 * Decrypts a value produced by `encryptString` with any key of the keyring.
 * @throws {CryptoError} `ciphertext_malformed`, `unknown_key_id`, or `decryption_failed` (wrong key,
 *   tampering, or associated data of another row — GCM deliberately cannot tell these apart).
 */
export async function decryptString(keyring: Keyring, ciphertext: string, associatedData: string): Promise<string> {
  const parsed = parseCiphertext(ciphertext);
  const key = await keyring.key(parsed.keyId);
  let plaintext: ArrayBuffer;
  try {
    plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: parsed.iv, additionalData: aad(parsed.keyId, associatedData), tagLength: TAG_LENGTH_BITS },
      key,
      parsed.sealed,
    );
  } catch {
    throw new CryptoError(
      "decryption_failed",
      `ciphertext under key "${parsed.keyId}" failed authentication (wrong key, tampered, or bound to another row)`,
    );
  }
  return decoder.decode(plaintext);
}

/** Splits and validates the wire format without decrypting. */
export function parseCiphertext(ciphertext: string): ParsedCiphertext {
  const parts = ciphertext.split(".");
  if (parts.length !== 4 || parts[0] !== CIPHERTEXT_VERSION || !parts[1]) {
    throw new CryptoError("ciphertext_malformed", `expected ${CIPHERTEXT_VERSION}.<keyId>.<iv>.<ciphertext>`);
  }
  const [, keyId, ivPart, sealedPart] = parts as [string, string, string, string];
  let iv: Uint8Array;
  let sealed: Uint8Array;
  try {
    iv = base64url.decode(ivPart);
    sealed = base64url.decode(sealedPart);
  } catch {
    throw new CryptoError("ciphertext_malformed", "ciphertext parts are not base64url");
  }
  if (iv.length !== IV_LENGTH_BYTES || sealed.length < TAG_LENGTH_BITS / 8) {
    throw new CryptoError("ciphertext_malformed", "ciphertext has a wrong IV length or is shorter than its tag");
  }
  return { version: CIPHERTEXT_VERSION, keyId, iv, sealed };
}

/** True when the value was written under a key other than the current primary (rotation pending). */
export function needsReencryption(keyring: Keyring, ciphertext: string): boolean {
  return parseCiphertext(ciphertext).keyId !== keyring.primaryKeyId;
}

function aad(keyId: string, associatedData: string): Uint8Array {
  return encoder.encode(`${CIPHERTEXT_VERSION}.${keyId}.${associatedData}`);
}
