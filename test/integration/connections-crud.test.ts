import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { connectionList } from "../../src/connections/session-companions";
import { ALL_METHODS, bodyFor, createConnection, type Summary } from "../helpers/connections";
import { expectData, expectError } from "../helpers/http";
import { signedInBrowser } from "../helpers/session";

const rawRow = (id: string) =>
  env.DB.prepare("select * from connections where id = ?").bind(id).first<Record<string, unknown>>();
const liveCount = async () =>
  (await env.DB.prepare("select count(*) as n from connections where deleted_at is null").first<{ n: number }>())?.n;

describe("connections CRUD (SPEC §6.3)", () => {
  it.each(ALL_METHODS)("creates, reads, updates and deletes a %s connection", async (method) => {
    const browser = await signedInBrowser();
    const body = bodyFor(method);
    const created = await createConnection(browser, body);
    expect(created).toMatchObject({ name: body.name, connection_method: method, provider: body.provider });
    expect(created).not.toHaveProperty("data");

    const got = await expectData<Summary>(await browser.request(`/api/connections/${created.id}`));
    expect(got.id).toBe(created.id);
    const secrets = Object.values(body.data as Record<string, unknown>).filter(
      (v) => (typeof v === "string" && v.startsWith("secret")) || String(v).startsWith("sk-"),
    );
    for (const secret of secrets) expect(JSON.stringify(got)).not.toContain(secret);

    const renamed = await expectData<Summary>(
      await browser.json(`/api/connections/${created.id}`, "PATCH", { name: `${body.name} (renamed)` }),
    );
    expect(renamed.name).toBe(`${body.name} (renamed)`);

    expect(await expectData(await browser.request(`/api/connections/${created.id}`, { method: "DELETE" }))).toEqual({
      id: created.id,
      deleted: true,
    });
    await expectError(await browser.request(`/api/connections/${created.id}`), 404, "not_found");
    expect((await rawRow(created.id))?.deleted_at).toBeTypeOf("number"); // soft delete: the row stays
  });

  it("reports which secret fields are set, and the readable settings, but never the secrets", async () => {
    const browser = await signedInBrowser();
    const created = await createConnection(
      browser,
      bodyFor("api_key", { data: { api_key: "sk-visible-never", key_location: "query", key_name: "token" } }),
    );
    expect(created.secrets_set).toEqual(["api_key"]);
    expect(created.settings).toEqual({ key_location: "query", key_name: "token" });
    expect(JSON.stringify(created)).not.toContain("sk-visible-never");
  });

  it("replaces a secret with a partial data update and re-validates the whole shape", async () => {
    const browser = await signedInBrowser();
    const created = await createConnection(browser, bodyFor("basic"));
    await expectData(
      await browser.json(`/api/connections/${created.id}`, "PUT", { data: { password: "a-new-password" } }),
    );
    // Removing a required field through a partial update is refused, and nothing changes.
    const before = await rawRow(created.id);
    await expectError(
      await browser.json(`/api/connections/${created.id}`, "PATCH", { data: { password: null } }),
      400,
      "invalid_request",
    );
    await expectError(
      await browser.json(`/api/connections/${created.id}`, "PATCH", { data: { surprise: "x" } }),
      400,
      "invalid_request",
    );
    expect((await rawRow(created.id))?.data_encrypted).toBe(before?.data_encrypted);
  });

  it("filters the list by provider, method and status", async () => {
    const browser = await signedInBrowser();
    const a = await createConnection(browser, bodyFor("api_key"));
    const b = await createConnection(browser, bodyFor("bearer"));
    const c = await createConnection(browser, bodyFor("oauth2"));
    const ids = async (query: string) =>
      (await expectData<Summary[]>(await browser.request(`/api/connections${query}`))).map((s) => s.id).sort();
    expect(await ids("")).toEqual([a.id, b.id, c.id].sort());
    expect(await ids("?connection_method=bearer")).toEqual([b.id]);
    expect(await ids("?provider=custom_oauth2")).toEqual([c.id]);
    expect(await ids("?status=disconnected")).toEqual([c.id]); // not authorized yet
    expect(await ids("?provider=custom_api&status=active")).toEqual([a.id, b.id].sort());
    expect(await ids("?limit=1")).toHaveLength(1);
    await expectError(await browser.request("/api/connections?status=weird"), 400, "invalid_request");
  });

  it("answers the same list whether it was read with the session (one round trip) or on its own", async () => {
    const browser = await signedInBrowser();
    await createConnection(browser, bodyFor("api_key"));
    await createConnection(browser, bodyFor("bearer"));
    await createConnection(browser, bodyFor("oauth2"));
    const queries = ["", "?connection_method=bearer", "?provider=custom_oauth2", "?status=active&limit=1", "?offset=1"];
    const prefetched = await Promise.all(
      queries.map(async (q) => expectData<Summary[]>(await browser.request(`/api/connections${q}`))),
    );
    const skipped = vi.spyOn(connectionList, "statement").mockReturnValue(null);
    const separate = await Promise.all(
      queries.map(async (q) => expectData<Summary[]>(await browser.request(`/api/connections${q}`))),
    );
    expect(skipped).toHaveBeenCalled();
    expect(separate).toEqual(prefetched);
    expect(prefetched[0]).toHaveLength(3);
  });

  it("frees the name of a deleted connection for reuse", async () => {
    const browser = await signedInBrowser();
    const first = await createConnection(browser, bodyFor("bearer", { name: "Reusable" }));
    await browser.request(`/api/connections/${first.id}`, { method: "DELETE" });
    await createConnection(browser, bodyFor("bearer", { name: "Reusable" }));
  });
});

