/**
 * The stable error codes of the Paragon feature and their HTTP statuses. Phase 2 adds these to
 * `ERROR_STATUS` in `src/platform/errors.ts`; until then `ParagonError` carries both so routes can
 * turn it into the envelope unchanged.
 *
 * - `paragon_not_configured` (503): the project id / signing key (or, for the webhook, the secret) is unset.
 * - `paragon_action_failed` (400): Paragon refused the request (4xx); its message is passed on.
 * - `paragon_unavailable` (502): Paragon answered 5xx, timed out, could not be reached, or refused our
 *   user token (401: a configuration problem on our side, not the caller's).
 * - `rate_limited` (429): Paragon answered 429; its `Retry-After` is passed on.
 */
export const PARAGON_ERROR_STATUS = {
  paragon_not_configured: 503,
  paragon_action_failed: 400,
  paragon_unavailable: 502,
  rate_limited: 429,
} as const;

export type ParagonErrorCode = keyof typeof PARAGON_ERROR_STATUS;

export class ParagonError extends Error {
  readonly code: ParagonErrorCode;
  readonly status: (typeof PARAGON_ERROR_STATUS)[ParagonErrorCode];
  readonly details?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    code: ParagonErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ParagonError";
    this.code = code;
    this.status = PARAGON_ERROR_STATUS[code];
    this.details = options.details;
    this.headers = options.headers;
  }
}

export function isParagonError(value: unknown): value is ParagonError {
  return value instanceof ParagonError || (value instanceof Error && value.name === "ParagonError");
}
