import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { proxiedConnection } from "../../src/connections/session-companions";
import {
  connectionBySessionQuery,
  connectionBySessionStatement,
  tokensAssociatedData,
} from "../../src/connections/store";
import { encryptString } from "../../src/crypto/aes-gcm";
import { keyringFor } from "../../src/crypto/keyring";
import { getDb } from "../../src/db/client";
import { getConfig } from "../../src/platform/config";
import { createFakeUpstream } from "../fakes/upstream";
import { bodyFor, createConnection, type Summary, UPSTREAM, UPSTREAM_HOST } from "../helpers/connections";
import { expectData, expectError } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { inFreshRateWindow, RATE_WINDOW_TEST_TIMEOUT_MS } from "../helpers/rate-limit";
import { type Browser, signedInBrowser } from "../helpers/session";

let upstream: ReturnType<typeof createFakeUpstream>;
let tokenCalls: Array<{ headers: Headers; body: string }>;
let tokenReply: () => Response;

beforeEach(() => {
  upstream = createFakeUpstream();
  tokenCalls = [];
  tokenReply = () =>
    Response.json({ access_token: `cc-token-${tokenCalls.length}`, token_type: "Bearer", expires_in: 3600 });
  interceptOutbound({
    [UPSTREAM_HOST]: upstream.fetch,
    "auth.upstream.test": async (request) => {
      tokenCalls.push({ headers: request.headers, body: await request.text() });
      return tokenReply();
    },
  });
});

interface Echo {
  echo: { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: string };
}

async function proxy(browser: Browser, id: string, path: string, init: RequestInit = {}) {
  return browser.request(`/api/connections/${id}/proxy${path}`, init);
}

async function storeAccessToken(id: string, userId: string, accessToken: string) {
  const keyring = keyringFor(getConfig(env).keyring);
  const tokens = await encryptString(
    keyring,
    JSON.stringify({ access_token: accessToken, token_type: "Bearer", expires_at: Date.now() + 3600_000 }),
    tokensAssociatedData(id, userId),
  );
  await env.DB.prepare("update connections set tokens_encrypted = ?, status = 'active' where id = ?")
    .bind(tokens, id)
    .run();
}

describe("proxy: credential injection per method (SPEC §6.6)", () => {
  it("injects an API key as Authorization: Bearer by default (custom API)", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("api_key", { data: { api_key: "sk-123" } }));
    const response = await proxy(browser, conn.id, "/v1/things?limit=2");
    const body = (await response.json()) as Echo;
    expect(body.echo.path).toBe("/v1/things");
    expect(body.echo.query).toEqual({ limit: "2" });
    expect(body.echo.headers.authorization).toBe("Bearer sk-123");
  });

  it("injects an API key into a named header or a query parameter", async () => {
    const browser = await signedInBrowser();
    const header = await createConnection(
      browser,
      bodyFor("api_key", { data: { api_key: "k-h", key_name: "X-Api-Key" } }),
    );
    expect(((await (await proxy(browser, header.id, "/a")).json()) as Echo).echo.headers["x-api-key"]).toBe("k-h");
    const query = await createConnection(
      browser,
      bodyFor("api_key", { data: { api_key: "k-q", key_location: "query", key_name: "key" } }),
    );
    const echo = ((await (await proxy(browser, query.id, "/a?x=1")).json()) as Echo).echo;
    expect(echo.query).toEqual({ x: "1", key: "k-q" });
    expect(echo.headers.authorization).toBeUndefined();
  });

  it("injects bearer and basic credentials", async () => {
    const browser = await signedInBrowser();
    const bearer = await createConnection(browser, bodyFor("bearer", { data: { token: "tok" } }));
    expect(((await (await proxy(browser, bearer.id, "/")).json()) as Echo).echo.headers.authorization).toBe(
      "Bearer tok",
    );
    const basic = await createConnection(browser, bodyFor("basic", { data: { username: "ü", password: "p:w" } }));
    const expected = `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode("ü:p:w")))}`;
    expect(((await (await proxy(browser, basic.id, "/")).json()) as Echo).echo.headers.authorization).toBe(expected);
  });

  it("injects an OAuth access token, and refuses an OAuth connection not yet authorized", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("oauth2"));
    await expectError(await proxy(browser, conn.id, "/"), 409, "connection_not_authorized");
    const me = await expectData<{ user: { id: string } }>(await browser.request("/api/auth/me"));
    await storeAccessToken(conn.id, me.user.id, "oauth-access-1");
    expect(((await (await proxy(browser, conn.id, "/")).json()) as Echo).echo.headers.authorization).toBe(
      "Bearer oauth-access-1",
    );
  });

  it("fetches a client-credentials token once, caches it, and refetches once on a 401", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("oauth2_client_credentials"));
    expect(((await (await proxy(browser, conn.id, "/")).json()) as Echo).echo.headers.authorization).toBe(
      "Bearer cc-token-1",
    );
    expect(((await (await proxy(browser, conn.id, "/")).json()) as Echo).echo.headers.authorization).toBe(
      "Bearer cc-token-1",
    );
    expect(tokenCalls).toHaveLength(1);
    const form = new URLSearchParams(tokenCalls[0]?.body);
    expect(form.get("grant_type")).toBe("client_credentials");
    expect(form.get("scope")).toBe("a b");
    expect(tokenCalls[0]?.headers.get("authorization")).toMatch(/^Basic /);
    upstream.reply({ status: 401, body: { error: "expired" } });
    const retried = await proxy(browser, conn.id, "/");
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as Echo).echo.headers.authorization).toBe("Bearer cc-token-2");
    expect(tokenCalls).toHaveLength(2);
  });
});

