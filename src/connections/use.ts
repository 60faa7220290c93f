import type { Context } from "hono";
import { keyringFor } from "../crypto/keyring";
import type { Database } from "../db/client";
import { getDb } from "../db/client";
import { usableAccessToken } from "../oauth-client/lifecycle";
import { sendWithRetries } from "../outbound/send";
import { checkOutboundUrl, joinUnderBase } from "../outbound/url-policy";
import type { AppConfig } from "../platform/config";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import type { Logger } from "../platform/logger";
import { findProvider, type ProviderEntry } from "./catalog";
import type { ConnectionData } from "./data";
import {
  type ApiKeyInjection,
  apiKeyInjection,
  forwardableRequestHeaders,
  forwardableResponseHeaders,
  injectCredentials,
} from "./injection";
import { type DecryptedConnection, isLastUsedStale, markConnectionUsed } from "./store";
import { clientCredentialsToken } from "./tokens";
import { fillPlaceholders, judgeVerification, verifySpecFor } from "./verify";

/**
 * Using a connection: the credential-injecting proxy (SPEC §6.6) and the connection test. Both are
 * plain functions of a context, so the internal activity API (SPEC §7) calls them with the same
 * guarantees as the HTTP routes: SSRF policy, credential injection, header hygiene, timeouts, retries.
 */
export interface UseContext {
  env: Env;
  config: AppConfig;
  log: Logger;
  waitUntil(promise: Promise<unknown>): void;
}

/** The use context of an HTTP request. */
export function useContext(c: Context<AppEnv>): UseContext {
  return {
    env: c.env,
    config: c.var.config,
    log: c.var.log,
    waitUntil: (promise) => c.executionCtx.waitUntil(promise),
  };
}

/** The fields of a connection that using it needs; a saved row or an unsaved "test before saving". */
export type UsableConnection = Pick<
  DecryptedConnection,
  | "provider"
  | "connection"
  | "baseUrl"
  | "defaultHeaders"
  | "timeoutMs"
  | "retries"
  | "backoffMs"
  | "verifyRequest"
  | "tokensEncrypted"
> & { id: string | null; userId: string };

/** CSP of every proxied response: no scripts, no subresources, a unique opaque origin. */
export const PROXIED_CONTENT_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'";

/** Bodies above this are streamed once instead of buffered for retries. */
export const MAX_BUFFERED_BODY_BYTES = 1024 * 1024;
/** Methods that never carry a body. */
const BODYLESS = new Set(["GET", "HEAD"]);

export function allowsInsecureTargets(config: AppConfig): boolean {
  return config.environment === "development";
}

function providerApiKey(provider: ProviderEntry | undefined): ApiKeyInjection | undefined {
  return provider?.api_key
    ? { location: provider.api_key.location, name: provider.api_key.name, prefix: provider.api_key.prefix }
    : undefined;
}

/** The upstream URL for `path` under the connection's base URL, checked against the SSRF policy. */
export function resolveUpstream(context: UseContext, connection: UsableConnection, path: string, search = ""): URL {
  const provider = findProvider(connection.provider);
  const base = connection.baseUrl ?? provider?.api_base_url;
  if (!base) throw new AppError("invalid_request", "This connection has no base_url to send requests to");
  const url = joinUnderBase(base, path, search);
  if (!url) throw new AppError("invalid_request", "The path must stay under the connection's base URL");
  return checkedUrl(context, url.toString());
}

function checkedUrl(context: UseContext, target: string): URL {
  const check = checkOutboundUrl(target, { allowInsecure: allowsInsecureTargets(context.config) });
  if (!check.ok) throw new AppError("target_not_allowed", `Requests to this address are not allowed: ${check.message}`);
  return check.url;
}

/**
 * The access token to inject for OAuth methods; undefined for the others. `rejected` is the token the
 * upstream just refused with 401 (a forced refresh for `oauth2`, a fresh token for client credentials).
 */
