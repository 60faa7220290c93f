import { createLocalJWKSet, decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
// The edge's own verifier (SPEC §7.4): what the worker signs must pass exactly this.
import { verifyWorkerToken } from "../../src/internal/worker-jwt";
import { createTokenSigner, internalAudience, WORKER_TOKEN_LIFETIME_SECONDS } from "../src/token";
import { ISSUER, makeKeys } from "./helpers";

const APP_URL = new URL("http://127.0.0.1:8811/");

describe("worker tokens", () => {
  it.each(["ES256", "EdDSA"] as const)("signs %s tokens the edge verifier accepts", async (alg) => {
    const { privateJwk, jwks } = await makeKeys(alg);
    const signer = await createTokenSigner({ privateJwk, issuer: ISSUER, audience: internalAudience(APP_URL) });
    const token = await signer.sign("exe_1");
    const result = await verifyWorkerToken(token, {
      keys: createLocalJWKSet(jwks as never),
      issuer: ISSUER,
      audience: "http://127.0.0.1:8811/internal",
    });
    expect(result).toMatchObject({ ok: true, claims: { executionId: "exe_1" } });
    expect(decodeProtectedHeader(token)).toEqual({ alg, kid: `test-${alg}`, typ: "JWT" });
  });

  it("gives every token its own jti and a 60 s lifetime", async () => {
    const { privateJwk } = await makeKeys();
    const signer = await createTokenSigner({ privateJwk, issuer: ISSUER, audience: "a", now: () => 1_700_000_000_000 });
    const [first, second] = [decodeJwt(await signer.sign("e")), decodeJwt(await signer.sign("e"))];
    expect(first.jti).not.toBe(second.jti);
    expect(first).toMatchObject({ iss: ISSUER, aud: "a", iat: 1_700_000_000, execution_id: "e" });
    expect((first.exp ?? 0) - (first.iat ?? 0)).toBe(WORKER_TOKEN_LIFETIME_SECONDS);
  });

  it("builds the same audience as the edge, whatever the trailing slash", () => {
    expect(internalAudience(new URL("https://api.example.com"))).toBe("https://api.example.com/internal");
    expect(internalAudience(new URL("https://api.example.com/"))).toBe("https://api.example.com/internal");
  });
});
