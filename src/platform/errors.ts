import type { ContentfulStatusCode } from "hono/utils/http-status";

/** How loudly a failure is logged: the outside world's failures are warnings, ours are errors. */
export type ErrorLogLevel = "info" | "warn" | "error";

interface ErrorSpec {
  status: ContentfulStatusCode;
  /** Level of the "request failed" log line; `info` codes are expected outcomes and are not logged. */
  level: ErrorLogLevel;
}

/**
 * The stable, documented error codes of the API. Clients switch on these; never rename one.
 * Each maps to one HTTP status so a code always means the same thing on the wire, and to the level it
 * is logged at (a 4xx is the caller's doing; an upstream failure is the outside world's; only our own
 * failures page someone).
 * @see ../../README.md#errors
 */
export const ERROR_TABLE = {
  invalid_json: { status: 400, level: "info" },
  invalid_request: { status: 400, level: "info" },
  unauthenticated: { status: 401, level: "info" },
  invalid_signature: { status: 401, level: "info" },
  forbidden: { status: 403, level: "info" },
  csrf_rejected: { status: 403, level: "info" },
  target_not_allowed: { status: 403, level: "info" },
  not_found: { status: 404, level: "info" },
  method_not_allowed: { status: 405, level: "info" },
  conflict: { status: 409, level: "info" },
  connection_not_authorized: { status: 409, level: "info" },
  connection_expired: { status: 409, level: "info" },
  payload_too_large: { status: 413, level: "info" },
  unsupported_media_type: { status: 415, level: "info" },
  // Changing where a stored credential is sent needs the secrets again (issue 14 #5); stored settings that
  // cannot form an HTTP request (a header value with CR/LF/NUL saved before input validation refused it).
  secrets_required: { status: 400, level: "info" },
  connection_unusable: { status: 422, level: "info" },
  rate_limited: { status: 429, level: "info" },
  internal_error: { status: 500, level: "error" },
  credentials_unreadable: { status: 500, level: "error" },
  upstream_error: { status: 502, level: "warn" },
  service_unavailable: { status: 503, level: "error" },
  auth_not_configured: { status: 503, level: "warn" },
  provider_not_configured: { status: 503, level: "warn" },
  connection_refresh_backoff: { status: 503, level: "warn" },
  upstream_timeout: { status: 504, level: "warn" },
  // Workflows, agents and executions (SPEC §7)
  invalid_workflow: { status: 400, level: "info" },
  invalid_agent: { status: 400, level: "info" },
  invalid_inputs: { status: 400, level: "info" },
  execution_finished: { status: 409, level: "info" },
  // Internal API for the Temporal worker (SPEC §7.4)
  execution_not_running: { status: 409, level: "info" },
  // MCP connections (SPEC §6.7)
  mcp_auth_failed: { status: 400, level: "info" },
  invalid_tool_arguments: { status: 400, level: "info" },
  tool_not_found: { status: 404, level: "info" },
  mcp_unreachable: { status: 502, level: "warn" },
  mcp_timeout: { status: 504, level: "warn" },
  // Paragon (SPEC §9, src/paragon/upstream.ts): unset settings; Paragon refused (4xx); Paragon failed/timed out.
  paragon_not_configured: { status: 503, level: "warn" },
  paragon_action_failed: { status: 400, level: "info" },
  paragon_unavailable: { status: 502, level: "warn" },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_TABLE;

export interface AppErrorOptions {
  /** Safe, structured details for the client (validation issues, the field that clashed). Never secrets. */
  details?: unknown;
  /** The internal cause; logged with the request id, never sent to the client. */
  cause?: unknown;
  /** Extra response headers, e.g. `Retry-After` for 429/503. */
  headers?: Record<string, string>;
}

/**
 * The one error family of the API envelope. Throw it anywhere; the `onError` handler turns it into
 * `{ success: false, error: { code, message, details?, request_id } }`. OAuth endpoints use `OAuthError`
 * (./oauth-error.ts) instead, whose wire format is RFC 6749's.
 *
 * @example
 * throw new AppError("not_found", "Connection not found");
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  readonly level: ErrorLogLevel;
  readonly details?: unknown;
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_TABLE[code].status;
    this.level = ERROR_TABLE[code].level;
    this.details = options.details;
    this.headers = options.headers;
  }
}

/** Type guard usable across module boundaries (bundles may load two copies of a class). */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError || (value instanceof Error && value.name === "AppError" && "code" in value);
}
