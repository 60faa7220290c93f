// The bench's stand-in for the Temporal worker's signing key: its public half is the bench Worker's WORKER_JWKS,
// and each run of the internal-activity scenario signs a fresh batch of one-use tokens (SPEC §7.4: every token
// carries a unique jti, so a load generator cannot repeat one header).
import { writeFileSync } from "node:fs";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
const KID = "bench-worker";

export const benchWorkerBindings = {
  WORKER_JWKS: JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: KID, alg: "ES256", use: "sig" }] }),
};

/** Writes `count` tokens for `executionId`, one per line (the driver takes one per request). */
export async function writeWorkerTokens(path, { executionId, audience, count }) {
  const iat = Math.floor(Date.now() / 1000);
  const tokens = [];
  for (let i = 0; i < count; i++) {
    tokens.push(
      await new SignJWT({ execution_id: executionId })
        .setProtectedHeader({ alg: "ES256", kid: KID, typ: "JWT" })
        .setIssuer("temporal-worker")
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + 120)
        .setJti(crypto.randomUUID())
        .sign(privateKey),
    );
  }
  writeFileSync(path, tokens.join("\n"));
}
