import { describe, expect, it } from "vitest";
import { createLogger, describeError } from "../../../src/platform/logger";
import { REDACTED, redact, redactUrl } from "../../../src/platform/redact";

describe("redaction", () => {
  it.each([
    "authorization",
    "Authorization",
    "cookie",
    "set-cookie",
    "access_token",
    "refresh_token",
    "client_secret",
    "password",
    "api_key",
    "apiKey",
    "x-api-key",
    "data",
    "code_verifier",
    "private_key",
    "signature",
  ])("replaces the value of %s", (key) => {
    expect(redact({ [key]: "sensitive", other: 1 })).toEqual({ [key]: REDACTED, other: 1 });
  });

  it("walks nested objects and arrays, and keeps harmless fields", () => {
    const input = { user: { id: "u1", session: { token: "t" } }, items: [{ secret: "s", name: "n" }], count: 3 };
    expect(redact(input)).toEqual({
      user: { id: "u1", session: { token: REDACTED } },
      items: [{ secret: REDACTED, name: "n" }],
      count: 3,
    });
  });

  it("redacts sensitive query parameters in logged URLs", () => {
    expect(redactUrl(new URL("https://x.test/api/auth/callback?code=abc&state=xyz&return_to=%2F"))).toBe(
      "/api/auth/callback?code=%5Bredacted%5D&state=%5Bredacted%5D&return_to=%2F",
    );
    expect(redactUrl(new URL("https://x.test/api/health"))).toBe("/api/health");
  });

  it("applies to every log line, context included", () => {
    const lines: string[] = [];
    const log = createLogger({
      sink: (line) => lines.push(line),
      context: { request_id: "r1", authorization: "Bearer abc" },
    });
    log.info("called upstream", { headers: { authorization: "Bearer xyz", accept: "json" }, data: { api_key: "k" } });
    log.debug("hidden below the threshold");
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] as string);
    expect(entry).toMatchObject({
      level: "info",
      msg: "called upstream",
      request_id: "r1",
      authorization: REDACTED,
      headers: { authorization: REDACTED, accept: "json" },
      data: REDACTED,
    });
    expect(lines[0]).not.toMatch(/abc|xyz|"k"/);
  });
});

describe("error descriptions", () => {
  it("drop the bound parameters drizzle appends to failed queries", () => {
    const error = new Error('Failed query: insert into "sessions" values (?, ?)\nparams: sess-1,token-hash-secret', {
      cause: new Error("D1_ERROR: UNIQUE constraint failed"),
    });
    const described = JSON.stringify(describeError(error));
    expect(described).not.toContain("token-hash-secret");
    expect(described).toContain("Failed query");
    expect(described).toContain("UNIQUE constraint failed");
  });
});
