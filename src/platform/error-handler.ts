import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConfigError } from "./config";
import type { AppEnv } from "./context";
import { AppError, type ErrorCode, isAppError } from "./errors";
import { createLogger, describeError } from "./logger";

/** The error envelope of SPEC §6.3, plus the request id so a user can quote it to support. */
export interface ErrorEnvelope {
  success: false;
  error: { code: ErrorCode; message: string; details?: unknown; request_id: string };
}

/** HTTP statuses hono's own middleware may raise, mapped onto our stable codes. */
const HTTP_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = {
  400: "invalid_request",
  401: "unauthenticated",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
};

/** A described error (and its causes) without their stack traces. */
function withoutStacks(fields: ReturnType<typeof describeError>): ReturnType<typeof describeError> {
  const { stack: _stack, cause, ...rest } = fields as Record<string, unknown>;
  return cause && typeof cause === "object" ? { ...rest, cause: withoutStacks(cause as typeof fields) } : rest;
}

export function errorResponse(c: Context<AppEnv>, error: AppError): Response {
  const body: ErrorEnvelope = {
    success: false,
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
      request_id: c.var.requestId ?? "unknown",
    },
  };
  return c.json(body, error.status, error.headers);
}

/**
 * The single `onError` of the application: `AppError`s become their envelope; anything else is
 * logged in full (with the request id) and becomes a generic 500 that reveals no stack or message.
 */
export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  const log = c.var.log ?? createLogger();
  if (isAppError(error)) {
    // The level is a column of the error table: the caller's mistakes are not logged here (the access log
    // has their status), the outside world's failures are warnings, and only our own are errors.
    // Expected failures carry no stack: it would point at the throw site every time and bury the cause.
    if (error.level !== "info")
      log[error.level]("request failed", { error_code: error.code, error: withoutStacks(describeError(error)) });
    return errorResponse(c, error);
  }
  if (error instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[error.status] ?? "internal_error";
    if (code !== "internal_error") return errorResponse(c, new AppError(code, error.message || code));
  }
  if (error instanceof ConfigError) {
    log.error("configuration invalid", { problems: error.problems });
    return errorResponse(c, new AppError("service_unavailable", "The service is misconfigured"));
  }
  log.error("unhandled error", { error: describeError(error) });
  return errorResponse(c, new AppError("internal_error", "Internal server error"));
};
