import { Hono } from "hono";
import { z } from "zod";
import { currentSession, requireSession } from "../auth/middleware";
import { decryptConnection, findConnection } from "../connections/store";
import { allowsInsecureTargets, proxyThroughConnection, type UseContext, useContext } from "../connections/use";
import { signHmacSha256Hex } from "../crypto/hmac";
import { keyringFor } from "../crypto/keyring";
import { getDb } from "../db/client";
import { sendWithRetries } from "../outbound/send";
import { checkOutboundUrl } from "../outbound/url-policy";
import type { AppEnv } from "../platform/context";
import { AppError, isAppError } from "../platform/errors";
import { describeError } from "../platform/logger";
import { jsonBody } from "../platform/middleware/body";

/**
 * Outbound webhooks (seed 002 "Webhook Node"): POST JSON to a URL or through a connection, blocking
 * (the caller gets the delivery result) or fire-and-forget (accepted at once, delivered in the
 * background with the same retries). Optionally signed: `X-Webhook-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, "<t>.<body>")>` — the receiver recomputes it over the raw body and rejects old
 * timestamps, the scheme Stripe and WorkOS use.
 */
export const SIGNATURE_HEADER = "x-webhook-signature";
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_PREVIEW_BYTES = 4096;

export const webhookRequest = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
    connection_id: z.uuid().optional(),
    /** Path under the connection's base URL (with `connection_id`). */
    path: z.string().startsWith("/").max(2048).optional(),
    method: z.enum(["POST", "PUT", "PATCH"]).default("POST"),
    payload: z.unknown(),
    headers: z
      .record(
        z
          .string()
          .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/)
          .max(128),
        z.string().max(2048),
      )
      .refine((h) => Object.keys(h).length <= 20, { error: "at most 20 headers" })
      .optional(),
    mode: z.enum(["blocking", "fire-and-forget"]).default("blocking"),
    retry: z
      .strictObject({ attempts: z.number().int().min(0).max(5), backoff_ms: z.number().int().min(0).max(30_000) })
      .optional(),
    timeout_ms: z.number().int().min(1000).max(30_000).optional(),
    signing_secret: z.string().min(16).max(512).optional(),
  })
  .refine((body) => Boolean(body.url) !== Boolean(body.connection_id), {
    error: "give exactly one of url or connection_id",
    path: ["url"],
  });

export type WebhookRequest = z.output<typeof webhookRequest>;

export interface DeliveryResult {
  delivered: boolean;
  status: number | null;
  attempts: number;
  response_time_ms: number;
  response_preview: string | null;
  error: string | null;
}

/** The signature header value for `body` at `timestampSeconds`. */
export async function webhookSignature(secret: string, body: string, timestampSeconds: number): Promise<string> {
  return `t=${timestampSeconds},v1=${await signHmacSha256Hex(secret, `${timestampSeconds}.${body}`)}`;
}

/** Delivers one webhook; never throws for delivery failures (they are the result). */
export async function deliverWebhook(
  context: UseContext,
  userId: string,
  request: WebhookRequest,
): Promise<DeliveryResult> {
  const started = Date.now();
  const body = JSON.stringify(request.payload ?? null);
  const headers = new Headers(request.headers);
  headers.set("content-type", "application/json");
  headers.set("user-agent", "edge-integrations-webhooks/1");
  if (request.signing_secret) {
    const timestamp = Math.floor(Date.now() / 1000);
    headers.set(SIGNATURE_HEADER, await webhookSignature(request.signing_secret, body, timestamp));
  }
  const retries = request.retry?.attempts ?? 2;
  const backoffMs = request.retry?.backoff_ms ?? 500;
  const timeoutMs = request.timeout_ms ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const finish = async (response: Response | null, attempts: number, error: string | null): Promise<DeliveryResult> => {
    const preview = response ? (await response.text().catch(() => "")).slice(0, MAX_RESPONSE_PREVIEW_BYTES) : null;
    return {
      delivered: response !== null && response.status >= 200 && response.status < 300,
      status: response?.status ?? null,
      attempts,
      response_time_ms: Date.now() - started,
      response_preview: preview,
      error,
    };
  };
  if (request.connection_id) {
    const row = await findConnection(getDb(context.env.DB), userId, request.connection_id);
    const connection = await decryptConnection(keyringFor(context.config.keyring), row);
    try {
      const response = await proxyThroughConnection(context, connection, {
        method: request.method,
        path: request.path ?? "/",
        search: "",
        headers,
        body: new Response(body).body,
        contentLength: new TextEncoder().encode(body).length,
        allowNonIdempotent: true,
        policy: { retries, backoffMs, timeoutMs },
      });
      return finish(response, Number(response.headers.get("x-upstream-attempts") ?? 1), null);
    } catch (error) {
      if (isAppError(error) && error.status >= 500) return finish(null, retries + 1, error.message);
      throw error;
    }
  }
  const check = checkOutboundUrl(request.url as string, { allowInsecure: allowsInsecureTargets(context.config) });
  if (!check.ok) throw new AppError("target_not_allowed", `Webhooks to this address are not allowed: ${check.message}`);
  const sent = await sendWithRetries({
    url: check.url,
    method: request.method,
    headers,
    body,
    timeoutMs,
    retries,
    backoffMs,
    allowNonIdempotent: true,
  });
  return sent.ok
    ? finish(sent.response, sent.attempts, null)
    : finish(null, sent.failure.attempts, sent.failure.message);
}

export const outboundWebhookRoutes = new Hono<AppEnv>().post(
  "/send",
  requireSession(),
  jsonBody(webhookRequest),
  async (c) => {
    const request = c.req.valid("json");
    const session = currentSession(c);
    const context = useContext(c);
    if (request.mode === "blocking") {
      return c.json({ success: true, data: await deliverWebhook(context, session.userId, request) });
    }
    // Validate the target now so a bad request fails loudly instead of silently in the background.
    if (request.url) {
      const check = checkOutboundUrl(request.url, { allowInsecure: allowsInsecureTargets(c.var.config) });
      if (!check.ok)
        throw new AppError("target_not_allowed", `Webhooks to this address are not allowed: ${check.message}`);
    } else {
      await findConnection(getDb(c.env.DB), session.userId, request.connection_id as string);
    }
    const deliveryId = crypto.randomUUID();
    c.executionCtx.waitUntil(
      deliverWebhook(context, session.userId, request)
        .then((result) =>
          c.var.log.info("webhook delivered", {
            delivery_id: deliveryId,
            delivered: result.delivered,
            status: result.status,
            attempts: result.attempts,
          }),
        )
        .catch((error: unknown) =>
          c.var.log.error("webhook delivery failed", { delivery_id: deliveryId, error: describeError(error) }),
        ),
    );
    return c.json({ success: true, data: { accepted: true, delivery_id: deliveryId } }, 202);
  },
);
