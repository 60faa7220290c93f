/**
 * The one `node:crypto` API this feature uses (workerd implements it under `nodejs_compat`): parsing a
 * PKCS#1 RSA private key and re-encoding it as PKCS#8, which is all WebCrypto and `jose` import.
 * Declared here because the project does not pull in `@types/node`; merges with it if it ever does.
 * @see https://nodejs.org/api/crypto.html#cryptocreateprivatekeykey
 */
declare module "node:crypto" {
  interface PemKeyInput {
    key: string;
    format: "pem";
  }
  interface KeyExportOptions {
    type: "pkcs1" | "pkcs8";
    format: "pem";
  }
  interface KeyObject {
    readonly asymmetricKeyType?: string;
    export(options: KeyExportOptions): string | Uint8Array;
  }
  export function createPrivateKey(key: string | PemKeyInput): KeyObject;
}
