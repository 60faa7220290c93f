import { exportJWK, generateKeyPair } from "jose";

export const ISSUER = "temporal-worker";

/** A fresh ES256 (or EdDSA) key pair as the worker (private JWK) and the edge (public JWKS) would hold them. */
export async function makeKeys(alg: "ES256" | "EdDSA" = "ES256") {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `test-${alg}`;
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg } as Record<string, unknown>,
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg, use: "sig" }] },
  };
}
