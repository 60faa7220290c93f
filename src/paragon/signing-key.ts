import { createPrivateKey } from "node:crypto";
import { importPKCS8 } from "jose";
import { sha256Hex } from "../crypto/tokens";
import { type PemKind, pemKind } from "../platform/paragon-settings";

/**
 * The Paragon signing key as a WebCrypto `CryptoKey` for RS256 (RFC 7518 §3.3).
 *
 * Paragon's dashboard hands out the key as a PEM; older keys are PKCS#1 ("RSA PRIVATE KEY"), newer
 * ones PKCS#8 ("PRIVATE KEY"). WebCrypto and `jose` import only PKCS#8, so a PKCS#1 key is re-encoded
 * by `node:crypto` (workerd's implementation, `nodejs_compat`) rather than by hand-written ASN.1.
 *
 * Importing RSA keys costs milliseconds, so each isolate imports a given key once: the cache is keyed
 * by the SHA-256 of the PEM (never by the PEM itself, so the secret is not a map key in memory twice),
 * and holds the promise so concurrent first requests share one import. A failed import is evicted.
 * @see https://docs.useparagon.com/getting-started/installing-the-connect-sdk (RS256 signing key)
 * @see https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.2 (PKCS#1 RSAPrivateKey)
 * @see https://www.rfc-editor.org/rfc/rfc5208#section-5 (PKCS#8 PrivateKeyInfo)
 */
export const PARAGON_TOKEN_ALG = "RS256";
const MAX_CACHED_KEYS = 4;
const imported = new Map<string, Promise<CryptoKey>>();

export class SigningKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SigningKeyError";
  }
}

/** Imports (once per isolate) the RS256 private key of a PKCS#8 or PKCS#1 PEM. */
export async function importParagonSigningKey(pem: string): Promise<CryptoKey> {
  const cacheKey = await sha256Hex(pem);
  let key = imported.get(cacheKey);
  if (!key) {
    if (imported.size >= MAX_CACHED_KEYS) imported.clear();
    key = importRs256(pem);
    imported.set(cacheKey, key);
    key.catch(() => imported.delete(cacheKey));
  }
  return key;
}

async function importRs256(pem: string): Promise<CryptoKey> {
  const kind = pemKind(pem);
  if (!kind) throw new SigningKeyError("the signing key is not a PKCS#8 or PKCS#1 PEM private key");
  const pkcs8 = toPkcs8Pem(pem, kind);
  try {
    return await importPKCS8(pkcs8, PARAGON_TOKEN_ALG, { extractable: false });
  } catch (error) {
    throw new SigningKeyError("the signing key is not a usable RSA private key", { cause: error });
  }
}

/** PKCS#1 → PKCS#8 through `node:crypto`; a PKCS#8 PEM is returned unchanged. */
export function toPkcs8Pem(pem: string, kind: PemKind = pemKind(pem) ?? "pkcs8"): string {
  if (kind === "pkcs8") return pem;
  let keyObject: ReturnType<typeof createPrivateKey>;
  try {
    keyObject = createPrivateKey({ key: pem, format: "pem" });
  } catch (error) {
    throw new SigningKeyError("the PKCS#1 signing key cannot be parsed", { cause: error });
  }
  if (keyObject.asymmetricKeyType !== undefined && keyObject.asymmetricKeyType !== "rsa") {
    throw new SigningKeyError(`the signing key must be RSA, got ${keyObject.asymmetricKeyType}`);
  }
  return String(keyObject.export({ type: "pkcs8", format: "pem" })).trim();
}
