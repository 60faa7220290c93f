import { forwardableRequestHeaders } from "../../outbound/headers";
import { sendWithRetries } from "../../outbound/send";
import { checkedUrl, proxyThroughConnection, type UseContext } from "../../proxy/core";
import { HTTP_CONNECTION_METHODS } from "../definitions/nodes";
import { ActivityError } from "../interpreter";
import {
  type ActivityExecution,
  activityErrorOf,
  DEFAULT_ACTIVITY_TIMEOUT_MS,
  invalidConfig,
  ownedConnection,
  redactSecrets,
  responseOutput,
  upstreamStatusError,
} from "./shared";

/** The resolved config of an `http` node (SPEC §7.1). */
interface HttpConfig {
  connectionId?: string;
  url?: string;
  path?: string;
  method: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  timeoutMs?: number;
}

const BODYLESS = new Set(["GET", "HEAD"]);

/** No answer at all (network error, timeout): always worth another attempt. */
export function unreachable(failure: { kind: "timeout" | "network_error"; message: string }): ActivityError {
  return new ActivityError(
    failure.kind === "timeout" ? "upstream_timeout" : "upstream_error",
    `Upstream unreachable: ${failure.message}`,
    {
      retryable: true,
    },
  );
}

function searchOf(query: HttpConfig["query"]): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) params.append(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}

function requestBody(config: HttpConfig, headers: Headers): string | null {
  if (BODYLESS.has(config.method) || config.body === undefined) return null;
  if (typeof config.body === "string") return config.body;
  if (!headers.has("content-type")) headers.set("content-type", "application/json");
  return JSON.stringify(config.body);
}

/**
 * The `http` activity: one attempt of the request, through the connection (the proxy core: SSRF policy,
 * credential injection, header hygiene, one OAuth renewal on 401) or to a plain URL (SSRF policy). The node's
 * retries are the interpreter's, so the proxy's own retries are off. Non-2xx answers fail the attempt.
 */
export async function runHttpActivity(context: UseContext, execution: ActivityExecution, raw: Record<string, unknown>) {
  const config = raw as unknown as HttpConfig;
  if (typeof config.method !== "string") throw invalidConfig("method is required");
  const method = config.method.toUpperCase();
  const headers = forwardableRequestHeaders(new Headers(config.headers ?? {}), []);
  const body = requestBody({ ...config, method }, headers);
  const timeoutMs = config.timeoutMs ?? DEFAULT_ACTIVITY_TIMEOUT_MS;
  try {
    if (config.connectionId) {
      const { connection, secrets } = await ownedConnection(
        context,
        execution,
        config.connectionId,
        HTTP_CONNECTION_METHODS,
      );
      const response = await proxyThroughConnection(context, connection, {
        method,
        path: config.path ?? "/",
        search: searchOf(config.query),
        headers,
        body: body === null ? null : new Response(body).body,
        contentLength: body === null ? null : new TextEncoder().encode(body).length,
        allowNonIdempotent: false,
        policy: { retries: 0, timeoutMs },
      });
      if (response.status < 200 || response.status > 299) {
        await response.body?.cancel();
        throw upstreamStatusError(response.status, response.headers);
      }
      return redactSecrets(await responseOutput(response, true), secrets);
    }
    if (!config.url) throw invalidConfig("give a url or a connectionId");
    const url = checkedUrl(context, `${config.url}${searchOf(config.query)}`);
    const sent = await sendWithRetries({ url, method, headers, body, timeoutMs, retries: 0, backoffMs: 0 });
    if (!sent.ok) throw unreachable(sent.failure);
    const response = sent.response;
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel();
      throw upstreamStatusError(response.status, response.headers);
    }
    return responseOutput(response);
  } catch (error) {
    throw activityErrorOf(error);
  }
}