describe("proxy: request and response hygiene", () => {
  it("strips the caller's credentials, cookies and hop-by-hop headers; passes the rest and the body", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(
      browser,
      bodyFor("bearer", { data: { token: "right" }, default_headers: { "X-Team": "blue" } }),
    );
    const response = await proxy(browser, conn.id, "/submit", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer caller-own",
        "x-api-key": "caller-key",
        connection: "keep-alive",
        "x-custom": "kept",
      },
      body: JSON.stringify({ hello: "world" }),
    });
    const { echo } = (await response.json()) as Echo;
    expect(echo.method).toBe("POST");
    expect(echo.body).toBe('{"hello":"world"}');
    expect(echo.headers.authorization).toBe("Bearer right");
    expect(echo.headers["x-api-key"]).toBeUndefined();
    expect(echo.headers.cookie).toBeUndefined();
    expect(echo.headers["x-custom"]).toBe("kept");
    expect(echo.headers["x-team"]).toBe("blue");
  });

  it("returns the upstream status and headers without set-cookie", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer"));
    const ok = await proxy(browser, conn.id, "/");
    expect(ok.headers.get("x-upstream")).toBe("yes");
    expect(ok.headers.get("set-cookie")).toBeNull();
    // Upstream bytes never run as our origin's page.
    expect(ok.headers.get("content-security-policy")).toMatch(/^sandbox; default-src 'none'/);
    upstream.reply({
      status: 200,
      headers: { "content-security-policy": "default-src *", "access-control-allow-origin": "*" },
    });
    const permissive = await proxy(browser, conn.id, "/page");
    expect(permissive.headers.get("content-security-policy")).toMatch(/^sandbox; default-src 'none'/);
    expect(permissive.headers.get("access-control-allow-origin")).toBeNull();
    upstream.reply({ status: 404, body: { error: "no such thing" }, headers: { "x-upstream-error": "1" } });
    const missing = await proxy(browser, conn.id, "/missing");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "no such thing" });
  });

  it("refuses paths that climb out of the base URL", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer", { base_url: `${UPSTREAM}/v1` }));
    expect(((await (await proxy(browser, conn.id, "/users")).json()) as Echo).echo.path).toBe("/v1/users");
    await expectError(await proxy(browser, conn.id, "/..%2fadmin"), 400, "invalid_request");
    await expectError(await proxy(browser, conn.id, "/x/..%5C..%5Cadmin"), 400, "invalid_request");
    // A literal %2e%2e is normalised by the URL parser before routing: it never reaches the proxy.
    await expectError(await proxy(browser, conn.id, "/%2e%2e/%2e%2e/admin"), 404, "not_found");
  });

  it("marks the connection used", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer"));
    await proxy(browser, conn.id, "/");
    const row = await env.DB.prepare("select last_used_at from connections where id = ?")
      .bind(conn.id)
      .first<{ last_used_at: number }>();
    expect(row?.last_used_at).toBeTypeOf("number");
  });
});

