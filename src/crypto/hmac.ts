import { base64url } from "jose";

/**
 * HMAC-SHA256 (RFC 2104, FIPS 198-1) over WebCrypto. Verification uses `crypto.subtle.verify`,
 * which compares in constant time, so a forger learns nothing from response timing.
 */
const encoder = new TextEncoder();
type Bytes = string | Uint8Array;
const toBytes = (value: Bytes): Uint8Array => (typeof value === "string" ? encoder.encode(value) : value);

/**
 * Imported keys for string secrets (session secret, webhook secrets), kept per isolate so the hot path
 * does not re-import on every request. Bounded: secrets are few and configuration-defined.
 */
const importedKeys = new Map<string, Promise<CryptoKey>>();
const MAX_CACHED_KEYS = 32;

function importHmacKey(secret: Bytes): Promise<CryptoKey> {
  const importKey = () =>
    crypto.subtle.importKey("raw", toBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  if (typeof secret !== "string") return importKey();
  let key = importedKeys.get(secret);
  if (!key) {
    if (importedKeys.size >= MAX_CACHED_KEYS) importedKeys.clear();
    key = importKey();
    importedKeys.set(secret, key);
  }
  return key;
}

/** Raw 32-byte HMAC-SHA256 of `message` under `secret`. */
export async function hmacSha256(secret: Bytes, message: Bytes): Promise<Uint8Array> {
  const key = await importHmacKey(secret);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, toBytes(message)));
}

/** Lowercase hex HMAC-SHA256, the form most webhook signature headers use. */
export async function signHmacSha256Hex(secret: Bytes, message: Bytes): Promise<string> {
  return toHex(await hmacSha256(secret, message));
}

/** base64url HMAC-SHA256, for compact tokens and cookies. */
export async function signHmacSha256Base64Url(secret: Bytes, message: Bytes): Promise<string> {
  return base64url.encode(await hmacSha256(secret, message));
}

/**
 * Verifies a hex or base64url HMAC-SHA256 signature in constant time.
 * Returns false (never throws) for a signature that is not well-formed.
 */
export async function verifyHmacSha256(
  secret: Bytes,
  message: Bytes,
  signature: string,
  encoding: "hex" | "base64url" = "hex",
): Promise<boolean> {
  const bytes = encoding === "hex" ? fromHex(signature) : tryBase64Url(signature);
  if (bytes?.length !== 32) return false;
  const key = await importHmacKey(secret);
  return crypto.subtle.verify("HMAC", key, bytes, toBytes(message));
}

/**
 * Constant-time equality of two strings of any length: both are hashed first, so neither the
 * position of the first difference nor the length leaks through timing.
 */
export async function timingSafeEqualStrings(a: string, b: string): Promise<boolean> {
  const [hashA, hashB] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(hashA, hashB) && a.length === b.length;
}

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function tryBase64Url(value: string): Uint8Array | undefined {
  try {
    return base64url.decode(value);
  } catch {
    return undefined;
  }
}
