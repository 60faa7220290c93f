import { extractWWWAuthenticateParams, type FetchLike } from "@modelcontextprotocol/client";
import { checkOutboundUrl } from "../outbound/url-policy";
import { type McpAuthChallenge, McpClientError } from "./errors";

/** What the guarded fetch saw, for classifying a failure the SDK reports less precisely. */
export interface ObservedTraffic {
  /** The last 401/403 answer and its `WWW-Authenticate` parameters (RFC 6750 §3, RFC 9728 §5.1). */
  challenge?: McpAuthChallenge;
  /** A URL the policy refused (the SSE transport reports fetch failures without their cause). */
  refused?: McpClientError;
}

export interface GuardedFetchOptions {
  allowInsecure: boolean;
  /** Aborted when the operation ends or times out: every request still in flight (an SSE stream too) stops. */
  signal: AbortSignal;
  observed?: ObservedTraffic;
}

function requestUrl(input: Parameters<FetchLike>[0]): string {
  return typeof input === "string" ? input : input.href;
}

/**
 * The only `fetch` the MCP SDK gets from us. Every URL it asks for — the server URL, the endpoint an SSE server
 * announces, OAuth metadata and token endpoints — passes the SSRF policy first (../outbound/url-policy.ts);
 * redirects are never followed by the platform (the SDK follows same-origin ones itself, through this function
 * again); and every request is tied to the operation's abort signal, so nothing outlives a timeout.
 */
export function guardedFetch(options: GuardedFetchOptions): FetchLike {
  // The policy is a pure function of the URL text; an exchange asks for the same URL several times in a row.
  let last: { url: string; check: ReturnType<typeof checkOutboundUrl> } | undefined;
  return async (input, init) => {
    const url = requestUrl(input);
    if (last?.url !== url) last = { url, check: checkOutboundUrl(url, { allowInsecure: options.allowInsecure }) };
    const check = last.check;
    if (!check.ok) {
      const refused = new McpClientError(
        "target_not_allowed",
        `Requests to this address are not allowed: ${check.message}`,
        {
          details: { reason: check.reason },
        },
      );
      if (options.observed) options.observed.refused = refused;
      throw refused;
    }
    const signal =
      init?.signal && init.signal !== options.signal ? AbortSignal.any([init.signal, options.signal]) : options.signal;
    const response = await fetch(check.url, {
      ...init,
      signal,
      redirect: "manual",
    });
    if ((response.status === 401 || response.status === 403) && options.observed) {
      options.observed.challenge = challengeFrom(response.status, response.headers.get("www-authenticate"));
    }
    return response;
  };
}

/**
 * The parameters of a `WWW-Authenticate: Bearer …` challenge that the MCP authorization flow uses:
 * `resource_metadata` (RFC 9728 §5.1), `scope` and `error` (RFC 6750 §3). Parsed by the SDK's
 * `extractWWWAuthenticateParams`; a `resource_metadata` that is not a URL is ignored.
 */
export function challengeFrom(status: number, header: string | null): McpAuthChallenge {
  const params = header
    ? extractWWWAuthenticateParams(new Response(null, { headers: { "www-authenticate": header } }))
    : {};
  return {
    status,
    ...(params.resourceMetadataUrl ? { resourceMetadataUrl: params.resourceMetadataUrl.href } : {}),
    ...(params.scope ? { scope: params.scope } : {}),
    ...(params.error ? { error: params.error } : {}),
  };
}

/** Bound on one OAuth discovery / registration / token step against an MCP server's authorization server. */
export const OAUTH_STEP_TIMEOUT_MS = 10_000;

/** {@link guardedFetch} for a one-off step (OAuth metadata, registration, code exchange) with its own time limit. */
export function boundedFetch(allowInsecure: boolean, timeoutMs = OAUTH_STEP_TIMEOUT_MS): FetchLike {
  return guardedFetch({ allowInsecure, signal: AbortSignal.timeout(timeoutMs) });
}
