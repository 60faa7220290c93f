import { describe, expect, it } from "vitest";
import { AppError, ERROR_TABLE, type ErrorCode, isAppError } from "../../../src/platform/errors";

const ENTRIES = Object.entries(ERROR_TABLE) as Array<[ErrorCode, (typeof ERROR_TABLE)[ErrorCode]]>;

describe("ERROR_TABLE: every code is a stable snake_case wire code with one status and log level", () => {
  it.each(ENTRIES)("%s is snake_case", (code) => {
    expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
  });

  it.each(ENTRIES.map(([code, spec]) => ({ code, ...spec })))(
    "$code: HTTP $status is an error status (RFC 9110 §15.5, §15.6)",
    ({ status }) => {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    },
  );

  it.each(ENTRIES.filter(([, spec]) => spec.status < 500).map(([code, spec]) => ({ code, ...spec })))(
    "$code ($status, the caller's doing) is logged at info",
    ({ level }) => {
      expect(level).toBe("info");
    },
  );

  it.each(ENTRIES.filter(([, spec]) => spec.status >= 500).map(([code, spec]) => ({ code, ...spec })))(
    "$code ($status, ours or the outside world's) is logged at warn or error",
    ({ level }) => {
      expect(["warn", "error"]).toContain(level);
    },
  );

  it.each<[ErrorCode, number, string]>([
    ["internal_error", 500, "error"],
    ["credentials_unreadable", 500, "error"],
    ["upstream_error", 502, "warn"],
    ["upstream_timeout", 504, "warn"],
    ["unauthenticated", 401, "info"],
    ["not_found", 404, "info"],
    ["rate_limited", 429, "info"],
  ])("%s keeps its documented status %i and level %s (clients switch on these)", (code, status, level) => {
    expect(ERROR_TABLE[code]).toEqual({ status, level });
  });
});

describe("AppError carries the status and level of its code", () => {
  it.each(ENTRIES.map(([code, spec]) => ({ code, ...spec })))(
    "$code → $status at $level",
    ({ code, status, level }) => {
      const error = new AppError(code, "Something happened");
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({ name: "AppError", code, status, level, message: "Something happened" });
      expect(isAppError(error)).toBe(true);
    },
  );

  it("keeps details, headers and cause", () => {
    const cause = new Error("internal detail");
    const error = new AppError("rate_limited", "Slow down", {
      details: { limit: 10 },
      headers: { "retry-after": "30" },
      cause,
    });
    expect(error.details).toEqual({ limit: 10 });
    expect(error.headers).toEqual({ "retry-after": "30" });
    expect(error.cause).toBe(cause);
  });

  it("has no cause property when none is given", () => {
    expect("cause" in new AppError("not_found", "Connection not found")).toBe(false);
  });

  it.each([
    { rule: "an AppError", value: new AppError("conflict", "x"), is: true },
    {
      rule: "an AppError-shaped error from another copy of the module",
      value: Object.assign(new Error("x"), { name: "AppError", code: "conflict" }),
      is: true,
    },
    { rule: "a plain Error", value: new Error("not_found"), is: false },
    { rule: "a non-Error object", value: { name: "AppError", code: "conflict" }, is: false },
    { rule: "undefined", value: undefined, is: false },
  ])("isAppError: $rule → $is", ({ value, is }) => {
    expect(isAppError(value)).toBe(is);
  });
});
