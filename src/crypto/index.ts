export { CIPHERTEXT_VERSION, decryptString, encryptString, needsReencryption, parseCiphertext } from "./aes-gcm";
export { CryptoError, type CryptoErrorCode } from "./errors";
export {
  hmacSha256,
  signHmacSha256Base64Url,
  signHmacSha256Hex,
  timingSafeEqualStrings,
  verifyHmacSha256,
} from "./hmac";
export { Keyring, type KeyringMaterial, keyringFor, parseKeyringMaterial, SINGLE_KEY_ID } from "./keyring";
export { DEFAULT_TOKEN_BYTES, randomToken, sha256Hex } from "./tokens";