describe("proxy: retries, Retry-After and timeouts", () => {
  it("retries 503 and 429 for idempotent requests, honouring Retry-After", async () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer", { retries: 3, backoff_ms: 0 }));
    upstream.reply({ status: 503 }, { status: 429, headers: { "retry-after": "0" } });
    const response = await proxy(browser, conn.id, "/flaky");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-upstream-attempts")).toBe("3");
    expect(upstream.received).toHaveLength(3);
    log.mockRestore();
  });

  it("does not retry a POST unless the caller opts in", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer", { retries: 2, backoff_ms: 0 }));
    upstream.reply({ status: 503 });
    expect(
      (
        await proxy(browser, conn.id, "/charge", {
          method: "POST",
          body: "{}",
          headers: { "content-type": "application/json" },
        })
      ).status,
    ).toBe(503);
    expect(upstream.received).toHaveLength(1);
    upstream.reply({ status: 503 });
    const optedIn = await proxy(browser, conn.id, "/charge", {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json", "content-length": "2", "x-proxy-retry-unsafe": "true" },
    });
    expect(optedIn.status).toBe(200);
    expect(upstream.received).toHaveLength(3);
    expect(upstream.received.at(-1)?.body).toBe("{}");
  });

  it("gives up after the connection's retries and returns the last upstream answer", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer", { retries: 1, backoff_ms: 0 }));
    upstream.reply({ status: 502 }, { status: 502 });
    expect((await proxy(browser, conn.id, "/")).status).toBe(502);
    expect(upstream.received).toHaveLength(2);
  });

  it("answers 504 upstream_timeout when the upstream does not answer in time", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer", { retries: 0, timeout_ms: 1000 }));
    upstream.reply({ status: 200, hang: true });
    await expectError(await proxy(browser, conn.id, "/slow"), 504, "upstream_timeout");
  });

  it("answers 502 upstream_error when the upstream cannot be reached", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(
      browser,
      bodyFor("bearer", { base_url: "https://nowhere.example", retries: 1, backoff_ms: 0 }),
    );
    await expectError(await proxy(browser, conn.id, "/"), 502, "upstream_error");
  });
});

describe("proxy: SSRF protection", () => {
  it.each([
    ["loopback", "https://127.0.0.1"],
    ["cloud metadata", "https://169.254.169.254"],
    ["a private network", "https://10.0.0.8"],
    ["plain http", "http://api.example.com"],
    ["localhost", "https://localhost:8443"],
  ])("refuses a %s target even if one got stored", async (_name, target) => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer"));
    await env.DB.prepare("update connections set base_url = ? where id = ?").bind(target, conn.id).run();
    await expectError(await proxy(browser, conn.id, "/"), 403, "target_not_allowed");
  });
});

