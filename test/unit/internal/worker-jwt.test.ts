import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  SignJWT,
  UnsecuredJWT,
} from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  authorizeExecution,
  bearerTokenOf,
  verifyWorkerToken,
  type WorkerTokenRejection,
} from "../../../src/internal/worker-jwt";

const ISSUER = "temporal-worker";
const AUDIENCE = "http://localhost:8787/internal";
const NOW_MS = Date.parse("2026-12-01T12:00:00Z");
const NOW = NOW_MS / 1000;

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;
let es256: Keys;
let ed25519: Keys;
let intruder: Keys;
let es384: Keys;
let jwks: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  [es256, ed25519, intruder, es384] = await Promise.all([
    generateKeyPair("ES256", { extractable: true }),
    generateKeyPair("EdDSA", { extractable: true }),
    generateKeyPair("ES256", { extractable: true }),
    generateKeyPair("ES384", { extractable: true }),
  ]);
  jwks = createLocalJWKSet({
    keys: [
      { ...(await exportJWK(es256.publicKey)), kid: "es", alg: "ES256", use: "sig" },
      { ...(await exportJWK(ed25519.publicKey)), kid: "ed", alg: "EdDSA", use: "sig" },
    ],
  });
});

const baseClaims = (): JWTPayload => ({
  iss: ISSUER,
  aud: AUDIENCE,
  iat: NOW,
  exp: NOW + 60,
  jti: "jti-1",
  execution_id: "exe_1",
});

interface SignOptions {
  key?: "es256" | "ed25519" | "intruder" | "es384";
  alg?: string;
  kid?: string;
  claims?: JWTPayload;
  omit?: string[];
}

async function sign(options: SignOptions = {}): Promise<string> {
  const claims: JWTPayload = { ...baseClaims(), ...options.claims };
  for (const name of options.omit ?? []) delete claims[name];
  const key = { es256, ed25519, intruder, es384 }[options.key ?? "es256"];
  const alg = options.alg ?? (options.key === "ed25519" ? "EdDSA" : options.key === "es384" ? "ES384" : "ES256");
  const kid = options.kid ?? (options.key === "ed25519" ? "ed" : "es");
  return new SignJWT(claims).setProtectedHeader({ alg, kid, typ: "JWT" }).sign(key.privateKey);
}

const verify = (token: string, now = NOW_MS) =>
  verifyWorkerToken(token, { keys: jwks, issuer: ISSUER, audience: AUDIENCE, now });

