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

/**
 * Writes `count` one-use tokens spread round-robin over `executionIds`, one per line as `<execution id> <token>`;
 * the driver sends each to its execution's path.
 */
export async function writeWorkerTokens(path, { executionIds, audience, count }) {
  const iat = Math.floor(Date.now() / 1000);
  const lines = [];
  for (let i = 0; i < count; i++) {
    const executionId = executionIds[i % executionIds.length];
    const token = await new SignJWT({ execution_id: executionId })
      .setProtectedHeader({ alg: "ES256", kid: KID, typ: "JWT" })
      .setIssuer("temporal-worker")
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 120)
      .setJti(crypto.randomUUID())
      .sign(privateKey);
    lines.push(`${executionId} ${token}`);
  }
  writeFileSync(path, lines.join("\n"));
}
