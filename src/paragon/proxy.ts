import { forwardableRequestHeaders, forwardableResponseHeaders } from "../outbound/headers";
import { AppError } from "../platform/errors";
import { callParagon } from "./upstream";

/**
 * Paragon's Proxy API: a request to `{proxy}/projects/{id}/sdk/proxy/{integration}/{path}` reaches the
 * integration's own API with the user's Paragon-managed credential. Our route forwards the caller's
 * request with the same header hygiene as our own proxy (no hop-by-hop, credential, cookie or
 * forwarding headers; no `Set-Cookie` or origin policies back), plus:
 * - of Paragon's own headers only `X-Paragon-Credential` (pick an account) and
 *   `X-Paragon-Use-Raw-Response` (binary bodies) pass; `X-Paragon-Proxy-Url` and others are dropped;
 * - the path is relative to the integration's API: absolute URLs (Paragon would call any host with the
 *   user's credential) and dot segments (which could step out of `/sdk/proxy/{integration}/`) are refused.
 * @see https://docs.useparagon.com/apis/proxy
 */
export const PROXY_TIMEOUT_MS = 30_000;
export const INTEGRATION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ALLOWED_PARAGON_HEADERS = new Set(["x-paragon-credential", "x-paragon-use-raw-response"]);

export interface ParagonProxyRequest {
  origin: string;
  projectId: string;
  userToken: string;
  integration: string;
  /** The path after `/proxy/:integration/`, as received (percent-encoded). */
  path: string;
  /** The query string including `?`, or "". */
  search: string;
  method: string;
  headers: Headers;
  body: ArrayBuffer | null;
  timeoutMs?: number;
}

/** Builds the upstream URL and headers, or refuses the path. Pure. */
export function buildParagonProxyRequest(request: ParagonProxyRequest): { url: URL; headers: Headers } {
  if (!INTEGRATION_NAME.test(request.integration) || request.integration.includes("..")) {
    throw new AppError("invalid_request", "Unknown integration name", { details: { field: "integration" } });
  }
  const segments = request.path.split("/");
  for (const segment of segments) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new AppError("invalid_request", "The path is not valid percent-encoding");
    }
    if (decoded === "." || decoded === ".." || decoded.includes("/") || decoded.includes("\\")) {
      throw new AppError("invalid_request", "The path must not contain dot segments or encoded slashes");
    }
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(decodeURIComponent(segments[0] ?? ""))) {
    throw new AppError("invalid_request", "The path must be relative to the integration's API, not a URL");
  }
  const url = new URL(
    `/projects/${encodeURIComponent(request.projectId)}/sdk/proxy/${request.integration}/${request.path}${request.search}`,
    request.origin,
  );
  const headers = forwardableRequestHeaders(request.headers);
  for (const name of [...headers.keys()]) {
    if (name.startsWith("x-paragon-") && !ALLOWED_PARAGON_HEADERS.has(name)) headers.delete(name);
  }
  headers.set("authorization", `Bearer ${request.userToken}`);
  return { url, headers };
}

/** Sends the request through Paragon's Proxy API and returns the integration's answer as-is (hygienic headers). */
export async function forwardToParagonProxy(request: ParagonProxyRequest): Promise<Response> {
  const { url, headers } = buildParagonProxyRequest(request);
  const upstream = await callParagon({
    url,
    method: request.method,
    headers,
    body: request.body,
    timeoutMs: request.timeoutMs ?? PROXY_TIMEOUT_MS,
    // Retried only when idempotent (GET, PUT, DELETE, …), by the outbound sender's policy.
    retries: 1,
  });
  return new Response(request.method === "HEAD" ? null : upstream.body, {
    status: upstream.status,
    headers: forwardableResponseHeaders(upstream.headers),
  });
}