describe("bad input is refused with a stable code and nothing is written", () => {
  const cases: Array<[string, Record<string, unknown>, number, string]> = [
    ["an unknown method", bodyFor("bearer", { connection_method: "smoke_signals" }), 400, "invalid_request"],
    ["an unknown provider", bodyFor("bearer", { provider: "nope" }), 400, "invalid_request"],
    ["a method the provider does not support", bodyFor("oauth2", { provider: "custom_api" }), 400, "invalid_request"],
    ["the wrong data shape for the method", bodyFor("bearer", { data: { api_key: "k" } }), 400, "invalid_request"],
    ["missing data fields", bodyFor("basic", { data: { username: "u" } }), 400, "invalid_request"],
    ["unknown data fields", bodyFor("bearer", { data: { token: "t", extra: 1 } }), 400, "invalid_request"],
    ["unknown top-level fields", bodyFor("bearer", { owner_id: "someone-else" }), 400, "invalid_request"],
    ["an oversized secret", bodyFor("bearer", { data: { token: "x".repeat(9000) } }), 400, "invalid_request"],
    ["an oversized name", bodyFor("bearer", { name: "n".repeat(101) }), 400, "invalid_request"],
    [
      "a credential in default_headers",
      bodyFor("bearer", { default_headers: { Authorization: "Bearer leak" } }),
      400,
      "invalid_request",
    ],
    ["custom OAuth2 without its app settings", bodyFor("oauth2", { data: { client_id: "c" } }), 400, "invalid_request"],
    ["a custom API without base_url", bodyFor("bearer", { base_url: undefined }), 400, "invalid_request"],
    ["a private base_url", bodyFor("bearer", { base_url: "https://169.254.169.254/latest" }), 400, "invalid_request"],
    [
      "a plain-http base_url outside development",
      bodyFor("bearer", { base_url: "http://api.example.com" }),
      400,
      "invalid_request",
    ],
    [
      "a basic username with a colon (RFC 7617)",
      bodyFor("basic", { data: { username: "a:b", password: "p" } }),
      400,
      "invalid_request",
    ],
  ];

  it.each(cases)("refuses %s", async (_name, body, status, code) => {
    const browser = await signedInBrowser();
    const before = await liveCount();
    await expectError(await browser.json("/api/connections", "POST", body), status, code);
    expect(await liveCount()).toBe(before);
  });

  it("refuses a duplicate name with 409", async () => {
    const browser = await signedInBrowser();
    await createConnection(browser, bodyFor("bearer", { name: "Twice" }));
    const before = await liveCount();
    const body = await expectError(
      await browser.json("/api/connections", "POST", bodyFor("api_key", { name: "Twice" })),
      409,
      "conflict",
    );
    expect(body.error.details).toEqual({ field: "name" });
    expect(await liveCount()).toBe(before);
  });

  it("refuses malformed JSON, the wrong content type and an oversized body", async () => {
    const browser = await signedInBrowser();
    await expectError(
      await browser.request("/api/connections", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{",
      }),
      400,
      "invalid_json",
    );
    await expectError(
      await browser.request("/api/connections", {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "{}",
      }),
      415,
      "unsupported_media_type",
    );
    const huge = JSON.stringify(bodyFor("bearer", { metadata: { blob: "x".repeat(1_100_000) } }));
    await expectError(
      await browser.request("/api/connections", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: huge,
      }),
      413,
      "payload_too_large",
    );
  });
});

