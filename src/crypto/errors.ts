/** Stable codes for every way a cryptographic operation can refuse. */
export type CryptoErrorCode =
  | "invalid_key" // a configured key is not 32 bytes of base64, or the keyring is empty/ambiguous
  | "unknown_key_id" // the ciphertext names a key that is not in the keyring (removed too early?)
  | "ciphertext_malformed" // not a `v1.<kid>.<iv>.<sealed>` string
  | "decryption_failed"; // wrong key, tampered IV/ciphertext/tag, or wrong associated data (GCM cannot tell which)

/** Raised by `src/crypto`; callers map it to an `AppError` (it is never shown to a client verbatim). */
export class CryptoError extends Error {
  readonly code: CryptoErrorCode;
  constructor(code: CryptoErrorCode, message: string) {
    super(message);
    this.name = "CryptoError";
    this.code = code;
  }
}
