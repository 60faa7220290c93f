import { base64url } from "jose";
import { describe, expect, it } from "vitest";
import { decryptString, encryptString, needsReencryption, parseCiphertext } from "../../../src/crypto/aes-gcm";
import { CryptoError } from "../../../src/crypto/errors";
import { Keyring, parseKeyringMaterial } from "../../../src/crypto/keyring";

const KEY_A = btoa("a".repeat(32));
const KEY_B = btoa("b".repeat(32));
const keyring = (keys: string) => new Keyring(parseKeyringMaterial({ keys }));
const AAD = "connections.data:conn-1:user-1";

/** Flips one bit of one base64url part of a `v1.kid.iv.sealed` ciphertext. */
function tamper(ciphertext: string, part: 2 | 3, byteIndex: (length: number) => number): string {
  const parts = ciphertext.split(".");
  const bytes = base64url.decode(parts[part] as string);
  const index = byteIndex(bytes.length);
  bytes[index] = (bytes[index] as number) ^ 0x01;
  parts[part] = base64url.encode(bytes);
  return parts.join(".");
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CryptoError);
  return (error as CryptoError).code;
}

// NIST SP 800-38D (GCM) properties, as required by SPEC §6.2.
describe("AES-256-GCM encryption at rest", () => {
  it("round-trips text, including non-ASCII and empty strings, with a fresh IV every time", async () => {
    const ring = keyring(`a:${KEY_A}`);
    for (const plaintext of ["sk-live-123", "", "ünïcödé ✓ 🔑", JSON.stringify({ api_key: "x".repeat(10_000) })]) {
      const first = await encryptString(ring, plaintext, AAD);
      const second = await encryptString(ring, plaintext, AAD);
      expect(first).not.toBe(second);
      expect(first).not.toContain(plaintext || "\u0000");
      expect(await decryptString(ring, first, AAD)).toBe(plaintext);
    }
  });

  it("writes the version and the primary key id in the clear", async () => {
    const ciphertext = await encryptString(keyring(`a:${KEY_A},b:${KEY_B}`), "secret", AAD);
    expect(ciphertext.startsWith("v1.a.")).toBe(true);
    expect(parseCiphertext(ciphertext).iv).toHaveLength(12);
  });

  const refusals: Array<{
    name: string;
    make: (ciphertext: string) => string;
    ring?: string;
    aad?: string;
    code: string;
  }> = [
    { name: "a different key under the same id", make: (c) => c, ring: `a:${KEY_B}`, code: "decryption_failed" },
    { name: "an unknown key id (key removed too early)", make: (c) => c, ring: `b:${KEY_B}`, code: "unknown_key_id" },
    { name: "a tampered IV", make: (c) => tamper(c, 2, () => 0), code: "decryption_failed" },
    { name: "a tampered ciphertext byte", make: (c) => tamper(c, 3, () => 0), code: "decryption_failed" },
    { name: "a tampered authentication tag", make: (c) => tamper(c, 3, (n) => n - 1), code: "decryption_failed" },
    {
      name: "associated data of another row (ciphertext copied)",
      make: (c) => c,
      aad: "connections.data:conn-2:user-1",
      code: "decryption_failed",
    },
    {
      name: "associated data of another owner",
      make: (c) => c,
      aad: "connections.data:conn-1:user-2",
      code: "decryption_failed",
    },
    {
      name: "a swapped key id (the id is authenticated)",
      make: (c) => c.replace("v1.a.", "v1.b."),
      ring: `a:${KEY_A},b:${KEY_A}`,
      code: "decryption_failed",
    },
    { name: "an unknown version", make: (c) => c.replace(/^v1\./, "v2."), code: "ciphertext_malformed" },
    { name: "a truncated value", make: (c) => c.split(".").slice(0, 3).join("."), code: "ciphertext_malformed" },
    {
      name: "a value shorter than its tag",
      make: (c) => `${c.split(".").slice(0, 3).join(".")}.AAAA`,
      code: "ciphertext_malformed",
    },
    { name: "plaintext stored by mistake", make: () => "sk-live-123", code: "ciphertext_malformed" },
    { name: "non-base64url parts", make: (c) => c.replace(/\.[^.]+$/, ".***"), code: "ciphertext_malformed" },
  ];

  it.each(refusals)("refuses $name with $code", async ({ make, ring, aad, code }) => {
    const ciphertext = await encryptString(keyring(`a:${KEY_A}`), "sk-live-123", AAD);
    expect(await failure(decryptString(keyring(ring ?? `a:${KEY_A}`), make(ciphertext), aad ?? AAD))).toBe(code);
  });

  it("rotates without downtime: the old key still reads, the new primary writes", async () => {
    const before = keyring(`k1:${KEY_A}`);
    const old = await encryptString(before, "token", AAD);
    const during = keyring(`k2:${KEY_B},k1:${KEY_A}`);
    expect(await decryptString(during, old, AAD)).toBe("token");
    expect(needsReencryption(during, old)).toBe(true);
    const rewritten = await encryptString(during, await decryptString(during, old, AAD), AAD);
    expect(rewritten.startsWith("v1.k2.")).toBe(true);
    expect(needsReencryption(during, rewritten)).toBe(false);
    const after = keyring(`k2:${KEY_B}`);
    expect(await decryptString(after, rewritten, AAD)).toBe("token");
    expect(await failure(decryptString(after, old, AAD))).toBe("unknown_key_id");
  });
});
