/**
 * Makes a worker signing key: prints WORKER_PRIVATE_JWK (for the worker, a secret) and WORKER_JWKS (for the edge,
 * public). `npm run keys` in worker/; add `--eddsa` for an Ed25519 key instead of ES256.
 */
import { exportJWK, generateKeyPair } from "jose";

const alg = process.argv.includes("--eddsa") ? "EdDSA" : "ES256";
const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
const kid = `worker-${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`;
const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
const privateJwk = { ...(await exportJWK(privateKey)), kid, alg };
console.log(`WORKER_PRIVATE_JWK='${JSON.stringify(privateJwk)}'`);
console.log(`WORKER_JWKS='${JSON.stringify({ keys: [publicJwk] })}'`);
