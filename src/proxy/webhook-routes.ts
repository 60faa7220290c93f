import { Hono } from "hono";
import * as z from "zod";
import { currentSession, requireSession } from "../auth/session-auth";
import { fieldSafeString } from "../connections/data";
import { decryptConnection, findConnection } from "../connections/store";
import { checkOutboundUrl } from "../outbound/url-policy";
import {
  type DeliveryResult,
  deliverToUrl,
  deliveryResult,
  type WebhookMessage,
  webhookMessage,
} from "../outbound/webhook-delivery";
import type { AppEnv } from "../platform/context";
import { AppError, isAppError } from "../platform/errors";
import { describeError } from "../platform/logger";
import { jsonBody } from "../platform/middleware/body";
import { proxyThroughConnection, requestUseContext, type UseContext } from "./core";

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
        fieldSafeString().max(2048),
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

function checkedWebhookUrl(context: UseContext, url: string): URL {
  const check = checkOutboundUrl(url, { allowInsecure: context.config.allowInsecureTargets });
  if (!check.ok) throw new AppError("target_not_allowed", `Webhooks to this address are not allowed: ${check.message}`);
  return check.url;
}

/** Delivers through a connection: its base URL, credentials and SSRF policy, with the webhook's retry policy. */
async function deliverThroughConnection(
  context: UseContext,
  userId: string,
  connectionId: string,
  path: string,
  message: WebhookMessage,
): Promise<DeliveryResult> {
  const started = Date.now();
  const row = await findConnection(context.db, userId, connectionId);
  const connection = await decryptConnection(context.keyring, row);
  try {
    const response = await proxyThroughConnection(context, connection, {
      method: message.method,
      path,
      search: "",
      headers: message.headers,
      body: new Response(message.body).body,
      contentLength: new TextEncoder().encode(message.body).length,
      allowNonIdempotent: true,
      policy: { retries: message.retries, backoffMs: message.backoffMs, timeoutMs: message.timeoutMs },
    });
    return deliveryResult(response, Number(response.headers.get("x-upstream-attempts") ?? 1), null, started);
  } catch (error) {
    if (isAppError(error) && error.status >= 500)
      return deliveryResult(null, message.retries + 1, error.message, started);
    throw error;
  }
}

/** Delivers one webhook; never throws for delivery failures (they are the result). */
export async function deliverWebhook(
  context: UseContext,
  userId: string,
  request: WebhookRequest,
): Promise<DeliveryResult> {
  const message = await webhookMessage(request.payload, {
    method: request.method,
    headers: request.headers,
    signingSecret: request.signing_secret,
    retries: request.retry?.attempts,
    backoffMs: request.retry?.backoff_ms,
    timeoutMs: request.timeout_ms,
    nowSeconds: Math.floor(context.now() / 1000),
  });
  if (request.connection_id)
    return deliverThroughConnection(context, userId, request.connection_id, request.path ?? "/", message);
  return deliverToUrl(checkedWebhookUrl(context, request.url as string), message);
}

/** `POST /api/webhooks/send`: blocking (the caller gets the delivery result) or fire-and-forget (202). */
export const outboundWebhookRoutes = new Hono<AppEnv>().post(
  "/send",
  requireSession(),
  jsonBody(webhookRequest),
  async (c) => {
    const request = c.req.valid("json");
    const session = currentSession(c);
    const context = requestUseContext(c);
    if (request.mode === "blocking") {
      return c.json({ success: true, data: await deliverWebhook(context, session.userId, request) });
    }
    // Validate the target now so a bad request fails loudly instead of silently in the background.
    if (request.url) checkedWebhookUrl(context, request.url);
    else await findConnection(context.db, session.userId, request.connection_id as string);
    const deliveryId = crypto.randomUUID();
    context.waitUntil(
      deliverWebhook(context, session.userId, request)
        .then((result) =>
          context.log.info("webhook delivered", {
            delivery_id: deliveryId,
            delivered: result.delivered,
            status: result.status,
            attempts: result.attempts,
          }),
        )
        .catch((error: unknown) =>
          context.log.error("webhook delivery failed", { delivery_id: deliveryId, error: describeError(error) }),
        ),
    );
    return c.json({ success: true, data: { accepted: true, delivery_id: deliveryId } }, 202);
  },
);
