import { errors, jwtVerify, SignJWT } from "jose";
import { ACCESS_TOKEN_ALGORITHM, type SigningKeys } from "./signing-keys";

/**
 * Access tokens: JWTs in the RFC 9068 profile ("JWT Profile for OAuth 2.0 Access Tokens"), signed
 * with our ES256 key, so `/mcp` validates them with one signature check and no storage read.
 *
 * Audience binding (RFC 8707 §2, RFC 9068 §3): `aud` is the one resource the grant was issued for,
 * and {@link verifyAccessToken} refuses any other — a token for `/mcp` is useless elsewhere, and a
 * token minted for another resource is refused by `/mcp` (the seed's defect). Revocation is not
 * visible in a self-contained token, so every token names its grant (`gid`) and the resource server
 * checks that against the revoked-grants cache (revocation-cache.ts).
 */
export const ACCESS_TOKEN_TTL_SECONDS = 10 * 60;
/** Clock skew tolerated between isolates (RFC 7519 §4.1.4 allows "some small leeway"). */
export const CLOCK_TOLERANCE_SECONDS = 5;
/** RFC 9068 §2.1: the `typ` header of an access-token JWT. */
export const ACCESS_TOKEN_TYPE = "at+jwt";

export interface AccessTokenClaims {
  userId: string;
  clientId: string;
  grantId: string;
  scope: string;
  resource: string;
}

/** Issues an access token (RFC 9068 §2.2 claims: iss, exp, aud, sub, client_id, iat, jti, scope). */
export async function issueAccessToken(
  keys: SigningKeys,
  claims: AccessTokenClaims,
  options: { issuer: string; nowSeconds: number; ttlSeconds?: number },
): Promise<{ token: string; expiresIn: number }> {
  const ttl = options.ttlSeconds ?? ACCESS_TOKEN_TTL_SECONDS;
  const token = await new SignJWT({ client_id: claims.clientId, scope: claims.scope, gid: claims.grantId })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: keys.current.kid })
    .setIssuer(options.issuer)
    .setSubject(claims.userId)
    .setAudience(claims.resource)
    .setIssuedAt(options.nowSeconds)
    .setExpirationTime(options.nowSeconds + ttl)
    .setJti(crypto.randomUUID())
    .sign(keys.current.key);
  return { token, expiresIn: ttl };
}

export interface VerifiedAccessToken {
  userId: string;
  clientId: string;
  grantId: string;
  scopes: string[];
  expiresAt: number;
}

/** Why a token was refused; collapsed to `invalid_token` on the wire so callers learn nothing more. */
export type AccessTokenRefusal =
  | "malformed"
  | "bad_signature"
  | "expired"
  | "wrong_issuer"
  | "wrong_audience"
  | "wrong_type"
  | "invalid_claims";

export type AccessTokenCheck = { ok: true; token: VerifiedAccessToken } | { ok: false; reason: AccessTokenRefusal };

/**
 * Verifies an access token for `audience` (RFC 9068 §4): signature by one of our keys (chosen by
 * `kid`; ES256 only — no `alg` confusion, no `none`), `typ` `at+jwt`, our issuer, `aud` containing
 * exactly the resource, not expired. Never throws for a bad token.
 */
export async function verifyAccessToken(
  keys: SigningKeys,
  token: string,
  options: { issuer: string; audience: string; nowSeconds?: number },
): Promise<AccessTokenCheck> {
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const key = header.kid === undefined ? undefined : keys.verificationKeys.get(header.kid);
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        typ: ACCESS_TOKEN_TYPE,
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ["sub", "exp", "iat", "jti", "client_id", "gid"],
        ...(options.nowSeconds === undefined ? {} : { currentDate: new Date(options.nowSeconds * 1000) }),
      },
    );
    const { sub, client_id: clientId, gid, scope, exp } = payload;
    if (typeof sub !== "string" || typeof clientId !== "string" || typeof gid !== "string" || typeof exp !== "number") {
      return { ok: false, reason: "invalid_claims" };
    }
    const scopes = typeof scope === "string" ? scope.split(" ").filter(Boolean) : [];
    return { ok: true, token: { userId: sub, clientId, grantId: gid, scopes, expiresAt: exp } };
  } catch (error) {
    return { ok: false, reason: refusalFor(error) };
  }
}

function refusalFor(error: unknown): AccessTokenRefusal {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return "wrong_issuer";
    if (error.claim === "aud") return "wrong_audience";
    if (error.claim === "typ") return "wrong_type";
    return "invalid_claims";
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return "bad_signature";
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "bad_signature";
  return "malformed";
}
