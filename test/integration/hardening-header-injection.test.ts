import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { encryptConnectionData } from "../../src/connections/store";
import { keyringFor } from "../../src/crypto/keyring";
import { getConfig } from "../../src/platform/config";
import { createFakeUpstream } from "../fakes/upstream";
import { bodyFor, createConnection, UPSTREAM, UPSTREAM_HOST } from "../helpers/connections";
import { expectData, expectError } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { signedInBrowser } from "../helpers/session";

let upstream: ReturnType<typeof createFakeUpstream>;
beforeEach(() => {
  upstream = createFakeUpstream();
  interceptOutbound({ [UPSTREAM_HOST]: upstream.fetch });
});

/**
 * Regression for issue 14 finding 3 ("CR/LF/NUL in header values → 500, and a poisoned connection"): a
 * connection created with `data.api_key: "k\r\nX-Injected: 1"` was stored (201), then every proxy and test
 * call answered 500. CR, LF and NUL are never valid in a field value (RFC 9110 §5.5): refused at input with
 * 400 `invalid_request` naming the field, and nothing is written.
 */
const liveCount = async () =>
  (await env.DB.prepare("select count(*) as n from connections where deleted_at is null").first<{ n: number }>())?.n;

const CR_LF = "k\r\nX-Injected: 1";
const cases: [name: string, method: string, data: Record<string, unknown>, path: string][] = [
  ["an api_key with CR/LF", "api_key", { api_key: CR_LF }, "data.api_key"],
  ["an api_key with NUL", "api_key", { api_key: "k\u0000x" }, "data.api_key"],
  ["an api_secret with LF", "api_key", { api_key: "k", api_secret: "s\nx" }, "data.api_secret"],
  ["a key_prefix with CR/LF", "api_key", { api_key: "k", key_prefix: "Token\r\nX-A: 1 " }, "data.key_prefix"],
  ["a header key_name with CR/LF", "api_key", { api_key: "k", key_name: "X-Key\r\nX-A" }, "data.key_name"],
  ["a query key_name with LF", "api_key", { api_key: "k", key_location: "query", key_name: "key\n" }, "data.key_name"],
  ["a bearer token with CR", "bearer", { token: "t\rX" }, "data.token"],
  ["a basic username with LF", "basic", { username: "u\nX-A: 1", password: "p" }, "data.username"],
  ["a basic password with NUL", "basic", { username: "u", password: "p\u0000" }, "data.password"],
  [
    "an MCP header_name with CR/LF",
    "mcp",
    { server_url: "https://mcp.upstream.test/mcp", auth_type: "api_key", api_key: "k", header_name: "X-K\r\nX-A" },
    "data.header_name",
  ],
  [
    "an MCP api_key with CR/LF",
    "mcp",
    { server_url: "https://mcp.upstream.test/mcp", auth_type: "api_key", api_key: CR_LF },
    "data.api_key",
  ],
  [
    "an MCP username with LF",
    "mcp",
    { server_url: "https://mcp.upstream.test/mcp", auth_type: "basic", username: "u\n", password: "p" },
    "data.username",
  ],
  [
    "an MCP server_url with a newline (WHATWG parsing would strip it silently)",
    "mcp",
    { server_url: "https://mcp.upstream.test/\nmcp", auth_type: "none" },
    "data.server_url",
  ],
  [
    "a client-credentials client_id with CR/LF",
    "oauth2_client_credentials",
    { client_id: "c\r\nX", client_secret: "s", token_url: "https://auth.upstream.test/token" },
    "data.client_id",
  ],
  [
    "a client-credentials scope with LF",
    "oauth2_client_credentials",
    { client_id: "c", client_secret: "s", token_url: "https://auth.upstream.test/token", scopes: ["a\nb"] },
    "data.scopes.0",
  ],
  [
    "a Paragon credential_id with CR/LF",
    "paragon",
    { paragon_user_id: "pu", integration: "salesforce", credential_id: "c\r\nX-A: 1" },
    "data.credential_id",
  ],
];