describe("isolation between users", () => {
  it("answers 404 for another user's connection on every route", async () => {
    const owner = await signedInBrowser();
    const stranger = await signedInBrowser();
    const { id } = await createConnection(owner, bodyFor("bearer"));
    const attempts: Array<[string, RequestInit]> = [
      [`/api/connections/${id}`, {}],
      [
        `/api/connections/${id}`,
        {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "mine now" }),
        },
      ],
      [
        `/api/connections/${id}`,
        { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "mine now" }) },
      ],
      [`/api/connections/${id}`, { method: "DELETE" }],
      [`/api/connections/${id}/test`, { method: "POST" }],
      [`/api/connections/${id}/status`, {}],
      [`/api/connections/${id}/proxy/anything`, {}],
      [`/api/connections/${id}/proxy/anything`, { method: "POST", body: "x" }],
    ];
    for (const [path, init] of attempts) await expectError(await stranger.request(path, init), 404, "not_found");
    expect(await expectData<Summary[]>(await stranger.request("/api/connections"))).toEqual([]);
    expect((await expectData<Summary>(await owner.request(`/api/connections/${id}`))).name).not.toBe("mine now");
  });

  it("requires a session on every route", async () => {
    const { call } = await import("../helpers/http");
    for (const path of [
      "/api/connections",
      "/api/providers",
      "/api/connections/00000000-0000-0000-0000-000000000000",
    ]) {
      await expectError(await call(path), 401, "unauthenticated");
    }
  });
});

describe("encryption at rest (SPEC §6.2)", () => {
  it("stores only ciphertext, under the primary key, bound to the row", async () => {
    const browser = await signedInBrowser();
    const created = await createConnection(browser, bodyFor("bearer", { data: { token: "plain-token-never-stored" } }));
    const row = await rawRow(created.id);
    expect(JSON.stringify(row)).not.toContain("plain-token-never-stored");
    expect(String(row?.data_encrypted)).toMatch(/^v1\.t2\./);
    expect(row?.encryption_key_id).toBe("t2");
  });

  it("fails with a clear error when a ciphertext is copied into another row", async () => {
    const browser = await signedInBrowser();
    const victim = await createConnection(browser, bodyFor("bearer"));
    const target = await createConnection(browser, bodyFor("bearer"));
    const stolen = (await rawRow(victim.id))?.data_encrypted;
    await env.DB.prepare("update connections set data_encrypted = ? where id = ?").bind(stolen, target.id).run();
    const body = await expectError(
      await browser.request(`/api/connections/${target.id}`),
      500,
      "credentials_unreadable",
    );
    expect(body.error.details).toEqual({ reason: "decryption_failed" });
    expect((await browser.request(`/api/connections/${victim.id}`)).status).toBe(200);
  });
});

describe("GET /api/providers", () => {
  it("serves the catalog", async () => {
    const browser = await signedInBrowser();
    const providers = await expectData<Array<{ id: string }>>(await browser.request("/api/providers"));
    expect(providers.map((p) => p.id)).toEqual(
      expect.arrayContaining(["openai", "anthropic", "github", "slack", "stripe", "custom_api", "custom_oauth2"]),
    );
    expect(providers.find((p) => p.id === "github")).toMatchObject({ oauth_configured: false });
  });
});
