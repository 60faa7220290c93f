import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createApp } from "../../src/app";
import { jsonBody } from "../../src/platform/middleware/body";
import { APP_ORIGIN, call, expectData, expectError, jsonInit } from "../helpers/http";

/**
 * The real application with two extra routes that exercise the shared JSON validation and the
 * error handler the same way every feature route does.
 */
function appWithProbeRoutes() {
  const app = createApp();
  app.post("/api/__probe/echo", jsonBody(z.strictObject({ name: z.string().min(1).max(20) })), (c) =>
    c.json({ success: true, data: c.req.valid("json") }),
  );
  app.get("/api/__probe/boom", () => {
    throw new Error("database password is hunter2");
  });
  return { request: (path: string, init?: RequestInit) => app.request(path, init, env) };
}

describe("GET /api/health", () => {
  it("reports D1 reachable and the version", async () => {
    const response = await call("/api/health");
    const data = await expectData<{ status: string; version: string; checks: { d1: { ok: boolean } } }>(response);
    expect(data.status).toBe("ok");
    expect(data.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(data.checks.d1.ok).toBe(true);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("answers 503 when D1 fails, without leaking the error", async () => {
    vi.spyOn(env.DB, "prepare").mockImplementation(() => {
      throw new Error("D1_ERROR: internal detail");
    });
    const response = await call("/api/health");
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toContain("internal detail");
    expect(JSON.parse(text).data.checks.d1).toMatchObject({ ok: false, error: "unreachable" });
  });
});

describe("every response", () => {
  it("carries a request id, and keeps a well-formed one supplied by the caller", async () => {
    const generated = await call("/api/ping");
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const traced = await call("/api/ping", { headers: { "x-request-id": "trace-1234-abcd" } });
    expect(traced.headers.get("x-request-id")).toBe("trace-1234-abcd");
    const hostile = await call("/api/ping", { headers: { "x-request-id": "<script>alert(1)</script>" } });
    expect(hostile.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("carries the security headers", async () => {
    const response = await call("/api/ping");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    // APP_URL is http in tests, so no HSTS (RFC 6797 §7.2: not over plain http).
    expect(response.headers.get("strict-transport-security")).toBeNull();
  });

  it("writes one structured access-log line per request, with the request id", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    const app = createApp();
    const response = await app.request("/api/ping?token=abc", {}, { ...env, LOG_LEVEL: "info" });
    const entries = lines.map((line) => JSON.parse(line));
    expect(entries).toContainEqual(
      expect.objectContaining({
        msg: "request",
        method: "GET",
        status: 200,
        request_id: response.headers.get("x-request-id"),
      }),
    );
    expect(lines.join("\n")).not.toContain("abc");
  });
});

describe("errors", () => {
  it("answers an unknown API route with a 404 envelope", async () => {
    await expectError(await call("/api/does-not-exist"), 404, "not_found");
    await expectError(await call("/oauth/nothing-here", { method: "POST" }), 404, "not_found");
  });

  it("hides an unexpected error behind a 500 with the request id and no stack", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const response = await appWithProbeRoutes().request("/api/__probe/boom");
    const body = await expectError(response, 500, "internal_error");
    expect(body.error.message).toBe("Internal server error");
    expect(JSON.stringify(body)).not.toMatch(/hunter2|at |stack/);
  });

  it("logs the unexpected error with its stack and request id, for the operator", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    const response = await appWithProbeRoutes().request("/api/__probe/boom");
    const entry = lines.map((line) => JSON.parse(line)).find((e) => e.msg === "unhandled error");
    expect(entry.request_id).toBe(response.headers.get("x-request-id"));
    expect(entry.error.stack).toContain("Error");
  });
});

describe("JSON request bodies", () => {
  const app = appWithProbeRoutes();

  it("accepts a valid body", async () => {
    expect(await expectData(await app.request("/api/__probe/echo", jsonInit("POST", { name: "ok" })))).toEqual({
      name: "ok",
    });
  });

  it("refuses malformed JSON with 400 invalid_json", async () => {
    await expectError(await app.request("/api/__probe/echo", jsonInit("POST", '{"name": "x",')), 400, "invalid_json");
  });

  it("refuses another content type with 415", async () => {
    const init = { method: "POST", headers: { "content-type": "text/plain" }, body: '{"name":"x"}' };
    await expectError(await app.request("/api/__probe/echo", init), 415, "unsupported_media_type");
    await expectError(
      await app.request("/api/__probe/echo", { method: "POST", body: "x" }),
      415,
      "unsupported_media_type",
    );
  });

  it("refuses unknown fields and wrong types with 400 invalid_request and the paths", async () => {
    const unknown = await expectError(
      await app.request("/api/__probe/echo", jsonInit("POST", { name: "x", admin: true })),
      400,
      "invalid_request",
    );
    expect(JSON.stringify(unknown.error.details)).toContain("admin");
    const wrongType = await expectError(
      await app.request("/api/__probe/echo", jsonInit("POST", { name: 42 })),
      400,
      "invalid_request",
    );
    expect(wrongType.error.details).toEqual([expect.objectContaining({ path: "name" })]);
  });

  it("refuses a body over the limit with 413, with or without Content-Length", async () => {
    const big = JSON.stringify({ name: "x".repeat(1024 * 1024 + 10) });
    await expectError(await app.request("/api/__probe/echo", jsonInit("POST", big)), 413, "payload_too_large");
    const stream = new Blob([big]).stream();
    const chunked = await app.request("/api/__probe/echo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      // @ts-expect-error -- Workers' RequestInit accepts duplex for streamed bodies
      duplex: "half",
    });
    await expectError(chunked, 413, "payload_too_large");
  });
});

describe("CORS", () => {
  it("reflects only allowed origins, with credentials and never a wildcard", async () => {
    const allowed = await call("/api/ping", { headers: { origin: APP_ORIGIN } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    const foreign = await call("/api/ping", { headers: { origin: "https://evil.example" } });
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers a preflight from an allowed origin", async () => {
    const response = await call("/api/ping", {
      method: "OPTIONS",
      headers: {
        origin: APP_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
  });
});

describe("static single-page app", () => {
  it("serves the SPA for non-API paths", async () => {
    const response = await call("/some/client/route");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
  });
});
