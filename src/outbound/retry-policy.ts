/**
 * When, and how long to wait before, retrying an outbound HTTP attempt (the proxy, connection tests,
 * outbound webhooks). Pure and I/O-free: the caller supplies the clock and the jitter source.
 *
 * The threats are on both sides: retrying a request that is not idempotent can repeat a side effect
 * (a second charge, a duplicate message), and retrying too eagerly turns one upstream outage or rate
 * limit into a synchronized storm from every Worker isolate. So: only idempotent methods unless the
 * caller opts in (RFC 9110 §9.2.2), only transient failures, honour `Retry-After` (RFC 9110 §10.2.3)
 * but never wait more than {@link MAX_RETRY_AFTER_MS}, and otherwise back off exponentially with jitter.
 */

/**
 * Methods whose intended effect is the same however many times a request is repeated, so a client
 * may retry them automatically (RFC 9110 §9.2.2: the safe methods GET, HEAD, OPTIONS, TRACE, plus PUT
 * and DELETE). POST and PATCH are not idempotent and are retried only when the caller opts in.
 */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

/**
 * Statuses that report a transient condition, worth retrying: 408 Request Timeout (RFC 9110
 * §15.5.9), 425 Too Early (RFC 8470 §5.2), 429 Too Many Requests (RFC 6585 §4), 500 Internal Server
 * Error (RFC 9110 §15.6.1), 502 Bad Gateway (§15.6.3), 503 Service Unavailable (§15.6.4) and 504
 * Gateway Timeout (§15.6.5). Every other status (400, 401, 403, 404, 409, 422, 501 …) is final: the
 * same request would fail the same way.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * Longest single wait, whether asked for by `Retry-After` (RFC 9110 §10.2.3) or computed by backoff.
 * An upstream asking for longer is not waited for: the caller returns its 429/503 as-is instead of
 * holding the user's request (and a Worker invocation) open.
 */
export const MAX_RETRY_AFTER_MS = 30_000;

const JITTER_RATIO = 0.2;
/** 2^30 × any sane base is far past every cap; keeps the arithmetic finite for absurd attempt numbers. */
const MAX_BACKOFF_EXPONENT = 30;

/** Everything {@link decideRetry} needs to know about the attempt that just failed. */
export interface RetryInput {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  /** Retries allowed after the first attempt (0 = no retry). */
  maxRetries: number;
  method: string;
  /** The caller opted in to retrying non-idempotent methods (POST/PATCH), e.g. it sends an idempotency key. */
  allowNonIdempotent: boolean;
  outcome:
    | { kind: "status"; status: number; retryAfter?: string | null }
    | { kind: "network_error" }
    | { kind: "timeout" };
  /** Base backoff in ms: the first retry waits about this long, each later one twice as long. */
  backoffMs: number;
  /** Remaining time budget in ms; a retry whose wait alone would use it up is not scheduled. */
  deadlineMs?: number;
  /** Current time (epoch ms), to turn an HTTP-date `Retry-After` into a delay. */
  now: number;
  /** Jitter source in [0, 1); `Math.random` by default. Injected by tests. */
  random?: () => number;
}

/**
 * Whether to retry, and after how long. Reasons are stable strings for logs and metrics:
 * retry — `status_<code>` (e.g. `status_503`), `network_error`, `timeout`;
 * no retry — `status_not_retryable`, `non_idempotent_method`, `max_retries`, `retry_after_too_long`,
 * `deadline`.
 */
export type RetryDecision = { retry: true; delayMs: number; reason: string } | { retry: false; reason: string };

/**
 * Fetch normalises the six standard methods case-insensitively (`get` is sent as `GET`) and sends
 * every other method as written (Fetch Standard, "normalize a method"); RFC 9110 §9.1 method names
 * are case-sensitive. Classify the method that will actually go on the wire.
 */
const FETCH_NORMALISED_METHODS: ReadonlySet<string> = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);
function wireMethod(method: string): string {
  const upper = method.toUpperCase();
  return FETCH_NORMALISED_METHODS.has(upper) ? upper : method;
}

/**
 * Decides whether an outbound attempt that just failed should be retried, and how long to wait first.
 *
 * - Only transient outcomes: a status in {@link RETRYABLE_STATUSES} (RFC 9110 §15.5.9 408, §15.6.4
 *   503, RFC 6585 §4 429 …), a network error, or a timeout. Any other status is final.
 * - Only idempotent methods (RFC 9110 §9.2.2) unless `allowNonIdempotent`: after a network error or a
 *   timeout the request may already have been processed, and repeating a POST repeats its effect.
 * - At most `maxRetries` retries: no retry once `attempt > maxRetries`.
 * - Wait `Retry-After` (RFC 9110 §10.2.3) when present and valid; if it asks for more than
 *   {@link MAX_RETRY_AFTER_MS}, do not retry (`retry_after_too_long`). Otherwise wait
 *   `backoffMs × 2^(attempt−1)` with ±20% jitter (capped at {@link MAX_RETRY_AFTER_MS}), so that
 *   many clients failing together do not come back together.
 * - Never schedule a retry whose wait is ≥ the remaining `deadlineMs` (`deadline`).
 */
