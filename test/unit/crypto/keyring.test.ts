import { describe, expect, it } from "vitest";
import { CryptoError } from "../../../src/crypto/errors";
import { parseKeyringMaterial, SINGLE_KEY_ID } from "../../../src/crypto/keyring";

const KEY_32 = btoa("k".repeat(32));
const KEY_32_URLSAFE = btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, i) => 250 + (i % 6))))
  .replaceAll("+", "-")
  .replaceAll("/", "_");

describe("keyring configuration (ENCRYPTION_KEYS / ENCRYPTION_KEY)", () => {
  it.each([
    { name: "one key", sources: { keys: `k1:${KEY_32}` }, primary: "k1", ids: ["k1"] },
    {
      name: "the first entry is primary",
      sources: { keys: `k2:${KEY_32}, k1:${KEY_32}` },
      primary: "k2",
      ids: ["k2", "k1"],
    },
    { name: "base64url keys", sources: { keys: `k1:${KEY_32_URLSAFE}` }, primary: "k1", ids: ["k1"] },
    { name: "the single-key form", sources: { key: KEY_32 }, primary: SINGLE_KEY_ID, ids: [SINGLE_KEY_ID] },
    {
      name: "ENCRYPTION_KEYS over ENCRYPTION_KEY",
      sources: { keys: `k9:${KEY_32}`, key: KEY_32 },
      primary: "k9",
      ids: ["k9"],
    },
  ])("accepts $name", ({ sources, primary, ids }) => {
    const material = parseKeyringMaterial(sources);
    expect(material.primaryKeyId).toBe(primary);
    expect([...material.keys.keys()]).toEqual(ids);
  });

  it.each([
    { name: "nothing configured", sources: {}, message: /is required/ },
    {
      name: "a 16-byte key (AES-128)",
      sources: { keys: `k1:${btoa("k".repeat(16))}` },
      message: /must be 32 bytes, got 16/,
    },
    { name: "a 33-byte key", sources: { key: btoa("k".repeat(33)) }, message: /must be 32 bytes, got 33/ },
    { name: "a hex key", sources: { key: "ab".repeat(32) }, message: /must be 32 bytes, got 48/ },
    { name: "invalid base64", sources: { keys: "k1:not base64!!" }, message: /not valid base64/ },
    { name: "an entry without id", sources: { keys: KEY_32 }, message: /keyId:base64Key/ },
    { name: "a duplicate id", sources: { keys: `k1:${KEY_32},k1:${KEY_32}` }, message: /appears twice/ },
    {
      name: "an id with a dot (would break the ciphertext format)",
      sources: { keys: `k.1:${KEY_32}` },
      message: /key id/,
    },
  ])("refuses $name at configuration time", ({ sources, message }) => {
    expect(() => parseKeyringMaterial(sources)).toThrow(CryptoError);
    expect(() => parseKeyringMaterial(sources)).toThrow(message);
  });

  it("never puts key material in its error messages", () => {
    const secretish = btoa("s".repeat(31));
    try {
      parseKeyringMaterial({ keys: `k1:${secretish}` });
    } catch (error) {
      expect((error as Error).message).not.toContain(secretish);
    }
  });
});