describe("header injection through connection data (issue 14 #3, RFC 9110 §5.5)", () => {
  it.each(cases)("refuses %s with 400 and the field's path, writing nothing", async (_name, method, data, path) => {
    const browser = await signedInBrowser();
    const before = await liveCount();
    const body = await expectError(
      await browser.json("/api/connections", "POST", bodyFor(method, { data })),
      400,
      "invalid_request",
    );
    expect(body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect(await liveCount()).toBe(before);
  });

  it("refuses the same value on the test-before-save route, before any request is built", async () => {
    const browser = await signedInBrowser();
    const { name: _name, ...unsaved } = bodyFor("api_key", { data: { api_key: CR_LF } });
    const body = await expectError(
      await browser.json("/api/connections/test", "POST", unsaved),
      400,
      "invalid_request",
    );
    expect(body.error.details).toEqual([expect.objectContaining({ path: "data.api_key" })]);
  });

  it("refuses it on PATCH and leaves the stored credential untouched", async () => {
    const browser = await signedInBrowser();
    const created = await createConnection(browser, bodyFor("api_key"));
    const before = await env.DB.prepare("select data_encrypted, updated_at from connections where id = ?")
      .bind(created.id)
      .first();
    const body = await expectError(
      await browser.json(`/api/connections/${created.id}`, "PATCH", { data: { key_prefix: "Bearer\r\n" } }),
      400,
      "invalid_request",
    );
    expect(body.error.details).toEqual([expect.objectContaining({ path: "data.key_prefix" })]);
    const after = await env.DB.prepare("select data_encrypted, updated_at from connections where id = ?")
      .bind(created.id)
      .first();
    expect(after).toEqual(before);
  });

  it("still accepts tabs and spaces inside a value (RFC 9110 §5.5 allows HTAB and SP)", async () => {
    const browser = await signedInBrowser();
    await createConnection(browser, bodyFor("api_key", { data: { api_key: "a b\tc", key_prefix: "Token " } }));
  });
});

describe("header injection through settings and webhook headers (issue 14 #3, RFC 9110 §5.5)", () => {
  it.each([
    ["CR/LF", "a\r\nX-Injected: 1"],
    ["NUL", "a\u0000b"],
    ["a lone LF", "a\nb"],
  ])("refuses default_headers holding %s with 400 and the header's path", async (_name, value) => {
    const browser = await signedInBrowser();
    const before = await liveCount();
    const body = await expectError(
      await browser.json("/api/connections", "POST", bodyFor("api_key", { default_headers: { "X-Tenant": value } })),
      400,
      "invalid_request",
    );
    expect(JSON.stringify(body.error.details)).toContain("default_headers.X-Tenant");
    expect(await liveCount()).toBe(before);
  });

  it("refuses default_headers with CR/LF on PATCH and on the test-before-save route", async () => {
    const browser = await signedInBrowser();
    const created = await createConnection(browser, bodyFor("api_key"));
    await expectError(
      await browser.json(`/api/connections/${created.id}`, "PATCH", { default_headers: { "X-A": "a\r\nb" } }),
      400,
      "invalid_request",
    );
    const { name: _name, ...unsaved } = bodyFor("api_key", { default_headers: { "X-A": "a\r\nb" } });
    await expectError(await browser.json("/api/connections/test", "POST", unsaved), 400, "invalid_request");
  });

  it("refuses POST /api/webhooks/send with a CR/LF header value: 400, not 500, and nothing is sent", async () => {
    const browser = await signedInBrowser();
    const body = await expectError(
      await browser.json("/api/webhooks/send", "POST", {
        url: `${UPSTREAM}/hooks`,
        payload: {},
        headers: { "X-A": "a\r\nb" },
      }),
      400,
      "invalid_request",
    );
    expect(JSON.stringify(body.error.details)).toContain("headers.X-A");
    expect(upstream.received).toHaveLength(0);
  });

  it("a connection stored with a CR/LF key before validation answers 422 connection_unusable, never 500", async () => {
    const browser = await signedInBrowser();
    const created = await createConnection(browser, bodyFor("api_key"));
    const row = await env.DB.prepare("select user_id from connections where id = ?")
      .bind(created.id)
      .first<{ user_id: string }>();
    const poisoned = await encryptConnectionData(keyringFor(getConfig(env).keyring), created.id, String(row?.user_id), {
      api_key: CR_LF,
    });
    await env.DB.prepare("update connections set data_encrypted = ? where id = ?").bind(poisoned, created.id).run();

    await expectError(await browser.request(`/api/connections/${created.id}/proxy/me`), 422, "connection_unusable");
    const tested = await expectData<{ success: boolean; message: string }>(
      await browser.request(`/api/connections/${created.id}/test`, { method: "POST" }),
    );
    expect(tested.success).toBe(false);
    expect(tested.message).toMatch(/cannot form an HTTP request/);
    // Still readable, and repairable by replacing the value.
    await expectData(await browser.request(`/api/connections/${created.id}`));
    await expectData(await browser.json(`/api/connections/${created.id}`, "PATCH", { data: { api_key: "fixed" } }));
    expect((await browser.request(`/api/connections/${created.id}/proxy/me`)).status).toBe(200);
    expect(upstream.received).toHaveLength(1);
  });
});

describe("a malformed sign-in form is a 400, not a 500 (found by npm run fuzz)", () => {
  it("POST /api/auth/dev/login with multipart/form-data and no valid boundary", async () => {
    const browser = await signedInBrowser();
    await expectError(
      await browser.request("/api/auth/dev/login", {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=x" },
        body: "not multipart",
      }),
      400,
      "invalid_request",
    );
  });
});
