import { importJWK, type JWTPayload, SignJWT } from "jose";

/**
 * Worker tokens for tests, signed with fixed test keys (never used outside tests). The public half of
 * `TEST_WORKER_PRIVATE_JWK` is the Worker's `WORKER_JWKS` in vitest.config.ts; `TEST_INTRUDER_PRIVATE_JWK`
 * claims the same `kid` with another key (a forged token).
 */
export const TEST_WORKER_PRIVATE_JWK = {
  kty: "EC",
  x: "DxfbzAXSjdVEyeHgIL_qlrQKgxPilH3_supn_zZQZvU",
  y: "_hp8lvM1qNn7b8EHlbH8ZeSgtaik_JyQ5rI0RjO6b44",
  crv: "P-256",
  d: "SSfsdQIjrnYVYK6eUUqiaL9zmxRQbR5tmjqCIh7RApU",
  kid: "test-worker-1",
  alg: "ES256",
};
export const TEST_INTRUDER_PRIVATE_JWK = {
  kty: "EC",
  x: "t1I4-37SM3AOboUWbL8N-2MU4z0xOS3eGu5tLrI4v4M",
  y: "CXa3JlmSiqR9Lq-uCIsCZDLrhFuWVos6cMWpAXtNMvE",
  crv: "P-256",
  d: "y9aLlh-FmP7vlLq0a0Nm4rTBr_9iIPciPt25Dj8Z0AA",
  kid: "test-worker-1",
  alg: "ES256",
};
export const TEST_WORKER_ISSUER = "temporal-worker";
export const TEST_INTERNAL_AUDIENCE = "http://localhost:8787/internal";

export interface WorkerTokenOptions {
  executionId: string;
  claims?: JWTPayload;
  omit?: string[];
  key?: "worker" | "intruder";
  /** Epoch seconds of `iat`; now by default. */
  iat?: number;
  lifetimeSeconds?: number;
}

/** Signs a worker token as the Temporal worker would (ES256, 60 s, a fresh jti), with overrides for negatives. */
export async function workerToken(options: WorkerTokenOptions): Promise<string> {
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: TEST_WORKER_ISSUER,
    aud: TEST_INTERNAL_AUDIENCE,
    iat,
    exp: iat + (options.lifetimeSeconds ?? 60),
    jti: crypto.randomUUID(),
    execution_id: options.executionId,
    ...options.claims,
  };
  for (const name of options.omit ?? []) delete claims[name];
  const jwk = options.key === "intruder" ? TEST_INTRUDER_PRIVATE_JWK : TEST_WORKER_PRIVATE_JWK;
  const key = await importJWK(jwk, "ES256");
  return new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: jwk.kid, typ: "JWT" }).sign(key);
}