export async function accessTokenFor(
  db: Database,
  context: UseContext,
  connection: UsableConnection,
  rejected?: string,
): Promise<string | undefined> {
  const method = connection.connection.method;
  if (method !== "oauth2" && method !== "oauth2_client_credentials") return undefined;
  if (!connection.id)
    throw new AppError("connection_not_authorized", "Save and authorize the connection before using it");
  if (method === "oauth2_client_credentials") {
    const keyring = keyringFor(context.config.keyring);
    return clientCredentialsToken(
      { db, keyring, allowInsecureTargets: allowsInsecureTargets(context.config) },
      connection as DecryptedConnection,
      rejected !== undefined,
    );
  }
  return usableAccessToken(context.env, context.config, connection as DecryptedConnection, {
    rejectedAccessToken: rejected,
  });
}

function buildHeaders(
  connection: UsableConnection,
  provider: ProviderEntry | undefined,
  incoming: Headers | undefined,
  data: ConnectionData,
): Headers {
  const injectionHeader = data.method === "api_key" ? [apiKeyInjection(data.data, providerApiKey(provider)).name] : [];
  const headers = incoming ? forwardableRequestHeaders(incoming, injectionHeader) : new Headers();
  for (const [name, value] of Object.entries(provider?.default_headers ?? {}))
    if (!headers.has(name)) headers.set(name, value);
  for (const [name, value] of Object.entries(connection.defaultHeaders ?? {})) headers.set(name, value);
  return headers;
}

export interface ProxyRequest {
  method: string;
  path: string;
  search: string;
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
  contentLength: number | null;
  /** The caller opted in to retrying a non-idempotent request (`X-Proxy-Retry-Unsafe: true`). */
  allowNonIdempotent: boolean;
  /** Overrides of the connection's own policy (e.g. an outbound webhook's retry settings). */
  policy?: { retries?: number; backoffMs?: number; timeoutMs?: number };
}

/**
 * Sends a request through a connection and returns the upstream response (status and headers minus
 * `set-cookie` and hop-by-hop headers, body streamed). An OAuth 401 on a token believed valid gets
 * one fresh token and one retry.
 */
export async function proxyThroughConnection(
  context: UseContext,
  connection: UsableConnection & { id: string; lastUsedAt?: number | null },
  request: ProxyRequest,
): Promise<Response> {
  const method = connection.connection.method;
  if (method === "mcp" || method === "paragon") {
    throw new AppError(
      "invalid_request",
      `${method} connections are used through their own endpoints, not the HTTP proxy`,
    );
  }
  const db = getDb(context.env.DB);
  const provider = findProvider(connection.provider);
  const url = resolveUpstream(context, connection, request.path, request.search);
  // A body we may need to resend is buffered (up to a bound); anything else is streamed once.
  const retries = request.policy?.retries ?? connection.retries;
  const mayRetry = retries > 0 && (request.allowNonIdempotent || ["PUT", "DELETE", "OPTIONS"].includes(request.method));
  let body: BodyInit | null = BODYLESS.has(request.method) ? null : request.body;
  if (body && mayRetry && request.contentLength !== null && request.contentLength <= MAX_BUFFERED_BODY_BYTES) {
    body = await new Response(body).arrayBuffer();
  }
  let accessToken: string | undefined;
  const send = async (rejectedToken?: string) => {
    const headers = buildHeaders(connection, provider, request.headers, connection.connection);
    const target = new URL(url);
    accessToken = await accessTokenFor(db, context, connection, rejectedToken);
    injectCredentials(target, headers, {
      connection: connection.connection,
      accessToken,
      providerApiKey: providerApiKey(provider),
    });
    return sendWithRetries({
      url: target,
      method: request.method,
      headers,
      body,
      timeoutMs: request.policy?.timeoutMs ?? connection.timeoutMs,
      retries,
      backoffMs: request.policy?.backoffMs ?? connection.backoffMs,
      allowNonIdempotent: request.allowNonIdempotent,
      onRetry: (info) => context.log.info("retrying upstream", { connection_id: connection.id, ...info }),
    });
  };
  let result = await send();
  const replayable = body === null || body instanceof ArrayBuffer;
  if (
    result.ok &&
    result.response.status === 401 &&
    (method === "oauth2" || method === "oauth2_client_credentials") &&
    replayable
  ) {
    await result.response.body?.cancel();
    result = await send(accessToken);
  }
  const now = Date.now();
  if (isLastUsedStale(connection.lastUsedAt ?? null, now))
    context.waitUntil(markConnectionUsed(db, connection.id, now).catch(() => {}));
  if (!result.ok) {
    const timedOut = result.failure.kind === "timeout";
    throw new AppError(
      timedOut ? "upstream_timeout" : "upstream_error",
      `The upstream ${timedOut ? "timed out" : "could not be reached"} after ${result.failure.attempts} attempt(s)`,
    );
  }
  const headers = forwardableResponseHeaders(result.response.headers);
  headers.set("x-upstream-attempts", String(result.attempts));
  // The upstream's bytes are served from our origin: whatever they are (HTML included), they must not
  // run as our page. A sandboxed, resource-less CSP replaces anything the upstream asked for.
  headers.set("content-security-policy", PROXIED_CONTENT_CSP);
  headers.set("x-content-type-options", "nosniff");
  return new Response(result.response.body, {
    status: result.response.status,
    statusText: result.response.statusText,
    headers,
  });
}

