import type { Context } from "hono";
import { findProvider, type ProviderEntry } from "../connections/catalog";
import {
  type CredentialContext,
  type CredentialProvider,
  type CredentialProviders,
  credentialProviderFor,
  requestCredentialContext,
  type UsableConnection,
} from "../connections/credentials";
import { type EncryptedConnection, isLastUsedStale, markConnectionUsed } from "../connections/store";
import { forwardableRequestHeaders, forwardableResponseHeaders } from "../outbound/headers";
import { sendWithRetries } from "../outbound/send";
import { checkOutboundUrl, joinUnderBase } from "../outbound/url-policy";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { CREDENTIAL_PROVIDERS } from "./credentials";

/**
 * Using a connection (SPEC §6.6): the credential-injecting proxy. A plain function of a context, so the
 * HTTP route, outbound webhooks and the internal activity API (SPEC §7.4) share every guarantee: SSRF
 * policy, credential injection from the method's credential provider, header hygiene, timeouts, retries.
 */
export interface UseContext extends CredentialContext {
  /** Background work that must outlive the response (`ctx.waitUntil`). */
  waitUntil(promise: Promise<unknown>): void;
  /** The credential provider of each connection method. */
  credentials: CredentialProviders;
  /**
   * A connection already read in the request's first D1 round trip (the internal API reads it with the worker
   * token's execution, scoped to that execution's owner): `row` null when there is no such live connection.
   */
  prefetchedConnection?: { id: string; row: EncryptedConnection | null };
}

/** CSP of every proxied response: no scripts, no subresources, a unique opaque origin. */
export const PROXIED_CONTENT_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'";

/** Bodies above this are streamed once instead of buffered for retries. */
export const MAX_BUFFERED_BODY_BYTES = 1024 * 1024;
/** Methods that never carry a body. */
const BODYLESS = new Set(["GET", "HEAD"]);

/** The method's credential provider, or a 400 for methods used through endpoints of their own. */
export function proxyableCredentials(context: UseContext, connection: UsableConnection): CredentialProvider {
  const provider = credentialProviderFor(context.credentials, connection);
  if (provider.proxyable !== true) throw new AppError("invalid_request", provider.proxyable.refusal);
  return provider;
}

/** The upstream URL for `path` under the connection's base URL, checked against the SSRF policy. */
export function resolveUpstream(context: UseContext, connection: UsableConnection, path: string, search = ""): URL {
  const base = connection.baseUrl ?? findProvider(connection.provider)?.api_base_url;
  if (!base) throw new AppError("invalid_request", "This connection has no base_url to send requests to");
  const url = joinUnderBase(base, path, search);
  if (!url) throw new AppError("invalid_request", "The path must stay under the connection's base URL");
  return checkedUrl(context, url.toString());
}

/** A URL the SSRF policy allows (`target_not_allowed` otherwise). */
export function checkedUrl(context: CredentialContext, target: string): URL {
  const check = checkOutboundUrl(target, { allowInsecure: context.config.allowInsecureTargets });
  if (!check.ok) throw new AppError("target_not_allowed", `Requests to this address are not allowed: ${check.message}`);
  return check.url;
}

/**
 * Runs the part that builds an outbound request from stored settings. `Headers` throws a TypeError for a
 * value it cannot carry (CR, LF, NUL — RFC 9110 §5.5), which input validation now refuses but a connection
 * saved earlier may hold: that is the connection's fault, not ours — 422 `connection_unusable`, never a 500.
 */
export async function buildingRequest<T>(build: () => Promise<T> | T): Promise<T> {
  try {
    return await build();
  } catch (error) {
    if (error instanceof TypeError)
      throw new AppError(
        "connection_unusable",
        "This connection's stored settings cannot form an HTTP request (a header value with CR, LF or NUL); replace them",
        { cause: error },
      );
    throw error;
  }
}

/**
 * The request headers for a connection: the caller's (minus anything that must not cross: credentials,
 * hop-by-hop, the headers the credentials go into), then the catalog's defaults, then the connection's.
 */
export function connectionHeaders(
  credentials: CredentialProvider,
  connection: UsableConnection,
  provider: ProviderEntry | undefined,
  incoming: Headers | undefined,
): Headers {
  const injected = credentials.injectedHeaders(connection, provider);
  const headers = incoming ? forwardableRequestHeaders(incoming, injected) : new Headers();
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
 * `set-cookie` and hop-by-hop headers, body streamed). A 401 on a credential the method can renew
 * (OAuth) gets one fresh credential and one retry.
 */
export async function proxyThroughConnection(
  context: UseContext,
  connection: UsableConnection & { id: string; lastUsedAt?: number | null },
  request: ProxyRequest,
): Promise<Response> {
  const credentials = proxyableCredentials(context, connection);
  const provider = findProvider(connection.provider);
  const url = resolveUpstream(context, connection, request.path, request.search);
  // A body we may need to resend is buffered (up to a bound); anything else is streamed once.
  const retries = request.policy?.retries ?? connection.retries;
  const mayRetry = retries > 0 && (request.allowNonIdempotent || ["PUT", "DELETE", "OPTIONS"].includes(request.method));
  let body: BodyInit | null = BODYLESS.has(request.method) ? null : request.body;
  if (body && mayRetry && request.contentLength !== null && request.contentLength <= MAX_BUFFERED_BODY_BYTES) {
    body = await new Response(body).arrayBuffer();
  }
  const send = async (rejected?: string) => {
    const target = new URL(url);
    const { headers, used } = await buildingRequest(async () => {
      const headers = connectionHeaders(credentials, connection, provider, request.headers);
      return {
        headers,
        used: await credentials.inject(context, connection, { url: target, headers }, provider, rejected),
      };
    });
    const result = await sendWithRetries({
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
    return { result, used };
  };
  let { result, used } = await send();
  const replayable = body === null || body instanceof ArrayBuffer;
  if (result.ok && result.response.status === 401 && credentials.renewsOnRejection && replayable && used) {
    await result.response.body?.cancel();
    ({ result } = await send(used));
  }
  const now = context.now();
  if (isLastUsedStale(connection.lastUsedAt ?? null, now))
    context.waitUntil(markConnectionUsed(context.db, connection.id, now).catch(() => {}));
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

/** The use context of an HTTP request. */
export function requestUseContext(
  c: Context<AppEnv>,
  credentials: CredentialProviders = CREDENTIAL_PROVIDERS,
): UseContext {
  return {
    ...requestCredentialContext(c),
    waitUntil: (promise) => c.executionCtx.waitUntil(promise),
    credentials,
  };
}
