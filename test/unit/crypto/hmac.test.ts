import { describe, expect, it } from "vitest";
import {
  signHmacSha256Base64Url,
  signHmacSha256Hex,
  timingSafeEqualStrings,
  verifyHmacSha256,
} from "../../../src/crypto/hmac";
import { randomToken, sha256Hex } from "../../../src/crypto/tokens";

const hexToBytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));

// RFC 4231 §4 test vectors for HMAC-SHA-256.
const RFC_4231_VECTORS = [
  {
    case: 1,
    key: hexToBytes("0b".repeat(20)),
    data: "Hi There",
    mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
  },
  {
    case: 2,
    key: "Jefe",
    data: "what do ya want for nothing?",
    mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  },
  {
    case: 6,
    key: hexToBytes("aa".repeat(131)),
    data: "Test Using Larger Than Block-Size Key - Hash Key First",
    mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
  },
];

describe("HMAC-SHA256 (RFC 2104)", () => {
  it.each(RFC_4231_VECTORS)("matches RFC 4231 test case $case", async ({ key, data, mac }) => {
    expect(await signHmacSha256Hex(key, data)).toBe(mac);
    expect(await verifyHmacSha256(key, data, mac)).toBe(true);
    expect(await verifyHmacSha256(key, data, mac.toUpperCase())).toBe(true);
  });

  const mac = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  it.each([
    { name: "a signature of other data", key: "Jefe", data: "what do ya want for something?", signature: mac },
    { name: "another secret", key: "Jeff", data: "what do ya want for nothing?", signature: mac },
    { name: "one flipped bit", key: "Jefe", data: "what do ya want for nothing?", signature: `${mac.slice(0, -1)}2` },
    { name: "a truncated signature", key: "Jefe", data: "what do ya want for nothing?", signature: mac.slice(0, 32) },
    { name: "non-hex input", key: "Jefe", data: "what do ya want for nothing?", signature: "z".repeat(64) },
    { name: "an empty signature", key: "Jefe", data: "what do ya want for nothing?", signature: "" },
  ])("rejects $name without throwing", async ({ key, data, signature }) => {
    expect(await verifyHmacSha256(key, data, signature)).toBe(false);
  });

  it("signs and verifies in base64url", async () => {
    const signature = await signHmacSha256Base64Url("secret", "payload");
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await verifyHmacSha256("secret", "payload", signature, "base64url")).toBe(true);
    expect(await verifyHmacSha256("secret", "payload!", signature, "base64url")).toBe(false);
  });
});

describe("constant-time string comparison", () => {
  it.each([
    { a: "same-secret", b: "same-secret", equal: true },
    { a: "", b: "", equal: true },
    { a: "same-secret", b: "same-secreT", equal: false },
    { a: "short", b: "short-but-longer", equal: false },
    { a: "x", b: "", equal: false },
  ])("compares $a and $b → $equal", async ({ a, b, equal }) => {
    expect(await timingSafeEqualStrings(a, b)).toBe(equal);
  });
});

describe("tokens", () => {
  it("generates 256-bit URL-safe random tokens that do not repeat", () => {
    const tokens = new Set(Array.from({ length: 200 }, () => randomToken()));
    expect(tokens.size).toBe(200);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  // FIPS 180-2 appendix B.1 test vector.
  it("hashes stored tokens with SHA-256", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
