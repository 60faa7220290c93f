import { signHmacSha256Hex } from "../crypto/hmac";
import { sendWithRetries } from "./send";

/**
 * Outbound webhooks (seed 002 "Webhook Node"): a JSON body POSTed (or PUT/PATCHed) to a URL with
 * retries, optionally signed: `X-Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
 * "<t>.<body>")>` — the receiver recomputes it over the raw body and rejects old timestamps, the scheme
 * Stripe and WorkOS use. Delivery through a connection is the proxy's (`src/proxy/webhook-routes.ts`).
 */
export const SIGNATURE_HEADER = "x-webhook-signature";
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_PREVIEW_BYTES = 4096;

export interface DeliveryResult {
  delivered: boolean;
  status: number | null;
  attempts: number;
  response_time_ms: number;
  response_preview: string | null;
  error: string | null;
}

export interface WebhookMessage {
  method: "POST" | "PUT" | "PATCH";
  body: string;
  headers: Headers;
  retries: number;
  backoffMs: number;
  timeoutMs: number;
}

/** The signature header value for `body` at `timestampSeconds`. */
export async function webhookSignature(secret: string, body: string, timestampSeconds: number): Promise<string> {
  return `t=${timestampSeconds},v1=${await signHmacSha256Hex(secret, `${timestampSeconds}.${body}`)}`;
}

/** The message for `payload`: JSON, our user agent, and the signature when a secret is given. */
export async function webhookMessage(
  payload: unknown,
  options: {
    method: WebhookMessage["method"];
    headers?: Record<string, string>;
    signingSecret?: string;
    retries?: number;
    backoffMs?: number;
    timeoutMs?: number;
    nowSeconds: number;
  },
): Promise<WebhookMessage> {
  const body = JSON.stringify(payload ?? null);
  const headers = new Headers(options.headers);
  headers.set("content-type", "application/json");
  headers.set("user-agent", "edge-integrations-webhooks/1");
  if (options.signingSecret)
    headers.set(SIGNATURE_HEADER, await webhookSignature(options.signingSecret, body, options.nowSeconds));
  return {
    method: options.method,
    body,
    headers,
    retries: options.retries ?? 2,
    backoffMs: options.backoffMs ?? 500,
    timeoutMs: options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS,
  };
}

/** The delivery result of an answer (or of none); reads a bounded preview of the body. */
export async function deliveryResult(
  response: Response | null,
  attempts: number,
  error: string | null,
  startedAt: number,
): Promise<DeliveryResult> {
  const preview = response ? (await response.text().catch(() => "")).slice(0, MAX_RESPONSE_PREVIEW_BYTES) : null;
  return {
    delivered: response !== null && response.status >= 200 && response.status < 300,
    status: response?.status ?? null,
    attempts,
    response_time_ms: Date.now() - startedAt,
    response_preview: preview,
    error,
  };
}

/** Delivers `message` to a URL already checked against the SSRF policy; never throws for delivery failures. */
export async function deliverToUrl(url: URL, message: WebhookMessage): Promise<DeliveryResult> {
  const started = Date.now();
  const sent = await sendWithRetries({
    url,
    method: message.method,
    headers: message.headers,
    body: message.body,
    timeoutMs: message.timeoutMs,
    retries: message.retries,
    backoffMs: message.backoffMs,
    allowNonIdempotent: true,
  });
  return sent.ok
    ? deliveryResult(sent.response, sent.attempts, null, started)
    : deliveryResult(null, sent.failure.attempts, sent.failure.message, started);
}
