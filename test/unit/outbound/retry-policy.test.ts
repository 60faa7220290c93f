import { describe, expect, it } from "vitest";
import {
  decideRetry,
  IDEMPOTENT_METHODS,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  RETRYABLE_STATUSES,
  type RetryInput,
} from "../../../src/outbound/retry-policy";

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0); // Thu, 15 Jan 2026 12:00:00 GMT
const middle = () => 0.5; // no jitter

function input(overrides: Partial<RetryInput>): RetryInput {
  return {
    attempt: 1,
    maxRetries: 2,
    method: "GET",
    allowNonIdempotent: false,
    outcome: { kind: "status", status: 503 },
    backoffMs: 100,
    now: NOW,
    random: middle,
    ...overrides,
  };
}

describe("retry constants", () => {
  it("lists the RFC 9110 §9.2.2 idempotent methods", () => {
    expect([...IDEMPOTENT_METHODS].sort()).toEqual(["DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE"]);
  });

  it("lists the transient statuses", () => {
    expect([...RETRYABLE_STATUSES].sort()).toEqual([408, 425, 429, 500, 502, 503, 504]);
    expect(MAX_RETRY_AFTER_MS).toBe(30_000);
  });
});

describe("decideRetry: which failures are retried", () => {
  it.each<[string, Partial<RetryInput>, string]>([
    ["408 Request Timeout is transient (RFC 9110 §15.5.9)", { outcome: { kind: "status", status: 408 } }, "status_408"],
    ["425 Too Early asks for a replay (RFC 8470 §5.2)", { outcome: { kind: "status", status: 425 } }, "status_425"],
    ["429 Too Many Requests is transient (RFC 6585 §4)", { outcome: { kind: "status", status: 429 } }, "status_429"],
    ["500 Internal Server Error (RFC 9110 §15.6.1)", { outcome: { kind: "status", status: 500 } }, "status_500"],
    ["502 Bad Gateway (RFC 9110 §15.6.3)", { outcome: { kind: "status", status: 502 } }, "status_502"],
    [
      "503 Service Unavailable is temporary (RFC 9110 §15.6.4)",
      { outcome: { kind: "status", status: 503 } },
      "status_503",
    ],
    ["504 Gateway Timeout (RFC 9110 §15.6.5)", { outcome: { kind: "status", status: 504 } }, "status_504"],
    ["a network error on GET (RFC 9110 §9.2.2 idempotent)", { outcome: { kind: "network_error" } }, "network_error"],
    ["a timeout on GET (RFC 9110 §9.2.2 idempotent)", { outcome: { kind: "timeout" } }, "timeout"],
    ["PUT is idempotent (RFC 9110 §9.2.2)", { method: "PUT", outcome: { kind: "timeout" } }, "timeout"],
    ["DELETE is idempotent (RFC 9110 §9.2.2)", { method: "DELETE" }, "status_503"],
    ["HEAD is safe, so idempotent (RFC 9110 §9.2.1)", { method: "HEAD" }, "status_503"],
    ["OPTIONS is safe, so idempotent (RFC 9110 §9.2.1)", { method: "OPTIONS" }, "status_503"],
    ["lower-case get is sent as GET (Fetch normalises it)", { method: "get" }, "status_503"],
    ["POST when the caller opted in (RFC 9110 §9.2.2)", { method: "POST", allowNonIdempotent: true }, "status_503"],
    [
      "PATCH timeout when the caller opted in (RFC 9110 §9.2.2)",
      { method: "PATCH", allowNonIdempotent: true, outcome: { kind: "timeout" } },
      "timeout",
    ],
    ["the last allowed retry (attempt = maxRetries)", { attempt: 2, maxRetries: 2 }, "status_503"],
  ])("retries: %s", (_rule, overrides, reason) => {
    const decision = decideRetry(input(overrides));
    expect(decision).toMatchObject({ retry: true, reason });
  });

  it.each<[string, Partial<RetryInput>, string]>([
    [
      "400 Bad Request is final (RFC 9110 §15.5.1)",
      { outcome: { kind: "status", status: 400 } },
      "status_not_retryable",
    ],
    [
      "401 Unauthorized is final (RFC 9110 §15.5.2)",
      { outcome: { kind: "status", status: 401 } },
      "status_not_retryable",
    ],
    ["403 Forbidden is final (RFC 9110 §15.5.4)", { outcome: { kind: "status", status: 403 } }, "status_not_retryable"],
    ["404 Not Found is final (RFC 9110 §15.5.5)", { outcome: { kind: "status", status: 404 } }, "status_not_retryable"],
    ["409 Conflict is final (RFC 9110 §15.5.10)", { outcome: { kind: "status", status: 409 } }, "status_not_retryable"],
    [
      "422 Unprocessable Content is final (RFC 9110 §15.5.21)",
      { outcome: { kind: "status", status: 422 } },
      "status_not_retryable",
    ],
    [
      "501 (method unsupported) is final (RFC 9110 §15.6.2)",
      { outcome: { kind: "status", status: 501 } },
      "status_not_retryable",
    ],
    ["a 200 is not a failure", { outcome: { kind: "status", status: 200 } }, "status_not_retryable"],
    ["POST 503 without opt-in (RFC 9110 §9.2.2 not idempotent)", { method: "POST" }, "non_idempotent_method"],
    [
      "PATCH 429 without opt-in (RFC 9110 §9.2.2)",
      { method: "PATCH", outcome: { kind: "status", status: 429 } },
      "non_idempotent_method",
    ],
    [
      "POST network error without opt-in (RFC 9110 §9.2.2)",
      { method: "POST", outcome: { kind: "network_error" } },
      "non_idempotent_method",
    ],
    [
      "POST timeout without opt-in: it may have been processed (RFC 9110 §9.2.2)",
      { method: "POST", outcome: { kind: "timeout" } },
      "non_idempotent_method",
    ],
    [
      "lower-case patch is not normalised by Fetch (RFC 9110 §9.1 case-sensitive)",
      { method: "patch" },
      "non_idempotent_method",
    ],
    ["CONNECT is not idempotent (RFC 9110 §9.3.6)", { method: "CONNECT" }, "non_idempotent_method"],
    ["retries are disabled (maxRetries = 0)", { attempt: 1, maxRetries: 0 }, "max_retries"],
    ["retries are used up (attempt > maxRetries)", { attempt: 3, maxRetries: 2 }, "max_retries"],
    [
      "Retry-After beyond MAX_RETRY_AFTER_MS (RFC 9110 §10.2.3): the upstream 429 is returned as-is",
      { outcome: { kind: "status", status: 429, retryAfter: "31" } },
      "retry_after_too_long",
    ],
    [
      "an HTTP-date Retry-After an hour away (RFC 9110 §10.2.3)",
      { outcome: { kind: "status", status: 503, retryAfter: "Thu, 15 Jan 2026 13:00:00 GMT" } },
      "retry_after_too_long",
    ],
    ["the backoff wait would use up the deadline", { backoffMs: 100, deadlineMs: 100 }, "deadline"],
    ["no time budget is left", { deadlineMs: 0 }, "deadline"],
    [
      "the Retry-After wait would exceed the deadline (RFC 9110 §10.2.3)",
      { outcome: { kind: "status", status: 503, retryAfter: "5" }, deadlineMs: 4_000 },
      "deadline",
    ],
  ])("does not retry: %s", (_rule, overrides, reason) => {
    expect(decideRetry(input(overrides))).toEqual({ retry: false, reason });
  });
});

