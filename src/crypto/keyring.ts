import { CryptoError } from "./errors";

/** AES-256 keys are exactly 32 bytes (NIST SP 800-38D with a 256-bit key). */
export const KEY_LENGTH_BYTES = 32;
/** Key id used for the single-key `ENCRYPTION_KEY` form, equivalent to `ENCRYPTION_KEYS=default:<key>`. */
export const SINGLE_KEY_ID = "default";
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** Raw, validated key bytes. Parsed synchronously at configuration time so a bad key fails early. */
export interface KeyringMaterial {
  /** The key used for every new write. */
  primaryKeyId: string;
  /** Every key that may decrypt, primary included, by id. */
  keys: ReadonlyMap<string, Uint8Array>;
}

export interface KeyringSources {
  /** `ENCRYPTION_KEYS`: comma-separated `keyId:base64Key`, the first entry primary. */
  keys?: string;
  /** `ENCRYPTION_KEY`: one base64 key (the seed's form), used when `keys` is absent. */
  key?: string;
}

/**
 * Parses `ENCRYPTION_KEYS` (or the single `ENCRYPTION_KEY`) into key material.
 * @throws {CryptoError} `invalid_key` naming the offending entry (never its value).
 * @example parseKeyringMaterial({ keys: "k2:BASE64...,k1:BASE64..." }) // primary k2, k1 still decrypts
 */
export function parseKeyringMaterial(sources: KeyringSources): KeyringMaterial {
  const keys = new Map<string, Uint8Array>();
  if (sources.keys) {
    for (const entry of sources.keys
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean)) {
      const separator = entry.indexOf(":");
      if (separator <= 0) throw new CryptoError("invalid_key", "each entry must be keyId:base64Key");
      const id = entry.slice(0, separator);
      if (!KEY_ID_PATTERN.test(id)) {
        throw new CryptoError("invalid_key", `key id "${id}" must be 1-32 characters of A-Z, a-z, 0-9, _ or -`);
      }
      if (keys.has(id)) throw new CryptoError("invalid_key", `key id "${id}" appears twice`);
      keys.set(id, decodeKey(entry.slice(separator + 1), `key "${id}"`));
    }
  } else if (sources.key) {
    keys.set(SINGLE_KEY_ID, decodeKey(sources.key, "ENCRYPTION_KEY"));
  }
  const primaryKeyId = keys.keys().next().value;
  if (primaryKeyId === undefined) {
    throw new CryptoError(
      "invalid_key",
      "is required: set ENCRYPTION_KEYS (or ENCRYPTION_KEY) to a 32-byte base64 key",
    );
  }
  return { primaryKeyId, keys };
}

function decodeKey(encoded: string, label: string): Uint8Array {
  const normalized = encoded.trim().replaceAll("-", "+").replaceAll("_", "/");
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(normalized), (char) => char.charCodeAt(0));
  } catch {
    throw new CryptoError("invalid_key", `${label} is not valid base64`);
  }
  if (bytes.length !== KEY_LENGTH_BYTES) {
    throw new CryptoError("invalid_key", `${label} must be ${KEY_LENGTH_BYTES} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/**
 * A keyring ready for use: imports each AES key into WebCrypto once, on first use, as non-extractable.
 */
export class Keyring {
  readonly primaryKeyId: string;
  readonly #material: KeyringMaterial;
  readonly #imported = new Map<string, Promise<CryptoKey>>();

  constructor(material: KeyringMaterial) {
    this.#material = material;
    this.primaryKeyId = material.primaryKeyId;
  }

  has(keyId: string): boolean {
    return this.#material.keys.has(keyId);
  }

  /** @throws {CryptoError} `unknown_key_id` when the key is not (or no longer) configured. */
  key(keyId: string): Promise<CryptoKey> {
    let imported = this.#imported.get(keyId);
    if (!imported) {
      const raw = this.#material.keys.get(keyId);
      if (!raw) {
        return Promise.reject(new CryptoError("unknown_key_id", `no key with id "${keyId}" is configured`));
      }
      imported = crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
      this.#imported.set(keyId, imported);
    }
    return imported;
  }
}

const keyrings = new WeakMap<KeyringMaterial, Keyring>();

/** One `Keyring` per parsed material, so WebCrypto imports happen once per isolate. */
export function keyringFor(material: KeyringMaterial): Keyring {
  let keyring = keyrings.get(material);
  if (!keyring) {
    keyring = new Keyring(material);
    keyrings.set(material, keyring);
  }
  return keyring;
}
