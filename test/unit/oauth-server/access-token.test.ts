import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { type AccessTokenRefusal, issueAccessToken, verifyAccessToken } from "../../../src/oauth-server/access-token";
import { importSigningKeys, parseSigningKeySetting, type SigningKeys } from "../../../src/oauth-server/signing-keys";

const ISSUER = "https://app.example.com";
const AUDIENCE = "https://app.example.com/mcp";
const NOW = 1_800_000_000;
const claims = { userId: "u1", clientId: "c1", grantId: "g1", scope: "workflows:read", resource: AUDIENCE };

async function privateJwk(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid };
}

let keys: SigningKeys;
let otherKeys: SigningKeys;
let jwkA: JWK;
beforeAll(async () => {
  jwkA = await privateJwk("a");
  keys = await importSigningKeys(JSON.stringify([jwkA, await privateJwk("b")]));
  otherKeys = await importSigningKeys(JSON.stringify([await privateJwk("a")]));
});

describe("OAUTH_SIGNING_KEYS", () => {
  it.each([
    ["missing", undefined, "is required"],
    ["not JSON", "{", "not valid JSON"],
    ["empty array", "[]", "at least one key"],
    ["an RSA key", JSON.stringify([{ kty: "RSA", kid: "x" }]), "0.kty"],
    [
      "a key without kid",
      JSON.stringify([{ kty: "EC", crv: "P-256", x: "x".repeat(43), y: "y".repeat(43), d: "d".repeat(43) }]),
      "0.kid",
    ],
  ])("refuses %s, naming the problem", (_rule, raw, message) => {
    expect(() => parseSigningKeySetting(raw)).toThrow(message);
  });
  it("refuses duplicate kids (rotation selects by kid, RFC 7517 §4.5)", async () => {
    expect(() => parseSigningKeySetting(JSON.stringify([jwkA, jwkA]))).toThrow("distinct kid");
  });
  it("publishes only public parts, every key, signing with the first (RFC 7517 §5)", () => {
    expect(keys.current.kid).toBe("a");
    expect(keys.jwks.keys.map((key) => key.kid)).toEqual(["a", "b"]);
    for (const key of keys.jwks.keys) expect(key).not.toHaveProperty("d");
  });
});

describe("issue and verify (RFC 9068)", () => {
  it("round-trips the claims with an at+jwt header (RFC 9068 §2.1, §2.2)", async () => {
    const { token, expiresIn } = await issueAccessToken(keys, claims, { issuer: ISSUER, nowSeconds: NOW });
    const [header] = token.split(".");
    expect(JSON.parse(atob((header as string).replace(/-/g, "+").replace(/_/g, "/")))).toEqual({
      alg: "ES256",
      typ: "at+jwt",
      kid: "a",
    });
    const result = await verifyAccessToken(keys, token, { issuer: ISSUER, audience: AUDIENCE, nowSeconds: NOW + 1 });
    expect(result).toEqual({
      ok: true,
      token: { userId: "u1", clientId: "c1", grantId: "g1", scopes: ["workflows:read"], expiresAt: NOW + expiresIn },
    });
  });

  it("verifies tokens signed by a non-current key still in the set (rotation by kid)", async () => {
    const rotated = await importSigningKeys(JSON.stringify([await privateJwk("c"), jwkA]));
    const { token } = await issueAccessToken(keys, claims, { issuer: ISSUER, nowSeconds: NOW });
    expect((await verifyAccessToken(rotated, token, { issuer: ISSUER, audience: AUDIENCE, nowSeconds: NOW })).ok).toBe(
      true,
    );
  });

  const refusals: Array<[string, () => Promise<string>, AccessTokenRefusal, number?]> = [
    [
      "an expired token (RFC 7519 §4.1.4)",
      async () => (await issueAccessToken(keys, claims, { issuer: ISSUER, nowSeconds: NOW - 3600 })).token,
      "expired",
    ],
    [
      "a token for another resource (RFC 8707 §2; RFC 9068 §4 aud)",
      async () =>
        (
          await issueAccessToken(
            keys,
            { ...claims, resource: "https://app.example.com" },
            { issuer: ISSUER, nowSeconds: NOW },
          )
        ).token,
      "wrong_audience",
    ],
    [
      "a token from another issuer (RFC 9068 §4 iss)",
      async () => (await issueAccessToken(keys, claims, { issuer: "https://evil.example", nowSeconds: NOW })).token,
      "wrong_issuer",
    ],
    [
      "a token signed by an unknown key with a known kid (RFC 7515 §5.2)",
      async () => (await issueAccessToken(otherKeys, claims, { issuer: ISSUER, nowSeconds: NOW })).token,
      "bad_signature",
    ],
    [
      "an ID-token-shaped JWT without typ at+jwt (RFC 9068 §4: prevents token confusion)",
      async () =>
        new SignJWT({ client_id: "c1", gid: "g1" })
          .setProtectedHeader({ alg: "ES256", kid: "a" })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setSubject("u1")
          .setIssuedAt(NOW)
          .setExpirationTime(NOW + 60)
          .setJti("j")
          .sign(keys.current.key),
      "wrong_type",
    ],
    [
      "alg none (RFC 8725 §3.1)",
      async () =>
        `${btoa(JSON.stringify({ alg: "none", typ: "at+jwt" })).replace(/=/g, "")}.${btoa(JSON.stringify({ sub: "u1" })).replace(/=/g, "")}.`,
      "bad_signature",
    ],
    ["garbage", async () => "not-a-jwt", "malformed"],
    ["an opaque API key", async () => "eia_0123456789abcdef", "malformed"],
  ];
  it.each(refusals)("refuses %s", async (_rule, make, reason) => {
    const result = await verifyAccessToken(keys, await make(), { issuer: ISSUER, audience: AUDIENCE, nowSeconds: NOW });
    expect(result).toEqual({ ok: false, reason });
  });

  it("refuses a token whose claims were altered (signature covers the payload, RFC 7515 §5.2)", async () => {
    const { token } = await issueAccessToken(keys, claims, { issuer: ISSUER, nowSeconds: NOW });
    const [h, , s] = token.split(".");
    const forged = btoa(
      JSON.stringify({
        sub: "admin",
        client_id: "c1",
        gid: "g1",
        iss: ISSUER,
        aud: AUDIENCE,
        exp: NOW + 60,
        iat: NOW,
        jti: "x",
        scope: "workflows:execute",
      }),
    )
      .replace(/=/g, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    const result = await verifyAccessToken(keys, `${h}.${forged}.${s}`, {
      issuer: ISSUER,
      audience: AUDIENCE,
      nowSeconds: NOW,
    });
    expect(result).toEqual({ ok: false, reason: "bad_signature" });
  });
});