describe("decideRetry: how long to wait", () => {
  it.each<[string, Partial<RetryInput>, number]>([
    ["backoff after attempt 1 is the base", { attempt: 1 }, 100],
    ["backoff doubles after attempt 2", { attempt: 2, maxRetries: 5 }, 200],
    ["backoff doubles again after attempt 3", { attempt: 3, maxRetries: 5 }, 400],
    ["backoff is capped at MAX_RETRY_AFTER_MS", { attempt: 20, maxRetries: 50, backoffMs: 1_000 }, MAX_RETRY_AFTER_MS],
    ["jitter −20% at random() = 0", { attempt: 2, maxRetries: 5, random: () => 0 }, 160],
    ["jitter +20% as random() → 1", { attempt: 2, maxRetries: 5, random: () => 0.999999 }, 240],
    [
      "delay-seconds Retry-After wins over backoff (RFC 9110 §10.2.3)",
      { outcome: { kind: "status", status: 429, retryAfter: "2" } },
      2_000,
    ],
    [
      "Retry-After: 0 retries at once (RFC 9110 §10.2.3)",
      { outcome: { kind: "status", status: 503, retryAfter: "0" } },
      0,
    ],
    [
      "HTTP-date Retry-After (RFC 9110 §10.2.3)",
      { outcome: { kind: "status", status: 503, retryAfter: "Thu, 15 Jan 2026 12:00:07 GMT" } },
      7_000,
    ],
    [
      "Retry-After exactly at the cap is honoured (RFC 9110 §10.2.3)",
      { outcome: { kind: "status", status: 429, retryAfter: "30" } },
      MAX_RETRY_AFTER_MS,
    ],
    [
      "an invalid Retry-After falls back to backoff (RFC 9110 §10.2.3)",
      { outcome: { kind: "status", status: 503, retryAfter: "soon" } },
      100,
    ],
    ["a null Retry-After falls back to backoff", { outcome: { kind: "status", status: 503, retryAfter: null } }, 100],
    ["a retry that fits inside the deadline", { deadlineMs: 101 }, 100],
    [
      "Retry-After (no jitter) applies to 408 too (RFC 9110 §15.5.9)",
      { outcome: { kind: "status", status: 408, retryAfter: "1" }, random: () => 0 },
      1_000,
    ],
  ])("%s", (_rule, overrides, delayMs) => {
    const decision = decideRetry(input(overrides));
    expect(decision.retry).toBe(true);
    expect(decision.retry && decision.delayMs).toBe(delayMs);
  });
});

