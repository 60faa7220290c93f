import { describe, expect, it } from "vitest";
import { createConnection, UPSTREAM, UPSTREAM_HOST } from "../helpers/connections";
import { call, expectData, expectError } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { type Browser, signedInBrowser } from "../helpers/session";

interface CreatedKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[] | null;
  created_at: number;
  expires_at: number | null;
  key: string;
}

let counter = 0;
async function newKey(browser: Browser, body: Record<string, unknown> = {}): Promise<CreatedKey> {
  return expectData<CreatedKey>(
    await browser.json("/api/api-keys", "POST", { name: `key ${++counter}`, ...body }),
    201,
  );
}

/** A program's request: the key, no cookie, no Origin. */
const withKey = (key: string, init: RequestInit = {}) => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${key}` },
});

describe("personal API keys (SPEC §5.4)", () => {
  it("creates a key shown once, lists it without the key, and authenticates /api/* with it", async () => {
    const browser = await signedInBrowser("keys-owner@example.com");
    const created = await newKey(browser, { name: "CI", expires_in_days: 30 });
    expect(created.key).toMatch(/^eik_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.key.slice(0, 12));
    expect(created.scopes).toBeNull();
    expect(created.expires_at).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    const listed = await expectData<Array<Record<string, unknown>>>(await browser.request("/api/api-keys"));
    const entry = listed.find((key) => key.id === created.id);
    expect(entry).toMatchObject({ name: "CI", prefix: created.prefix, last_used_at: null });
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(JSON.stringify(listed)).not.toContain(created.key.slice(12));

    const me = await expectData<{ user: { email: string } }>(await call("/api/auth/me", withKey(created.key)));
    expect(me.user.email).toBe("keys-owner@example.com");
  });

  it("lets a program create a connection and proxy through it with the key alone (no cookie, no Origin)", async () => {
    const seen = interceptOutbound({ [UPSTREAM_HOST]: () => Response.json({ ok: true }) });
    const browser = await signedInBrowser("keys-program@example.com");
    const { key } = await newKey(browser);
    const created = await expectData<{ id: string }>(
      await call(
        "/api/connections",
        withKey(key, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            name: "from a program",
            connection_method: "api_key",
            provider: "custom_api",
            base_url: UPSTREAM,
            data: { api_key: "upstream-secret" },
          }),
        }),
      ),
      201,
    );
    const proxied = await call(`/api/connections/${created.id}/proxy/v1/things`, withKey(key));
    expect(proxied.status).toBe(200);
    expect(seen.at(-1)?.headers.get("authorization")).toBe("Bearer upstream-secret");
  });

  it("records last_used_at", async () => {
    const browser = await signedInBrowser("keys-touch@example.com");
    const { id, key } = await newKey(browser);
    await expectData(await call("/api/connections", withKey(key)));
    const listed = await expectData<Array<{ id: string; last_used_at: number | null }>>(
      await browser.request("/api/api-keys"),
    );
    expect(listed.find((entry) => entry.id === id)?.last_used_at).toBeGreaterThan(Date.now() - 60_000);
  });

  it("refuses a revoked key at once with 401", async () => {
    const browser = await signedInBrowser("keys-revoke@example.com");
    const { id, key } = await newKey(browser);
    await expectData(await call("/api/connections", withKey(key)));
    await expectData(await browser.request(`/api/api-keys/${id}`, { method: "DELETE" }));
    const refused = await call("/api/connections", withKey(key));
    await expectError(refused, 401, "unauthenticated");
    expect(refused.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const listed = await expectData<Array<{ id: string }>>(await browser.request("/api/api-keys"));
    expect(listed.map((entry) => entry.id)).not.toContain(id);
  });

  it("refuses unknown and malformed keys with the same 401, and other bearer tokens without a cookie", async () => {
    await expectError(await call("/api/connections", withKey(`eik_${"x".repeat(43)}`)), 401, "unauthenticated");
    await expectError(await call("/api/connections", withKey("gho_not_one_of_ours")), 401, "unauthenticated");
  });

  it("never manages keys or reaches admin routes with a key, even a default one", async () => {
    const browser = await signedInBrowser("keys-session-only@example.com");
    const { key, id } = await newKey(browser);
    for (const [method, path] of [
      ["GET", "/api/api-keys"],
      ["POST", "/api/api-keys"],
      ["DELETE", `/api/api-keys/${id}`],
      ["GET", "/api/admin/organizations"],
      ["POST", "/api/auth/logout"],
    ] as const) {
      const init = withKey(key, {
        method,
        ...(method === "POST" ? { headers: { "content-type": "application/json" }, body: '{"name":"x"}' } : {}),
      });
      await expectError(await call(path, init), 403, "forbidden");
    }
  });

  it("limits a scoped key to its scopes", async () => {
    const browser = await signedInBrowser("keys-scoped@example.com");
    const { key } = await newKey(browser, { scopes: ["connections:read"] });
    await expectData(await call("/api/connections", withKey(key)));
    const refused = await call(
      "/api/connections",
      withKey(key, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
    );
    const body = await expectError(refused, 403, "forbidden");
    expect(body.error.details).toEqual({ required_scope: "connections:write" });
  });

  it("is not an OAuth token for /mcp nor a credential for /internal", async () => {
    const browser = await signedInBrowser("keys-mcp@example.com");
    const { key } = await newKey(browser);
    for (const path of ["/mcp", "/internal/v1/executions/x"]) {
      const response = await call(path, withKey(key, { method: "POST", body: "{}" }));
      expect(response.status, path).not.toBe(200);
      expect([401, 403, 404]).toContain(response.status);
    }
  });

  it("answers another user's key id with 404 and rejects bad input with stable codes", async () => {
    const owner = await signedInBrowser("keys-a@example.com");
    const other = await signedInBrowser("keys-b@example.com");
    const { id, key } = await newKey(owner);
    await expectError(await other.request(`/api/api-keys/${id}`, { method: "DELETE" }), 404, "not_found");
    await expectData(await call("/api/auth/me", withKey(key)));
    await expectError(await owner.json("/api/api-keys", "POST", { name: "" }), 400, "invalid_request");
    await expectError(
      await owner.json("/api/api-keys", "POST", { name: "x", scopes: ["admin"] }),
      400,
      "invalid_request",
    );
    await expectError(
      await owner.json("/api/api-keys", "POST", { name: "x", expires_in_days: 0 }),
      400,
      "invalid_request",
    );
    await expectError(await owner.json("/api/api-keys", "POST", { name: "x", extra: true }), 400, "invalid_request");
    await expectError(await call("/api/api-keys"), 401, "unauthenticated");
  });

  it("rate-limits repeated failed key attempts from one address", async () => {
    const bad = withKey(`eik_${"z".repeat(43)}`, { headers: { "cf-connecting-ip": "203.0.113.77" } });
    const statuses: number[] = [];
    // RATE_LIMIT_SIGN_IN allows 20 a minute in fixed windows: 41 attempts exceed it whichever window boundary
    // falls among them (25 could split 12 + 13 and never see a 429).
    for (let attempt = 0; attempt < 41; attempt++) statuses.push((await call("/api/connections", bad)).status);
    expect(statuses).toContain(429);
    expect(statuses.slice(0, 5).every((status) => status === 401)).toBe(true);
  });
});

describe("a key's connection is its owner's", () => {
  it("cannot see another user's connection (404)", async () => {
    interceptOutbound({ [UPSTREAM_HOST]: () => Response.json({ ok: true }) });
    const owner = await signedInBrowser("keys-conn-owner@example.com");
    const connection = await createConnection(owner, {
      name: "owned",
      connection_method: "bearer",
      provider: "custom_api",
      base_url: UPSTREAM,
      data: { token: "t" },
    });
    const stranger = await signedInBrowser("keys-conn-stranger@example.com");
    const { key } = await newKey(stranger);
    await expectError(await call(`/api/connections/${connection.id}`, withKey(key)), 404, "not_found");
  });
});