describe("connection tests", () => {
  it("tests a saved connection and records success", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer", { verify_request: { method: "GET", path: "/me" } }));
    const result = await expectData<{
      success: boolean;
      statusCode: number;
      responseTime: number;
      tested_at: number;
      message: string;
    }>(await browser.request(`/api/connections/${conn.id}/test`, { method: "POST" }));
    expect(result).toMatchObject({ success: true, statusCode: 200 });
    expect(result.responseTime).toBeGreaterThanOrEqual(0);
    expect(upstream.received.at(-1)?.path).toBe("/me");
    const status = await expectData<{ status: string; last_test_success: boolean; healthy: boolean }>(
      await browser.request(`/api/connections/${conn.id}/status`),
    );
    expect(status).toMatchObject({ status: "active", last_test_success: true, healthy: true });
  });

  it("marks the connection invalid on 401/403 and keeps the reason", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer"));
    upstream.reply({ status: 401, body: { error: "bad token secret-bearer-echo" } });
    const result = await expectData<{ success: boolean; statusCode: number; message: string }>(
      await browser.request(`/api/connections/${conn.id}/test`, { method: "POST" }),
    );
    expect(result).toMatchObject({ success: false, statusCode: 401 });
    const summary = await expectData<Summary>(await browser.request(`/api/connections/${conn.id}`));
    expect(summary.status).toBe("invalid");
    expect(summary.status_reason).toContain("401");
  });

  it("tests before saving without writing anything", async () => {
    const browser = await signedInBrowser();
    const before = await env.DB.prepare("select count(*) as n from connections").first<{ n: number }>();
    const { name: _, ...body } = bodyFor("api_key", { verify_request: { method: "GET", path: "/v1/models" } });
    const result = await expectData<{ success: boolean }>(await browser.json("/api/connections/test", "POST", body));
    expect(result.success).toBe(true);
    expect(upstream.received.at(-1)?.headers.authorization).toMatch(/^Bearer sk-secret-apikey-/);
    expect(await env.DB.prepare("select count(*) as n from connections").first<{ n: number }>()).toEqual(before);
  });

  it("uses the catalog's verification request for known providers", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, {
      name: "OpenAI",
      provider: "openai",
      connection_method: "api_key",
      base_url: UPSTREAM,
      data: { api_key: "sk-openai" },
    });
    await browser.request(`/api/connections/${conn.id}/test`, { method: "POST" });
    expect(upstream.received.at(-1)).toMatchObject({ method: "GET", path: "/v1/models" });
    expect(upstream.received.at(-1)?.headers.authorization).toBe("Bearer sk-openai");
  });

  it(
    "rate-limits tests to 10 per minute per user (429 with Retry-After)",
    async () => {
      await inFreshRateWindow();
      const browser = await signedInBrowser();
      const conn = await createConnection(browser, bodyFor("bearer"));
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++)
        statuses.push((await browser.request(`/api/connections/${conn.id}/test`, { method: "POST" })).status);
      expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
      const limited = await browser.request(`/api/connections/${conn.id}/test`, { method: "POST" });
      await expectError(limited, 429, "rate_limited");
      expect(limited.headers.get("retry-after")).toBe("60");
    },
    RATE_WINDOW_TEST_TIMEOUT_MS,
  );
});

