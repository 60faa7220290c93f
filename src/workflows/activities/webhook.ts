import { forwardableRequestHeaders } from "../../outbound/headers";
import { sendWithRetries } from "../../outbound/send";
import { webhookMessage } from "../../outbound/webhook-delivery";
import { describeError } from "../../platform/logger";
import { checkedUrl, proxyThroughConnection, type UseContext } from "../../proxy/core";
import { HTTP_CONNECTION_METHODS } from "../definitions/nodes";
import { unreachable } from "./http";
import {
  type ActivityExecution,
  activityErrorOf,
  invalidConfig,
  ownedConnection,
  redactSecrets,
  responseOutput,
  upstreamStatusError,
} from "./shared";

/** The resolved config of a `webhook` node (SPEC §7.1, seed 002 "Webhook Node"). */
interface WebhookConfig {
  connectionId?: string;
  url?: string;
  path?: string;
  method: "POST" | "PUT" | "PATCH";
  headers?: Record<string, string>;
  body?: unknown;
  mode?: "blocking" | "fire-and-forget";
  signingConnectionId?: string;
  timeoutMs?: number;
}

const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
/** A fire-and-forget delivery is retried in the background (the interpreter cannot see its outcome). */
const BACKGROUND_RETRIES = 2;

/**
 * The `webhook` activity: a JSON body to a URL or through a connection, signed like the product's outbound
 * webhooks (`X-Webhook-Signature: t=…,v1=HMAC-SHA256(secret, "<t>.<body>")`, secret = the `api_key` of the
 * node's `signingConnectionId`). `blocking` (default) returns `{status, headers, body}` and fails on non-2xx;
 * `fire-and-forget` returns at once and delivers in the background (`waitUntil`).
 */
export async function runWebhookActivity(
  context: UseContext,
  execution: ActivityExecution,
  raw: Record<string, unknown>,
) {
  const config = raw as unknown as WebhookConfig;
  if (!["POST", "PUT", "PATCH"].includes(config.method)) throw invalidConfig("method must be POST, PUT or PATCH");
  const fireAndForget = config.mode === "fire-and-forget";
  const secrets: string[] = [];
  let signingSecret: string | undefined;
  if (config.signingConnectionId) {
    const signing = await ownedConnection(context, execution, config.signingConnectionId, ["api_key"]);
    signingSecret = (signing.connection.connection.data as { api_key?: string }).api_key;
    secrets.push(...signing.secrets);
  }
  const timeoutMs = config.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const retries = fireAndForget ? BACKGROUND_RETRIES : 0;
  const message = await webhookMessage(config.body ?? null, {
    method: config.method,
    // Credential and hop-by-hop headers never come from a definition (refused on save, dropped here too).
    ...(config.headers && { headers: Object.fromEntries(forwardableRequestHeaders(new Headers(config.headers))) }),
    ...(signingSecret && { signingSecret }),
    retries,
    timeoutMs,
    nowSeconds: Math.floor(context.now() / 1000),
  });

  let deliver: () => Promise<Response>;
  if (config.connectionId) {
    const target = await ownedConnection(context, execution, config.connectionId, HTTP_CONNECTION_METHODS);
    secrets.push(...target.secrets);
    deliver = () =>
      proxyThroughConnection(context, target.connection, {
        method: message.method,
        path: config.path ?? "/",
        search: "",
        headers: message.headers,
        body: new Response(message.body).body,
        contentLength: new TextEncoder().encode(message.body).length,
        allowNonIdempotent: true,
        policy: { retries, timeoutMs },
      });
  } else {
    if (!config.url) throw invalidConfig("give a url or a connectionId");
    const url = checkedUrl(context, config.url);
    deliver = async () => {
      const sent = await sendWithRetries({
        url,
        method: message.method,
        headers: message.headers,
        body: message.body,
        timeoutMs,
        retries,
        backoffMs: 500,
        allowNonIdempotent: true,
      });
      if (!sent.ok) throw unreachable(sent.failure);
      return sent.response;
    };
  }

  if (fireAndForget) {
    context.waitUntil(
      deliver()
        .then((response) => response.body?.cancel())
        .catch((error) =>
          context.log.warn("fire-and-forget webhook failed", {
            execution_id: execution.id,
            error: describeError(error),
          }),
        ),
    );
    return { status: null, headers: {}, body: null, mode: "fire-and-forget" };
  }
  try {
    const response = await deliver();
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel();
      throw upstreamStatusError(response.status, response.headers);
    }
    return redactSecrets(await responseOutput(response, Boolean(config.connectionId)), secrets);
  } catch (error) {
    throw activityErrorOf(error);
  }
}