export interface TestResult {
  success: boolean;
  message: string;
  statusCode: number | null;
  responseTime: number;
  tested_at: number;
  /** Internal: whether the provider refused the credentials (→ status `invalid`). */
  credentialsRejected: boolean;
}

/** Bound on one verification request; tests never retry (a user is waiting for the answer). */
export const CONNECTION_TEST_TIMEOUT_MS = 10_000;

/** Runs the connection's verification request and judges the answer (SPEC §6.4 "verify"). */
export async function testConnection(context: UseContext, connection: UsableConnection): Promise<TestResult> {
  const started = Date.now();
  const result = (
    success: boolean,
    message: string,
    statusCode: number | null,
    credentialsRejected = false,
  ): TestResult => ({
    success,
    message,
    statusCode,
    responseTime: Date.now() - started,
    tested_at: Date.now(),
    credentialsRejected,
  });
  const method = connection.connection.method;
  if (method === "mcp" || method === "paragon")
    return result(false, `Testing ${method} connections is done by discovering their tools`, null);
  const provider = findProvider(connection.provider);
  const spec = verifySpecFor(provider, connection.verifyRequest);
  const path = fillPlaceholders(spec.path, connection.connection.data as Record<string, unknown>);
  if (path === null) return result(false, "The connection lacks a field its verification request needs", null);
  const [pathname, search = ""] = path.split("?");
  let url: URL;
  let accessToken: string | undefined;
  try {
    url = spec.absoluteUrl
      ? checkedUrl(context, spec.absoluteUrl)
      : resolveUpstream(context, connection, pathname as string, search ? `?${search}` : "");
    accessToken = await accessTokenFor(getDb(context.env.DB), context, connection);
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return result(false, error.message, null);
    throw error;
  }
  const headers = buildHeaders(connection, provider, undefined, connection.connection);
  for (const [name, value] of Object.entries(spec.headers ?? {})) headers.set(name, value);
  headers.set("accept", "application/json");
  let body: string | null = null;
  if (spec.body !== undefined && spec.method === "POST") {
    body = JSON.stringify(spec.body);
    headers.set("content-type", "application/json");
  }
  injectCredentials(url, headers, {
    connection: connection.connection,
    accessToken,
    providerApiKey: providerApiKey(provider),
  });
  const sent = await sendWithRetries({
    url,
    method: spec.method,
    headers,
    body,
    timeoutMs: Math.min(connection.timeoutMs, CONNECTION_TEST_TIMEOUT_MS),
    retries: 0,
    backoffMs: 0,
  });
  if (!sent.ok)
    return result(
      false,
      sent.failure.kind === "timeout" ? "The provider did not answer in time" : "The provider could not be reached",
      null,
    );
  let json: unknown = null;
  if (spec.success_json) json = await sent.response.json().catch(() => null);
  else await sent.response.body?.cancel();
  const verdict = judgeVerification(spec, sent.response.status, json);
  return result(verdict.success, verdict.message, sent.response.status, verdict.credentialsRejected);
}