describe("worker token verification (SPEC §7.4)", () => {
  it("accepts an ES256 token (RFC 7518 §3.4) and returns its claims", async () => {
    expect(await verify(await sign())).toEqual({
      ok: true,
      claims: { jti: "jti-1", executionId: "exe_1", iat: NOW, exp: NOW + 60 },
    });
  });

  it("accepts an EdDSA token (RFC 8037 §3.1)", async () => {
    expect((await verify(await sign({ key: "ed25519" }))).ok).toBe(true);
  });

  it("accepts `aud` as an array that contains the audience (RFC 7519 §4.1.3)", async () => {
    expect((await verify(await sign({ claims: { aud: ["other", AUDIENCE] } }))).ok).toBe(true);
  });

  it("accepts exactly 300 s of lifetime and an expiry within the clock leeway (RFC 7519 §4.1.4)", async () => {
    expect((await verify(await sign({ claims: { exp: NOW + 300 } }))).ok).toBe(true);
    expect((await verify(await sign({ claims: { exp: NOW - 5 } }))).ok).toBe(true);
  });

  const cases: Array<{ name: string; token: () => Promise<string>; reason: WorkerTokenRejection; now?: number }> = [
    {
      name: "a signature by another key under a known kid (RFC 7515 §5.2)",
      token: () => sign({ key: "intruder" }),
      reason: "bad_signature",
    },
    { name: "an unknown kid (RFC 7515 §4.1.4)", token: () => sign({ kid: "nope" }), reason: "unknown_key" },
    {
      name: "alg none, an unsecured JWT (RFC 7519 §6, RFC 8725 §3.1)",
      token: async () => new UnsecuredJWT(baseClaims()).encode(),
      reason: "algorithm_not_allowed",
    },
    {
      name: "ES384, outside the allow-list (RFC 8725 §3.1)",
      token: () => sign({ key: "es384" }),
      reason: "algorithm_not_allowed",
    },
    {
      name: "HS256 keyed with the public key (algorithm confusion, RFC 8725 §2.1)",
      token: async () =>
        new SignJWT(baseClaims())
          .setProtectedHeader({ alg: "HS256", kid: "es" })
          .sign(new TextEncoder().encode(JSON.stringify(await exportJWK(es256.publicKey)))),
      reason: "algorithm_not_allowed",
    },
    {
      name: "another issuer (RFC 7519 §4.1.1)",
      token: () => sign({ claims: { iss: "someone" } }),
      reason: "wrong_issuer",
    },
    { name: "no issuer (RFC 7519 §4.1.1)", token: () => sign({ omit: ["iss"] }), reason: "missing_claim" },
    {
      name: "another audience (RFC 7519 §4.1.3)",
      token: () => sign({ claims: { aud: "https://other.example/internal" } }),
      reason: "wrong_audience",
    },
    {
      name: "the app's audience without /internal (RFC 7519 §4.1.3)",
      token: () => sign({ claims: { aud: "http://localhost:8787" } }),
      reason: "wrong_audience",
    },
    { name: "an expired token (RFC 7519 §4.1.4)", token: () => sign({ claims: { exp: NOW - 11 } }), reason: "expired" },
    {
      name: "a token not yet valid (RFC 7519 §4.1.5)",
      token: () => sign({ claims: { nbf: NOW + 60 } }),
      reason: "not_yet_valid",
    },
    {
      name: "iat in the future (RFC 7519 §4.1.6)",
      token: () => sign({ claims: { iat: NOW + 60, exp: NOW + 120 } }),
      reason: "issued_in_future",
    },
    {
      name: "a lifetime over 300 s (exp − iat = 301)",
      token: () => sign({ claims: { exp: NOW + 301 } }),
      reason: "lifetime_too_long",
    },
    {
      name: "an old token that has a long lifetime",
      token: () => sign({ claims: { iat: NOW - 3600, exp: NOW + 60 } }),
      reason: "lifetime_too_long",
    },
    { name: "no exp (RFC 7519 §4.1.4)", token: () => sign({ omit: ["exp"] }), reason: "missing_claim" },
    { name: "no iat (RFC 7519 §4.1.6)", token: () => sign({ omit: ["iat"] }), reason: "missing_claim" },
    { name: "no jti (RFC 7519 §4.1.7)", token: () => sign({ omit: ["jti"] }), reason: "missing_claim" },
    {
      name: "a jti that is not a string (RFC 7519 §4.1.7)",
      token: () => sign({ claims: { jti: 42 as unknown as string } }),
      reason: "invalid_claim",
    },
    { name: "no execution_id", token: () => sign({ omit: ["execution_id"] }), reason: "missing_claim" },
    {
      name: "an execution_id that is not a string",
      token: () => sign({ claims: { execution_id: 7 } }),
      reason: "invalid_claim",
    },
    { name: "a string that is not a JWS (RFC 7519 §7.2)", token: async () => "not-a-jwt", reason: "malformed" },
    {
      name: "a payload altered after signing (RFC 7515 §5.2)",
      token: async () => {
        const [header, , signature] = (await sign()).split(".");
        const forged = btoa(JSON.stringify({ ...baseClaims(), execution_id: "exe_2" })).replace(/=+$/, "");
        return `${header}.${forged.replace(/\+/g, "-").replace(/\//g, "_")}.${signature}`;
      },
      reason: "bad_signature",
    },
  ];

  it.each(cases)("refuses $name → $reason", async ({ token, reason, now }) => {
    const result = await verify(await token(), now);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe(reason);
  });

  it("reports an unreachable JWKS as our failure, not the token's", async () => {
    const unreachable = createRemoteJWKSet(new URL("https://keys.example.test/jwks.json"), {
      [customFetch]: () => Promise.reject(new TypeError("fetch failed")),
    });
    const result = await verifyWorkerToken(await sign(), {
      keys: unreachable,
      issuer: ISSUER,
      audience: AUDIENCE,
      now: NOW_MS,
    });
    expect(!result.ok && result.reason).toBe("keys_unavailable");
  });
});

describe("bearer token extraction (RFC 6750 §2.1)", () => {
  it.each([
    { header: "Bearer abc.def.ghi", token: "abc.def.ghi" },
    { header: "Bearer a-b_c~d+e/f==", token: "a-b_c~d+e/f==" },
    { header: "bearer abc", token: "abc" }, // the scheme is case-insensitive (RFC 9110 §11.1)
    { header: "Basic dXNlcjpwYXNz", token: undefined },
    { header: "Bearer", token: undefined },
    { header: "Bearer a b", token: undefined },
    { header: "", token: undefined },
    { header: undefined, token: undefined },
  ])("$header → $token", ({ header, token }) => {
    expect(bearerTokenOf(header)).toBe(token);
  });
});

describe("execution binding", () => {
  const claims = { jti: "j", executionId: "exe_1", iat: NOW, exp: NOW + 60 };
  it("allows the execution named in the token", () => {
    expect(authorizeExecution(claims, "exe_1")).toEqual({ ok: true });
  });
  it("forbids any other execution", () => {
    expect(authorizeExecution(claims, "exe_2")).toEqual({ ok: false, reason: "other_execution" });
    expect(authorizeExecution(claims, "EXE_1")).toEqual({ ok: false, reason: "other_execution" });
  });
});
