import { ConfigError } from "../platform/config";

/**
 * Settings of the internal API's worker authentication (SPEC §7.4). The internal API is enabled only when
 * a key source is configured: `WORKER_JWKS` (a public JWKS, as JSON) or `WORKER_JWKS_URL` (fetched and cached).
 */
export const DEFAULT_WORKER_JWT_ISSUER = "temporal-worker";

export type WorkerKeySource = { kind: "inline"; jwks: { keys: JsonWebKey[] } } | { kind: "remote"; url: URL };

export interface WorkerAuthSettings {
  keys: WorkerKeySource;
  issuer: string;
  /** `{APP_URL}/internal`: a token minted for this deployment's internal API and nothing else. */
  audience: string;
}

/** Key types the verifier accepts, matching the allowed algorithms (ES256 → EC P-256, EdDSA → OKP Ed25519). */
const ACCEPTED_KEY_TYPES = [
  { kty: "EC", crv: "P-256" },
  { kty: "OKP", crv: "Ed25519" },
];
/** Private members of EC/OKP JWKs (RFC 7518 §6.2.2.1, RFC 8037 §2). */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"];

/** The audience a worker token must carry for this deployment. */
export function internalAudience(appUrl: URL): string {
  return `${appUrl.href.replace(/\/+$/, "")}/internal`;
}

/**
 * Reads the worker-auth settings. Returns `undefined` when neither key source is set (internal API off).
 * Throws `ConfigError` for an unreadable JWKS, a JWKS holding private key material (the public set is the
 * only thing this side may know), keys of another type, both sources at once, or a non-https URL outside
 * development.
 */
export function parseWorkerAuthSettings(
  vars: Record<string, unknown>,
  appUrl: URL,
  environment: string,
): WorkerAuthSettings | undefined {
  const inline = text(vars.WORKER_JWKS);
  const url = text(vars.WORKER_JWKS_URL);
  const issuer = text(vars.WORKER_JWT_ISSUER) ?? DEFAULT_WORKER_JWT_ISSUER;
  if (!inline && !url) return undefined;
  if (inline && url) throw new ConfigError(["WORKER_JWKS: set WORKER_JWKS or WORKER_JWKS_URL, not both"]);
  const audience = internalAudience(appUrl);
  if (url) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(["WORKER_JWKS_URL: must be an absolute URL"]);
    }
    const development = environment === "development" || environment === "test";
    if (parsed.protocol !== "https:" && !(development && parsed.protocol === "http:")) {
      throw new ConfigError(["WORKER_JWKS_URL: must use https"]);
    }
    return { keys: { kind: "remote", url: parsed }, issuer, audience };
  }
  return { keys: { kind: "inline", jwks: parseJwks(inline as string) }, issuer, audience };
}

function parseJwks(raw: string): { keys: JsonWebKey[] } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ConfigError(["WORKER_JWKS: is not JSON (expected a JWK Set, RFC 7517 §5)"]);
  }
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ConfigError(['WORKER_JWKS: must be a JWK Set {"keys": [...]} with at least one key']);
  }
  const problems: string[] = [];
  for (const [index, key] of (keys as Array<Record<string, unknown> | null>).entries()) {
    if (!key || typeof key !== "object") {
      problems.push(`WORKER_JWKS: keys[${index}] is not a JWK`);
      continue;
    }
    if (PRIVATE_MEMBERS.some((member) => member in key)) {
      problems.push(`WORKER_JWKS: keys[${index}] holds private key material; publish only the public key`);
    }
    if (!ACCEPTED_KEY_TYPES.some((type) => type.kty === key.kty && type.crv === key.crv)) {
      problems.push(`WORKER_JWKS: keys[${index}] must be an EC P-256 (ES256) or OKP Ed25519 (EdDSA) key`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { keys: keys as JsonWebKey[] };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}
