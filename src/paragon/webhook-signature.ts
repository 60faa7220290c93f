import { base64url } from "jose";
import { verifyHmacSha256 } from "../crypto/hmac";

/**
 * Verification of `X-Paragon-Signature` on inbound webhooks.
 *
 * The signature is an HMAC-SHA256 of the **raw request bytes** under the project's signing secret,
 * checked with `crypto.subtle.verify` (constant time). The bytes are never re-serialized: a JSON body
 * re-encoded by `JSON.stringify` (key order, whitespace, `\u00e9` vs `é`) is a different message, which
 * is the seed's defect this module exists to avoid.
 *
 * Accepted header forms (comma-separated entries; any matching entry verifies, so a rotated secret can
 * be announced alongside the old one):
 * - `v1=<signature>`: Paragon's current form; hex or base64 (Paragon does not say which — both are tried
 *   by length: 64 hex digits, or 43/44 base64(url) characters, decode to the 32 bytes of a SHA-256 MAC).
 * - `sha256=<hex>`: the seed's form.
 * - `t=<unix seconds|ms>` alongside: the timestamp must be within `WEBHOOK_TOLERANCE_SECONDS` of now (both
 *   directions), and the MAC may cover `<t>.<raw body>` (which authenticates the timestamp) or the body.
 *
 * Failures are tagged for the log but collapse into one 401 on the wire, so a forger cannot tell which
 * check failed. Replays inside the window are stopped by the event-id dedupe, not here.
 * @see https://docs.useparagon.com/actionkit/triggers/receiving-webhooks (x-paragon-signature: v1=…)
 * @see https://www.rfc-editor.org/rfc/rfc2104 (HMAC)
 */
export const PARAGON_SIGNATURE_HEADER = "x-paragon-signature";
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;
const MAX_HEADER_LENGTH = 2048;
const MAX_SIGNATURES = 8;

export type SignatureFailure = "missing" | "malformed" | "stale" | "mismatch";
export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailure };

interface ParsedSignatureHeader {
  /** Unix seconds, when the header carries `t=`. */
  timestamp?: number;
  timestampText?: string;
  /** Decoded 32-byte MACs as base64url (the encoding `verifyHmacSha256` takes). */
  macs: string[];
}

/** Parses the header; undefined when it is not one of the accepted forms. Pure. */
export function parseSignatureHeader(header: string): ParsedSignatureHeader | undefined {
  if (header.length > MAX_HEADER_LENGTH) return undefined;
  const parsed: ParsedSignatureHeader = { macs: [] };
  for (const entry of header.split(",")) {
    const part = entry.trim();
    if (!part) continue;
    const eq = part.indexOf("=");
    if (eq <= 0) return undefined;
    const scheme = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (scheme === "t") {
      if (!/^\d{10}(\d{3})?$/.test(value) || parsed.timestampText !== undefined) return undefined;
      parsed.timestampText = value;
      parsed.timestamp = value.length === 13 ? Math.floor(Number(value) / 1000) : Number(value);
      continue;
    }
    if (scheme !== "v1" && scheme !== "sha256") continue; // unknown schemes are ignored, not trusted
    const mac = scheme === "sha256" ? hexToBase64Url(value) : (hexToBase64Url(value) ?? base64ToBase64Url(value));
    if (!mac) return undefined;
    parsed.macs.push(mac);
    if (parsed.macs.length > MAX_SIGNATURES) return undefined;
  }
  return parsed.macs.length > 0 ? parsed : undefined;
}

export interface VerifyWebhookOptions {
  secret: string;
  /** The request body exactly as received. */
  rawBody: Uint8Array;
  header: string | null | undefined;
  /** Milliseconds since the epoch. */
  now: number;
}

export async function verifyParagonSignature(options: VerifyWebhookOptions): Promise<SignatureCheck> {
  if (!options.header) return { ok: false, reason: "missing" };
  const parsed = parseSignatureHeader(options.header);
  if (!parsed) return { ok: false, reason: "malformed" };
  if (
    parsed.timestamp !== undefined &&
    Math.abs(Math.floor(options.now / 1000) - parsed.timestamp) > WEBHOOK_TOLERANCE_SECONDS
  ) {
    return { ok: false, reason: "stale" };
  }
  const messages = [options.rawBody];
  if (parsed.timestampText !== undefined) {
    messages.push(concat(new TextEncoder().encode(`${parsed.timestampText}.`), options.rawBody));
  }
  for (const mac of parsed.macs) {
    for (const message of messages) {
      if (await verifyHmacSha256(options.secret, message, mac, "base64url")) return { ok: true };
    }
  }
  return { ok: false, reason: "mismatch" };
}

function hexToBase64Url(value: string): string | undefined {
  if (!/^[0-9a-fA-F]{64}$/.test(value)) return undefined;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number.parseInt(value.slice(i * 2, i * 2 + 2), 16);
  return base64url.encode(bytes);
}

function base64ToBase64Url(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(value)) return undefined;
  const normalized = value.replace(/=+$/, "").replaceAll("+", "-").replaceAll("/", "_");
  try {
    return base64url.decode(normalized).length === 32 ? normalized : undefined;
  } catch {
    return undefined;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