describe("outbound webhooks", () => {
  it("delivers a signed JSON payload and reports the result (blocking)", async () => {
    const browser = await signedInBrowser();
    const result = await expectData<{ delivered: boolean; status: number; attempts: number }>(
      await browser.json("/api/webhooks/send", "POST", {
        url: `${UPSTREAM}/hooks/in`,
        payload: { event: "run.completed" },
        signing_secret: "whsec-0123456789abcdef",
      }),
    );
    expect(result).toMatchObject({ delivered: true, status: 200, attempts: 1 });
    const received = upstream.received.at(-1);
    expect(received?.body).toBe('{"event":"run.completed"}');
    const signature = received?.headers["x-webhook-signature"] as string;
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature) ?? [];
    const { signHmacSha256Hex } = await import("../../src/crypto/hmac");
    expect(v1).toBe(await signHmacSha256Hex("whsec-0123456789abcdef", `${t}.{"event":"run.completed"}`));
  });

  it("retries per its policy and reports the attempts", async () => {
    const browser = await signedInBrowser();
    upstream.reply({ status: 500 }, { status: 500 });
    const result = await expectData<{ delivered: boolean; attempts: number }>(
      await browser.json("/api/webhooks/send", "POST", {
        url: `${UPSTREAM}/hooks`,
        payload: 1,
        retry: { attempts: 2, backoff_ms: 0 },
      }),
    );
    expect(result).toMatchObject({ delivered: true, attempts: 3 });
  });

  it("accepts fire-and-forget at once and delivers in the background", async () => {
    const browser = await signedInBrowser();
    const response = await browser.json("/api/webhooks/send", "POST", {
      url: `${UPSTREAM}/bg`,
      payload: { a: 1 },
      mode: "fire-and-forget",
    });
    const data = await expectData<{ accepted: boolean; delivery_id: string }>(response, 202);
    expect(data.accepted).toBe(true);
    await vi.waitFor(() => expect(upstream.received.some((r) => r.path === "/bg")).toBe(true));
  });

  it("posts through a connection with its credentials", async () => {
    const browser = await signedInBrowser();
    const conn = await createConnection(browser, bodyFor("bearer", { data: { token: "hook-token" } }));
    await expectData(
      await browser.json("/api/webhooks/send", "POST", {
        connection_id: conn.id,
        path: "/events",
        payload: { ok: true },
      }),
    );
    expect(upstream.received.at(-1)).toMatchObject({ method: "POST", path: "/events" });
    expect(upstream.received.at(-1)?.headers.authorization).toBe("Bearer hook-token");
  });

  it("applies the SSRF rules and validates input", async () => {
    const browser = await signedInBrowser();
    await expectError(
      await browser.json("/api/webhooks/send", "POST", { url: "https://192.168.1.1/x", payload: {} }),
      403,
      "target_not_allowed",
    );
    await expectError(await browser.json("/api/webhooks/send", "POST", { payload: {} }), 400, "invalid_request");
    const other = await signedInBrowser();
    const conn = await createConnection(other, bodyFor("bearer"));
    await expectError(
      await browser.json("/api/webhooks/send", "POST", { connection_id: conn.id, payload: {} }),
      404,
      "not_found",
    );
  });
});

describe("hot-path reads (SPEC §5.3: one storage read per authenticated request)", () => {
  it("reads the proxied connection in the same D1 batch as the session, not in a second round trip", async () => {
    const browser = await signedInBrowser();
    const created = await createConnection(browser, bodyFor("bearer", { base_url: UPSTREAM }));
    const stored = vi.spyOn(proxiedConnection, "store");
    const batch = vi.spyOn(env.DB, "batch");
    const prepare = vi.spyOn(env.DB, "prepare");
    expect((await proxy(browser, created.id, "/ping")).status).toBe(200);
    expect(stored).toHaveBeenCalledTimes(1);
    expect(batch).toHaveBeenCalledTimes(1);
    // The batch's two reads are the only reads (the background last_used_at write is an update).
    const reads = prepare.mock.calls.map(([sql]) => sql).filter((sql) => /^\s*select/i.test(sql));
    expect(reads).toHaveLength(2);
  });

  it("binds the once-compiled companion statement exactly like the drizzle query: only the session owner's live connection", async () => {
    const owner = await signedInBrowser();
    await signedInBrowser();
    const live = await createConnection(owner, bodyFor("bearer"));
    const deleted = await createConnection(owner, bodyFor("bearer"));
    await owner.request(`/api/connections/${deleted.id}`, { method: "DELETE" });
    const hashes = await env.DB.prepare(
      "select s.token_hash as hash, s.user_id = c.user_id as owns from sessions s, connections c where c.id = ?",
    )
      .bind(live.id)
      .all<{ hash: string; owns: number }>();
    const ownerHash = hashes.results.find((row) => row.owns === 1)?.hash as string;
    const strangerHash = hashes.results.find((row) => row.owns === 0)?.hash as string;
    const viaDrizzle = (hash: string, id: string) => {
      const { sql, params } = connectionBySessionQuery(getDb(env.DB), hash, id).toSQL();
      return env.DB.prepare(sql)
        .bind(...params)
        .all();
    };
    for (const [hash, id, rows] of [
      [ownerHash, live.id, 1],
      [ownerHash, deleted.id, 0],
      [strangerHash, live.id, 0],
    ] as const) {
      const compiled = await connectionBySessionStatement(env.DB, hash, id).all();
      expect(compiled.results).toHaveLength(rows);
      expect(compiled.results).toEqual((await viaDrizzle(hash, id)).results);
    }
  });
});
