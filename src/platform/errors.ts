import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The stable, documented error codes of the API. Clients switch on these; never rename one.
 * Each maps to one HTTP status so a code always means the same thing on the wire.
 * @see ../../README.md#errors
 */
export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  unauthenticated: 401,
  invalid_signature: 401,
  forbidden: 403,
  csrf_rejected: 403,
  target_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  connection_not_authorized: 409,
  connection_expired: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  credentials_unreadable: 500,
  upstream_error: 502,
  service_unavailable: 503,
  auth_not_configured: 503,
  provider_not_configured: 503,
  connection_refresh_backoff: 503,
  upstream_timeout: 504,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface AppErrorOptions {
  /** Safe, structured details for the client (validation issues, the field that clashed). Never secrets. */
  details?: unknown;
  /** The internal cause; logged with the request id, never sent to the client. */
  cause?: unknown;
  /** Extra response headers, e.g. `Retry-After` for 429/503. */
  headers?: Record<string, string>;
}

/**
 * The one error family of the application. Throw it anywhere; the `onError` handler turns it into
 * the envelope `{ success: false, error: { code, message, details?, request_id } }`.
 *
 * @example
 * throw new AppError("not_found", "Connection not found");
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  readonly details?: unknown;
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
    this.headers = options.headers;
  }
}

/** Type guard usable across module boundaries (bundles may load two copies of a class). */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError || (value instanceof Error && value.name === "AppError" && "code" in value);
}
