/**
 * Signs the short-lived bearer token the worker presents on every internal API call (SPEC §7.4): one token
 * per HTTP request, bound to one execution, used once (`jti`), alive for a minute.
 */
import { importJWK, SignJWT } from "jose";

/** Well under the edge's 300 s ceiling: a token leaked from a log is dead almost at once. */
export const WORKER_TOKEN_LIFETIME_SECONDS = 60;

export interface TokenSigner {
  sign(executionId: string): Promise<string>;
}

export interface TokenSignerOptions {
  privateJwk: Record<string, unknown>;
  issuer: string;
  /** `{APP_URL}/internal`, the edge's expected `aud`. */
  audience: string;
  now?: () => number;
  newJti?: () => string;
}

export function internalAudience(appUrl: URL): string {
  return `${appUrl.href.replace(/\/+$/, "")}/internal`;
}

export async function createTokenSigner(options: TokenSignerOptions): Promise<TokenSigner> {
  const alg = String(options.privateJwk.alg);
  const kid = String(options.privateJwk.kid);
  const key = await importJWK(options.privateJwk as Parameters<typeof importJWK>[0], alg);
  const now = options.now ?? Date.now;
  const newJti = options.newJti ?? (() => crypto.randomUUID());
  return {
    async sign(executionId) {
      const iat = Math.floor(now() / 1000);
      return new SignJWT({ execution_id: executionId })
        .setProtectedHeader({ alg, kid, typ: "JWT" })
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + WORKER_TOKEN_LIFETIME_SECONDS)
        .setJti(newJti())
        .sign(key);
    },
  };
}
