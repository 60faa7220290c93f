import { exportJWK, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ACCESS_TOKEN_TTL_SECONDS,
  CLOCK_TOLERANCE_SECONDS,
  issueAccessToken,
  verifyAccessToken,
} from "../../../src/oauth-server/access-token";
import { importSigningKeys, type SigningKeys } from "../../../src/oauth-server/signing-keys";
import { VerifiedTokenMemo } from "../../../src/oauth-server/verified-tokens";

const ISSUER = "https://app.example.com";
const AUDIENCE = "https://app.example.com/mcp";
const NOW = 1_800_000_000;
const claims = { userId: "u1", clientId: "c1", grantId: "g1", scope: "workflows:read", resource: AUDIENCE };

let keys: SigningKeys;
let token: string;
beforeAll(async () => {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  keys = await importSigningKeys(JSON.stringify([{ ...(await exportJWK(privateKey)), kid: "a" }]));
  token = (await issueAccessToken(keys, claims, { issuer: ISSUER, nowSeconds: NOW })).token;
});

/** A memo over the real verification, counting how often it ran. */
function memo(maxEntries?: number) {
  const verified: string[] = [];
  const instance = new VerifiedTokenMemo({
    maxEntries,
    verify: (candidate, nowSeconds) => {
      verified.push(candidate);
      return verifyAccessToken(keys, candidate, { issuer: ISSUER, audience: AUDIENCE, nowSeconds });
    },
  });
  return { instance, verified };
}

const full = (candidate: string, nowSeconds: number) =>
  verifyAccessToken(keys, candidate, { issuer: ISSUER, audience: AUDIENCE, nowSeconds });

describe("VerifiedTokenMemo (one signature check per token per isolate; expiry on every use)", () => {
  const expiry = NOW + ACCESS_TOKEN_TTL_SECONDS;
  it.each([
    ["well before expiry", NOW + 1],
    ["one second before exp + tolerance", expiry + CLOCK_TOLERANCE_SECONDS - 1],
    ["at exp + tolerance (expired, as jose decides)", expiry + CLOCK_TOLERANCE_SECONDS],
    ["long after expiry", expiry + 3600],
  ])("answers exactly as the full verification when used again %s", async (_when, later) => {
    const { instance, verified } = memo();
    expect(await instance.check(token, NOW + 1)).toEqual(await full(token, NOW + 1));
    expect(await instance.check(token, later)).toEqual(await full(token, later));
    expect(verified).toEqual([token]);
  });

  it("does not keep a refused token: it is verified again on every use", async () => {
    const { instance, verified } = memo();
    const tampered = `${token.slice(0, -4)}AAAA`;
    expect(await instance.check(tampered, NOW)).toEqual({ ok: false, reason: "bad_signature" });
    expect(await instance.check(tampered, NOW)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verified).toEqual([tampered, tampered]);
  });

  it("does not keep a token refused for expiry, nor accept it later", async () => {
    const { instance, verified } = memo();
    const late = expiry + CLOCK_TOLERANCE_SECONDS;
    expect(await instance.check(token, late)).toEqual({ ok: false, reason: "expired" });
    expect(await instance.check(token, late + 1)).toEqual({ ok: false, reason: "expired" });
    expect(verified).toHaveLength(2);
  });

  it("matches by the exact token string only", async () => {
    const { instance, verified } = memo();
    await instance.check(token, NOW);
    const other = (await issueAccessToken(keys, { ...claims, grantId: "g2" }, { issuer: ISSUER, nowSeconds: NOW }))
      .token;
    const answer = await instance.check(other, NOW);
    expect(answer.ok && answer.token.grantId).toBe("g2");
    expect(verified).toEqual([token, other]);
  });

  it("hands out copies: a caller changing its scopes does not change the next answer", async () => {
    const { instance } = memo();
    const first = await instance.check(token, NOW);
    if (first.ok) first.token.scopes.push("connections:use");
    const second = await instance.check(token, NOW);
    expect(second.ok && second.token.scopes).toEqual(["workflows:read"]);
  });

  it("keeps at most its size, dropping the least recently used token", async () => {
    const { instance, verified } = memo(2);
    const issue = async (grantId: string) =>
      (await issueAccessToken(keys, { ...claims, grantId }, { issuer: ISSUER, nowSeconds: NOW })).token;
    const [t1, t2, t3] = [await issue("g1"), await issue("g2"), await issue("g3")];
    for (const candidate of [t1, t2, t1, t3]) await instance.check(candidate, NOW); // t2 least recently used
    expect(verified).toEqual([t1, t2, t3]);
    await instance.check(t1, NOW);
    await instance.check(t2, NOW);
    expect(verified).toEqual([t1, t2, t3, t2]);
  });
});