describe("parseRetryAfter (RFC 9110 §10.2.3)", () => {
  it.each<[string, string | null | undefined, number | null]>([
    ["delay-seconds", "120", 120_000],
    ["delay-seconds zero", "0", 0],
    ["delay-seconds with surrounding whitespace (RFC 9110 §5.5 OWS)", " 5 ", 5_000],
    ["IMF-fixdate in the future (RFC 9110 §5.6.7)", "Thu, 15 Jan 2026 12:00:30 GMT", 30_000],
    ["IMF-fixdate in the past means now (RFC 9110 §10.2.3)", "Sun, 06 Nov 1994 08:49:37 GMT", 0],
    ["obsolete RFC 850 date (RFC 9110 §5.6.7, recipients must accept)", "Thursday, 15-Jan-26 12:01:00 GMT", 60_000],
    ["obsolete asctime date (RFC 9110 §5.6.7, recipients must accept)", "Thu Jan 15 12:00:10 2026", 10_000],
    ["asctime with a space-padded day (RFC 9110 §5.6.7)", "Thu Jan  1 00:00:00 2026", 0],
    ["absent (null)", null, null],
    ["absent (undefined)", undefined, null],
    ["empty", "", null],
    ["negative seconds are not delay-seconds (1*DIGIT)", "-1", null],
    ["fractional seconds are not delay-seconds (1*DIGIT)", "1.5", null],
    ["a signed number is not delay-seconds (1*DIGIT)", "+5", null],
    ["exponent notation is not delay-seconds (1*DIGIT)", "1e3", null],
    ["words", "soon", null],
    ["an IMF-fixdate without GMT (RFC 9110 §5.6.7)", "Thu, 15 Jan 2026 12:00:30", null],
    ["an ISO 8601 date is not an HTTP-date", "2026-01-15T12:00:30Z", null],
    ["an impossible date (31 Feb)", "Tue, 31 Feb 2026 12:00:00 GMT", null],
    ["an impossible hour", "Thu, 15 Jan 2026 25:00:00 GMT", null],
  ])("%s: %s", (_rule, value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it("reads a two-digit RFC 850 year as the most recent matching past year (RFC 9110 §5.6.7)", () => {
    // From 2026, "94" would be 2094 — more than 50 years ahead — so it means 1994 (in the past → 0).
    expect(parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).toBe(0);
  });
});
