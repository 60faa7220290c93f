import { secretValues } from "../../connections/data";
import { type DecryptedConnection, decryptConnection, findLiveConnection } from "../../connections/store";
import { forwardableResponseHeaders } from "../../outbound/headers";
import { parseRetryAfter, RETRYABLE_STATUSES } from "../../outbound/retry-policy";
import { isAppError } from "../../platform/errors";
import type { UseContext } from "../../proxy/core";
import { ActivityError } from "../interpreter";

/** What every activity knows about the execution it runs for. */
export interface ActivityExecution {
  id: string;
  userId: string;
}

/** Largest upstream body an activity reads (bytes); the rest is cut (stored outputs are bounded further). */
export const MAX_ACTIVITY_RESPONSE_BYTES = 1024 * 1024;
/** Default per-attempt timeout of an activity's upstream call. */
export const DEFAULT_ACTIVITY_TIMEOUT_MS = 30_000;

/** AppError codes of the proxy core that describe a transient condition. */
const RETRYABLE_APP_CODES = new Set([
  "upstream_error",
  "upstream_timeout",
  "connection_refresh_backoff",
  "service_unavailable",
  "rate_limited",
]);

/** Turns whatever the proxy core threw into an activity error the interpreter can act on. */
export function activityErrorOf(error: unknown): ActivityError {
  if (error instanceof ActivityError) return error;
  if (isAppError(error))
    return new ActivityError(error.code, error.message, { retryable: RETRYABLE_APP_CODES.has(error.code) });
  return new ActivityError("activity_failed", "The activity failed unexpectedly", { retryable: false });
}

export function invalidConfig(message: string): ActivityError {
  return new ActivityError("invalid_config", message, { retryable: false });
}

/** A non-2xx upstream answer as a node failure: 408/425/429/5xx are retried, honouring `Retry-After`. */
export function upstreamStatusError(status: number, headers: Headers, detail?: string): ActivityError {
  const retryAfterMs = parseRetryAfter(headers.get("retry-after"), Date.now()) ?? undefined;
  return new ActivityError(`http_${status}`, `The upstream answered ${status}${detail ? `: ${detail}` : ""}`, {
    retryable: RETRYABLE_STATUSES.has(status),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}

export interface LoadedConnection {
  connection: DecryptedConnection;
  /** The connection's secret strings, redacted from anything an activity returns. */
  secrets: string[];
}

/**
 * The execution owner's live connection, decrypted, with a method that fits — or a final error. Another
 * user's connection is reported exactly like a missing one (`not_found`).
 */
export async function ownedConnection(
  context: UseContext,
  execution: ActivityExecution,
  connectionId: string,
  methods: readonly string[],
): Promise<LoadedConnection> {
  const prefetched = context.prefetchedConnection;
  const row =
    prefetched?.id === connectionId
      ? prefetched.row
      : await findLiveConnection(context.db, { id: connectionId, userId: execution.userId });
  if (!row) throw new ActivityError("not_found", "Connection not found", { retryable: false });
  if (!methods.includes(row.connectionMethod))
    throw invalidConfig(`A ${row.connectionMethod} connection cannot be used here (expected ${methods.join(" or ")})`);
  const connection = await decryptConnection(context.keyring, row);
  return {
    connection,
    secrets: secretValues(row.connectionMethod, connection.connection.data as Record<string, unknown>),
  };
}

/** Replaces every occurrence of a secret (an upstream echoing our own credential back) with `[redacted]`. */
export function redactSecrets<T>(value: T, secrets: readonly string[]): T {
  const needles = secrets.filter((secret) => secret.length >= 4);
  if (needles.length === 0) return value;
  const walk = (item: unknown): unknown => {
    if (typeof item === "string") return needles.reduce((text, secret) => text.split(secret).join("[redacted]"), item);
    if (Array.isArray(item)) return item.map(walk);
    if (typeof item === "object" && item !== null)
      return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, walk(entry)]));
    return item;
  };
  return walk(value) as T;
}

async function boundedText(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_ACTIVITY_RESPONSE_BYTES) {
      await reader.cancel();
      break;
    }
  }
  const bytes = new Uint8Array(Math.min(size, MAX_ACTIVITY_RESPONSE_BYTES));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
    if (offset >= bytes.length) break;
  }
  return new TextDecoder().decode(bytes);
}

/** Headers the proxy core adds to what it relays (for browsers); not the upstream's, so not part of a node output. */
const PROXY_ADDED_HEADERS = ["content-security-policy", "x-content-type-options", "x-upstream-attempts"];

/**
 * An http/webhook node's output (SPEC §7.1): `{status, headers, body}`, `body` parsed when the answer is JSON.
 * `viaProxy`: the response came through the proxy core, whose own headers are left out.
 */
export async function responseOutput(
  response: Response,
  viaProxy = false,
): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
  const text = await boundedText(response);
  const headers = forwardableResponseHeaders(response.headers);
  if (viaProxy) for (const name of PROXY_ADDED_HEADERS) headers.delete(name);
  let body: unknown = text;
  if (/^application\/([\w.-]+\+)?json/i.test(response.headers.get("content-type") ?? "") && text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, headers: Object.fromEntries(headers), body };
}
