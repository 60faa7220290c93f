import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bodyFor, createConnection } from "../helpers/connections";
import { expectError } from "../helpers/http";
import { signedInBrowser } from "../helpers/session";

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
