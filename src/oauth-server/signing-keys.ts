import { importJWK, type JWK } from "jose";
import * as z from "zod";

/**
 * The access-token signing keys (setting `OAUTH_SIGNING_KEYS`, a secret): a JSON array of private
 * EC P-256 JWKs (RFC 7517, RFC 7518 §6.2), each with a unique `kid`. The **first** key signs; every
 * key is published at `/.well-known/jwks.json` and accepted for verification, so rotation is: prepend
 * a new key, deploy, and drop the old one once the longest access-token lifetime has passed.
 * `npm run dev` generates one key when `.dev.vars` is created.
 *
 * ES256 (RFC 7518 §3.4) because it is small and the fastest asymmetric check in workerd's WebCrypto;
 * asymmetric so that verifying `/mcp` tokens needs no secret and the keys can be published.
 */
export const ACCESS_TOKEN_ALGORITHM = "ES256";

const privateJwkSchema = z
  .object({
    kty: z.literal("EC"),
    crv: z.literal("P-256"),
    x: z.string().min(40),
    y: z.string().min(40),
    d: z.string().min(40),
    kid: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "kid must be 1-64 characters of [A-Za-z0-9._-]"),
  })
  .loose();

const keysSchema = z.array(privateJwkSchema).min(1, "needs at least one key");

export interface SigningKeys {
  /** The `kid` and private key new tokens are signed with. */
  current: { kid: string; key: CryptoKey };
  /** Public verification keys by `kid`. */
  verificationKeys: ReadonlyMap<string, CryptoKey>;
  /** The public JWK Set (RFC 7517 §5) to publish. */
  jwks: { keys: JWK[] };
}

/** Thrown for a missing or malformed `OAUTH_SIGNING_KEYS`; the message names the problem, never the key. */
export class SigningKeysError extends Error {
  constructor(message: string) {
    super(`OAUTH_SIGNING_KEYS: ${message}`);
    this.name = "SigningKeysError";
  }
}

/** Validates the setting's shape without importing keys (for configuration checks and tests). */
export function parseSigningKeySetting(raw: string | undefined): z.infer<typeof keysSchema> {
  if (!raw?.trim()) throw new SigningKeysError("is required (a JSON array of EC P-256 private JWKs with kid)");
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new SigningKeysError("is not valid JSON");
  }
  const parsed = keysSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SigningKeysError(`${issue?.path.join(".") || "value"}: ${issue?.message ?? "is invalid"}`);
  }
  const kids = new Set(parsed.data.map((key) => key.kid));
  if (kids.size !== parsed.data.length) throw new SigningKeysError("every key needs a distinct kid");
  return parsed.data;
}

/** Imports the keys of `OAUTH_SIGNING_KEYS` (see {@link SigningKeys}). */
export async function importSigningKeys(raw: string | undefined): Promise<SigningKeys> {
  const jwks = parseSigningKeySetting(raw);
  const verificationKeys = new Map<string, CryptoKey>();
  const published: JWK[] = [];
  for (const { d: _private, ...rest } of jwks) {
    const publicJwk: JWK = {
      kty: rest.kty,
      crv: rest.crv,
      x: rest.x,
      y: rest.y,
      kid: rest.kid,
      alg: ACCESS_TOKEN_ALGORITHM,
      use: "sig",
    };
    verificationKeys.set(rest.kid, (await importJWK(publicJwk, ACCESS_TOKEN_ALGORITHM)) as CryptoKey);
    published.push(publicJwk);
  }
  const first = jwks[0] as (typeof jwks)[number];
  const key = (await importJWK({ ...first, alg: ACCESS_TOKEN_ALGORITHM }, ACCESS_TOKEN_ALGORITHM)) as CryptoKey;
  return { current: { kid: first.kid, key }, verificationKeys, jwks: { keys: published } };
}

const imported = new Map<string, Promise<SigningKeys>>();

/**
 * The signing keys for a setting value, imported once per isolate (importing costs more than
 * verifying). A failed import is not cached, so fixing the secret takes effect on the next request.
 */
export function signingKeysFor(raw: string | undefined): Promise<SigningKeys> {
  const cacheKey = raw ?? "";
  let keys = imported.get(cacheKey);
  if (!keys) {
    keys = importSigningKeys(raw);
    keys.catch(() => imported.delete(cacheKey));
    if (imported.size > 4) imported.clear();
    imported.set(cacheKey, keys);
  }
  return keys;
}
