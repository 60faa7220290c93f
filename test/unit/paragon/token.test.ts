import { decodeProtectedHeader, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { importParagonSigningKey, SigningKeyError, toPkcs8Pem } from "../../../src/paragon/signing-key";
import {
  PARAGON_TOKEN_TTL_SECONDS,
  paragonAudience,
  paragonUserMetadata,
  signParagonUserToken,
} from "../../../src/paragon/token";
import { generateParagonKeys, type ParagonTestKeys, toPem } from "../../fakes/paragon-keys";

const PROJECT_ID = "38b1f170-0c43-4eae-9a04-ab85325d99f7";
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
let keys: ParagonTestKeys;

beforeAll(async () => {
  keys = await generateParagonKeys();
});

describe("Paragon user token (docs: installing-the-connect-sdk; RFC 7519 §4.1)", () => {
  it.each(["pkcs8", "pkcs1"] as const)("signs RS256 with the documented claims from a %s PEM", async (format) => {
    const pem = format === "pkcs8" ? keys.pkcs8Pem : keys.pkcs1Pem;
    const { token, expiresAt } = await signParagonUserToken({
      projectId: PROJECT_ID,
      signingKeyPem: pem,
      userId: "user-123",
      now: NOW,
    });
    expect(decodeProtectedHeader(token)).toEqual({ alg: "RS256", typ: "JWT" });
    const { payload } = await jwtVerify(token, keys.publicKey, {
      algorithms: ["RS256"],
      audience: `useparagon.com/${PROJECT_ID}`,
      subject: "user-123",
      currentDate: new Date(NOW),
    });
    expect(payload).toEqual({
      sub: "user-123",
      aud: `useparagon.com/${PROJECT_ID}`,
      iat: NOW / 1000,
      exp: NOW / 1000 + 3600,
    });
    expect(expiresAt).toBe((NOW / 1000 + PARAGON_TOKEN_TTL_SECONDS) * 1000);
  });

  it("expires after one hour (RFC 7519 §4.1.4)", async () => {
    const { token } = await signParagonUserToken({ projectId: PROJECT_ID, signingKeyPem: keys.pkcs8Pem, userId: "u" });
    await expect(
      jwtVerify(token, keys.publicKey, { currentDate: new Date(Date.now() + 3601_000), clockTolerance: 0 }),
    ).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
  });

  it("does not verify under another key", async () => {
    const other = await generateParagonKeys();
    const { token } = await signParagonUserToken({ projectId: PROJECT_ID, signingKeyPem: keys.pkcs1Pem, userId: "u" });
    await expect(jwtVerify(token, other.publicKey)).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });
  });

  it("builds the audience from the project id", () => {
    expect(paragonAudience("p-1")).toBe("useparagon.com/p-1");
  });

  it.each([
    { user: { email: "a@example.com", name: "Ada" }, metadata: { Name: "Ada", Email: "a@example.com" } },
    { user: { email: "a@example.com", name: null }, metadata: { Email: "a@example.com" } },
    { user: { email: null, name: null }, metadata: {} },
  ])("returns Paragon's case-sensitive Name/Email metadata ($metadata)", ({ user, metadata }) => {
    expect(paragonUserMetadata(user)).toEqual(metadata);
  });
});

describe("signing key import (RFC 8017 App. A.1.2 PKCS#1, RFC 5208 §5 PKCS#8)", () => {
  it("re-encodes PKCS#1 as PKCS#8 without changing the key", async () => {
    const converted = toPkcs8Pem(keys.pkcs1Pem);
    expect(converted.startsWith("-----BEGIN PRIVATE KEY-----")).toBe(true);
    expect(converted.replace(/\s/g, "")).toBe(keys.pkcs8Pem.replace(/\s/g, ""));
  });

  it("returns a PKCS#8 PEM unchanged", () => {
    expect(toPkcs8Pem(keys.pkcs8Pem)).toBe(keys.pkcs8Pem);
  });

  it("imports a key once per isolate (same promise for the same PEM)", async () => {
    const first = importParagonSigningKey(keys.pkcs8Pem);
    const second = importParagonSigningKey(keys.pkcs8Pem);
    expect(await first).toBe(await second);
    expect((await first).extractable).toBe(false);
  });

  it.each([
    { name: "not a PEM", pem: "not a key" },
    { name: "a public key", pem: "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----" },
    { name: "garbage PKCS#1", pem: "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----" },
    { name: "garbage PKCS#8", pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" },
  ])("refuses $name with a SigningKeyError", async ({ pem }) => {
    await expect(importParagonSigningKey(pem)).rejects.toBeInstanceOf(SigningKeyError);
  });

  it("refuses a non-RSA (EC) PKCS#8 key", async () => {
    const ec = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const der = new Uint8Array((await crypto.subtle.exportKey("pkcs8", ec.privateKey)) as ArrayBuffer);
    await expect(importParagonSigningKey(toPem(der, "PRIVATE KEY"))).rejects.toBeInstanceOf(SigningKeyError);
  });

  it("evicts a failed import so a corrected key is not shadowed", async () => {
    const bad = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----";
    const first = importParagonSigningKey(bad);
    await expect(first).rejects.toBeInstanceOf(SigningKeyError);
    const retried = importParagonSigningKey(bad);
    expect(retried).not.toBe(first);
    await expect(retried).rejects.toBeInstanceOf(SigningKeyError);
  });
});
