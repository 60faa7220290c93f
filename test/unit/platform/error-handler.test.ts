import type { Context } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../../src/platform/context";
import { handleError } from "../../../src/platform/error-handler";
import { AppError } from "../../../src/platform/errors";
import { createLogger } from "../../../src/platform/logger";

/** Runs the app's error handler on `error` and returns the parsed log lines and the response. */
function handle(error: Error) {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({ level: "debug", sink: (line) => lines.push(JSON.parse(line)) });
  const c = {
    var: { log, requestId: "req-1" },
    json: (body: unknown, status: number, headers?: Record<string, string>) =>
      new Response(JSON.stringify(body), { status, headers }),
  } as unknown as Context<AppEnv>;
  const response = handleError(error, c) as Response;
  return { lines, response };
}

describe("error logging levels (issue 12: user-caused errors log without a stack)", () => {
  it("does not log the caller's own mistakes (info level: the access log has the status)", () => {
    const { lines, response } = handle(new AppError("invalid_request", "Request body is invalid"));
    expect(response.status).toBe(400);
    expect(lines).toEqual([]);
  });

  it("logs a deployment-caused refusal at warn, without a stack, keeping the cause's message", () => {
    const { lines, response } = handle(
      new AppError("provider_not_configured", "GitHub sign-in is not configured", {
        cause: new Error("no GITHUB_CLIENT_ID"),
      }),
    );
    expect(response.status).toBe(503);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "warn", error_code: "provider_not_configured" });
    expect(JSON.stringify(lines[0])).not.toContain('"stack"');
    expect(JSON.stringify(lines[0])).toContain("no GITHUB_CLIENT_ID");
  });

  it("logs an unexpected error at error level with its stack, and reveals nothing to the client", async () => {
    const { lines, response } = handle(new TypeError("boom at the database layer"));
    expect(response.status).toBe(500);
    expect(lines[0]).toMatchObject({ level: "error" });
    expect(JSON.stringify(lines[0])).toContain('"stack"');
    expect(await response.text()).not.toContain("boom");
  });
});
