import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { createLogger } from "./logger";

/**
 * Wire error codes of OAuth endpoints: RFC 6749 §5.2 (token endpoint), §4.1.2.1 (authorization
 * endpoint), RFC 6750 §3.1 (protected resources), RFC 7591 §3.2.2 (registration), RFC 8707 §2
 * (`invalid_target`).
 */
export const OAUTH_ERROR_CODES = [
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_scope",
  "access_denied",
  "unsupported_response_type",
  "server_error",
  "temporarily_unavailable",
  "invalid_token",
  "insufficient_scope",
  "invalid_target",
  "invalid_redirect_uri",
  "invalid_client_metadata",
] as const;
export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

export interface OAuthErrorOptions {
  /** HTTP status; defaults per RFC 6749 §5.2 (400, or 401 for `invalid_client`) and RFC 6750 §3.1. */
  status?: ContentfulStatusCode;
  /** `error_description`: human-readable, safe for the client (no internals). */
  description?: string;
  /** The full `WWW-Authenticate` value (RFC 6750 §3), e.g. `Bearer resource_metadata="…"`. */
  wwwAuthenticate?: string;
  /**
   * Why the request was refused, for our logs only. OAuth failures collapse into few wire codes on purpose
   * (an attacker must not learn which check failed: wrong client secret vs unknown client), so the precise
   * reason lives here and never reaches the wire.
   */
  reason?: string;
  cause?: unknown;
}

const DEFAULT_STATUS: Partial<Record<OAuthErrorCode, ContentfulStatusCode>> = {
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  server_error: 500,
  temporarily_unavailable: 503,
};

/**
 * An error of an OAuth endpoint (authorization server or protected resource). Rendered by the OAuth
 * sub-apps' own `onError` with `renderOAuthError`, never as the API envelope.
 *
 * @example
 * throw new OAuthError("invalid_grant", { description: "The code was already used", reason: "code_replayed" });
 */
export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly status: ContentfulStatusCode;
  readonly description?: string;
  readonly wwwAuthenticate?: string;
  readonly reason?: string;

  constructor(error: OAuthErrorCode, options: OAuthErrorOptions = {}) {
    super(options.description ?? error, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "OAuthError";
    this.error = error;
    this.status = options.status ?? DEFAULT_STATUS[error] ?? 400;
    this.description = options.description;
    this.wwwAuthenticate = options.wwwAuthenticate;
    this.reason = options.reason;
  }
}

export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError || (value instanceof Error && value.name === "OAuthError" && "error" in value);
}

/** The RFC 6749 §5.2 JSON body of an OAuth error. */
export function oauthErrorBody(error: OAuthError): { error: OAuthErrorCode; error_description?: string } {
  return { error: error.error, ...(error.description ? { error_description: error.description } : {}) };
}

/**
 * Renders an `OAuthError` as RFC 6749 §5.2 requires: JSON body `{error, error_description?}`,
 * `Cache-Control: no-store`, and `WWW-Authenticate` when set (RFC 6750 §3; RFC 6749 §5.2 asks for it on a
 * 401 `invalid_client`). The internal `reason` is logged with the request id, never sent.
 */
export function renderOAuthError(c: Context, error: OAuthError): Response {
  const log = (c.var as { log?: ReturnType<typeof createLogger> }).log ?? createLogger();
  log[error.status >= 500 ? "error" : "info"]("oauth request refused", {
    oauth_error: error.error,
    ...(error.reason ? { reason: error.reason } : {}),
  });
  const headers: Record<string, string> = { "cache-control": "no-store", pragma: "no-cache" };
  if (error.wwwAuthenticate) headers["www-authenticate"] = error.wwwAuthenticate;
  return c.json(oauthErrorBody(error), error.status, headers);
}
