/**
 * Verification of the Temporal worker's bearer tokens (SPEC §7.4). Pure apart from fetching a remote JWKS.
 *
 * A worker token is a JWT (RFC 7519) signed with ES256 or EdDSA. Every check below has a reason:
 * - `alg` allow-list (RFC 8725 §3.1): never `none`, never an HMAC that a public key could be confused into;
 * - signature against the configured JWKS, key picked by `kid`/`alg` (RFC 7515 §4.1.4);
 * - `iss` = WORKER_JWT_ISSUER (RFC 7519 §4.1.1) and `aud` = `{APP_URL}/internal` (§4.1.3, RFC 8725 §3.9):
 *   a token minted for another deployment or another service is refused;
 * - `exp` (§4.1.4) and `iat` (§4.1.6) required, `iat` not in the future, `exp − iat` ≤ 300 s: a leaked
 *   token is useful for minutes at most;
 * - `jti` (§4.1.7) required, so each token can be used once (replay is refused by the caller, with a
 *   strongly consistent ledger: see ./jti.ts);
 * - `execution_id`: the single execution the token may act on (checked by {@link authorizeExecution}).
 *
 * Failures are tagged results; the tag is for logs only. On the wire every failure is the same 401, so a
 * caller cannot learn which check failed (only another execution's token gets a distinct 403).
 */
import { errors, type JWTVerifyGetKey, jwtVerify } from "jose";

export const WORKER_JWT_ALGORITHMS = ["ES256", "EdDSA"] as const;
export const MAX_WORKER_TOKEN_LIFETIME_SECONDS = 300;
/** Leeway for clock skew between the worker's host and the edge (RFC 7519 §4.1.4 "small leeway"). */
export const WORKER_TOKEN_CLOCK_TOLERANCE_SECONDS = 10;
const MAX_JTI_LENGTH = 200;
const MAX_EXECUTION_ID_LENGTH = 200;

export interface WorkerTokenClaims {
  jti: string;
  executionId: string;
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
}

export type WorkerTokenRejection =
  | "malformed"
  | "algorithm_not_allowed"
  | "unknown_key"
  | "bad_signature"
  | "wrong_issuer"
  | "wrong_audience"
  | "expired"
  | "not_yet_valid"
  | "issued_in_future"
  | "lifetime_too_long"
  | "missing_claim"
  | "invalid_claim"
  /** Our side failed (JWKS unreachable): not the token's fault, worth a retry. */
  | "keys_unavailable";

export type WorkerTokenResult =
  | { ok: true; claims: WorkerTokenClaims }
  | { ok: false; reason: WorkerTokenRejection; detail?: string };

export interface VerifyWorkerTokenOptions {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** Epoch ms; `Date.now()` by default. */
  now?: number;
}

/** Verifies a worker token. Never throws for a bad token: it returns the tagged reason. */
export async function verifyWorkerToken(token: string, options: VerifyWorkerTokenOptions): Promise<WorkerTokenResult> {
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, options.keys, {
      algorithms: [...WORKER_JWT_ALGORITHMS],
      issuer: options.issuer,
      audience: options.audience,
      currentDate: new Date(nowSeconds * 1000),
      clockTolerance: WORKER_TOKEN_CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["iat", "exp", "jti"],
    }));
  } catch (error) {
    return { ok: false, ...rejectionOf(error) };
  }
  const { iat, exp, jti } = payload as { iat: number; exp: number; jti: unknown };
  const executionId = payload.execution_id;
  if (executionId === undefined) return { ok: false, reason: "missing_claim", detail: "execution_id" };
  if (typeof executionId !== "string" || !executionId || executionId.length > MAX_EXECUTION_ID_LENGTH) {
    return { ok: false, reason: "invalid_claim", detail: "execution_id" };
  }
  if (typeof jti !== "string" || !jti || jti.length > MAX_JTI_LENGTH) {
    return { ok: false, reason: "invalid_claim", detail: "jti" };
  }
  if (iat > nowSeconds + WORKER_TOKEN_CLOCK_TOLERANCE_SECONDS) return { ok: false, reason: "issued_in_future" };
  if (exp - iat > MAX_WORKER_TOKEN_LIFETIME_SECONDS) return { ok: false, reason: "lifetime_too_long" };
  return { ok: true, claims: { jti, executionId, iat, exp } };
}

/**
 * RFC 6750 §2.1: `Authorization: Bearer <token>` (the scheme is case-insensitive, RFC 9110 §11.1); anything
 * else — a session cookie, Basic, no header — is no token.
 */
export function bearerTokenOf(authorization: string | undefined | null): string | undefined {
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization?.trim() ?? "");
  return match?.[1];
}

export type ExecutionAuthorization = { ok: true } | { ok: false; reason: "other_execution" };

/** The token names one execution; acting on another is forbidden (403), whatever else is valid. */
export function authorizeExecution(claims: WorkerTokenClaims, executionId: string): ExecutionAuthorization {
  return claims.executionId === executionId ? { ok: true } : { ok: false, reason: "other_execution" };
}

function rejectionOf(error: unknown): { reason: WorkerTokenRejection; detail?: string } {
  if (error instanceof errors.JWTExpired) return { reason: "expired" };
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === "missing") return { reason: "missing_claim", detail: error.claim };
    switch (error.claim) {
      case "iss":
        return { reason: "wrong_issuer" };
      case "aud":
        return { reason: "wrong_audience" };
      case "nbf":
        return { reason: "not_yet_valid" };
      default:
        return { reason: "invalid_claim", detail: error.claim };
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return { reason: "algorithm_not_allowed" };
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return { reason: "bad_signature" };
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return { reason: "unknown_key" };
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return { reason: "malformed" };
  // JWKS timeouts, a non-200 JWKS answer, an unreadable JWKS, network errors: the key source failed.
  return { reason: "keys_unavailable", detail: error instanceof Error ? error.name : undefined };
}