export function decideRetry(input: RetryInput): RetryDecision {
  const { outcome } = input;
  let reason: string;
  if (outcome.kind === "status") {
    if (!RETRYABLE_STATUSES.has(outcome.status)) return { retry: false, reason: "status_not_retryable" };
    reason = `status_${outcome.status}`;
  } else {
    reason = outcome.kind;
  }
  if (!IDEMPOTENT_METHODS.has(wireMethod(input.method)) && !input.allowNonIdempotent) {
    return { retry: false, reason: "non_idempotent_method" };
  }
  if (!(input.attempt <= input.maxRetries)) return { retry: false, reason: "max_retries" };

  let delayMs: number;
  const retryAfterMs = outcome.kind === "status" ? parseRetryAfter(outcome.retryAfter, input.now) : null;
  if (retryAfterMs !== null) {
    if (retryAfterMs > MAX_RETRY_AFTER_MS) return { retry: false, reason: "retry_after_too_long" };
    delayMs = retryAfterMs;
  } else {
    delayMs = backoffDelay(input);
  }

  if (input.deadlineMs !== undefined && !(delayMs < input.deadlineMs)) return { retry: false, reason: "deadline" };
  return { retry: true, delayMs, reason };
}

function backoffDelay(input: RetryInput): number {
  const base = Number.isFinite(input.backoffMs) ? Math.max(0, input.backoffMs) : 0;
  const exponent = Math.min(MAX_BACKOFF_EXPONENT, Math.max(0, Math.floor(input.attempt) - 1));
  const sample = (input.random ?? Math.random)();
  const unit = Number.isFinite(sample) ? Math.min(1, Math.max(0, sample)) : 0.5;
  const jittered = base * 2 ** exponent * (1 - JITTER_RATIO + 2 * JITTER_RATIO * unit);
  return Math.round(Math.min(MAX_RETRY_AFTER_MS, jittered));
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAY_NAME = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAY_NAME = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
/** RFC 9110 §5.6.7 IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT` (the only form senders may generate). */
const IMF_FIXDATE = new RegExp(`^${DAY_NAME}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, "i");
/** RFC 9110 §5.6.7 obsolete RFC 850 form: `Sunday, 06-Nov-94 08:49:37 GMT` (recipients must accept). */
const RFC850_DATE = new RegExp(`^${LONG_DAY_NAME}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, "i");
/** RFC 9110 §5.6.7 obsolete asctime form: `Sun Nov  6 08:49:37 1994` (recipients must accept). */
const ASCTIME_DATE = new RegExp(`^${DAY_NAME} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`, "i");

interface DateParts {
  day: string;
  month: string;
  year: number;
  hours: string;
  minutes: string;
  seconds: string;
}

/** Splits an HTTP-date (RFC 9110 §5.6.7, any of its three formats) into its fields, or null. */
function matchHttpDate(value: string, now: number): DateParts | null {
  const fix = IMF_FIXDATE.exec(value);
  if (fix) {
    const [, day = "", month = "", year = "", hours = "", minutes = "", seconds = ""] = fix;
    return { day, month, year: Number(year), hours, minutes, seconds };
  }
  const rfc850 = RFC850_DATE.exec(value);
  if (rfc850) {
    const [, day = "", month = "", yy = "", hours = "", minutes = "", seconds = ""] = rfc850;
    // RFC 9110 §5.6.7: a two-digit year that would be more than 50 years in the future means the
    // most recent past year with the same last two digits.
    const currentYear = new Date(now).getUTCFullYear();
    let year = Math.floor(currentYear / 100) * 100 + Number(yy);
    if (year > currentYear + 50) year -= 100;
    return { day, month, year, hours, minutes, seconds };
  }
  const asctime = ASCTIME_DATE.exec(value);
  if (asctime) {
    const [, month = "", day = "", hours = "", minutes = "", seconds = "", year = ""] = asctime;
    return { day: day.trim(), month, year: Number(year), hours, minutes, seconds };
  }
  return null;
}

/** An HTTP-date to epoch ms, or null when it does not parse or names an impossible date/time. */
function parseHttpDate(value: string, now: number): number | null {
  const parts = matchHttpDate(value, now);
  if (parts === null) return null;
  const month = MONTHS.indexOf(parts.month.toLowerCase());
  const day = Number(parts.day);
  const [hours, minutes, seconds] = [Number(parts.hours), Number(parts.minutes), Number(parts.seconds)];
  // Second 60 is a leap second (RFC 5322 §3.3); Date.UTC rolls it into the next minute.
  if (hours > 23 || minutes > 59 || seconds > 60) return null;
  // Refuse impossible dates (31 Feb) instead of letting Date.UTC roll them into the next month.
  const midnight = new Date(Date.UTC(parts.year, month, day));
  if (day < 1 || midnight.getUTCDate() !== day || midnight.getUTCMonth() !== month) return null;
  return Date.UTC(parts.year, month, day, hours, minutes, seconds);
}

/**
 * Parses a `Retry-After` field value (RFC 9110 §10.2.3) into a delay in ms from `now`: either
 * delay-seconds (`120`, a non-negative decimal integer) or an HTTP-date (RFC 9110 §5.6.7; IMF-fixdate
 * and the two obsolete forms recipients must accept). A date in the past means "now" (0).
 * Returns null when the header is absent or invalid (`-1`, `1.5`, `soon`, an impossible date), so
 * the caller falls back to its own backoff instead of trusting a value it does not understand.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim(); // optional whitespace around a field value (RFC 9110 §5.5)
  if (text === "") return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = parseHttpDate(text, now);
  if (date === null) return null;
  return Math.max(0, date - now);
}
