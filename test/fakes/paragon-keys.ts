import { createPrivateKey } from "node:crypto";

/**
 * RSA signing keys the way Paragon's dashboard hands them out, generated per test run with WebCrypto
 * (never a key checked into the repository): PKCS#8 ("PRIVATE KEY") and the same key as PKCS#1
 * ("RSA PRIVATE KEY"), plus the SPKI public key Paragon would verify tokens with.
 */
export interface ParagonTestKeys {
  pkcs8Pem: string;
  pkcs1Pem: string;
  publicKey: CryptoKey;
}

export async function generateParagonKeys(): Promise<ParagonTestKeys> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const der = new Uint8Array((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
  const pkcs8Pem = toPem(der, "PRIVATE KEY");
  const pkcs1Pem = String(createPrivateKey({ key: pkcs8Pem, format: "pem" }).export({ type: "pkcs1", format: "pem" }));
  return { pkcs8Pem, pkcs1Pem: pkcs1Pem.trim(), publicKey: pair.publicKey };
}

export function toPem(der: Uint8Array, label: string): string {
  let binary = "";
  for (const byte of der) binary += String.fromCharCode(byte);
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----`;
}
