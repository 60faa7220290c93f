import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { createFakeUpstream } from "../fakes/upstream";
import { ALL_METHODS, bodyFor, UPSTREAM_HOST } from "../helpers/connections";
import { APP_ORIGIN } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { Browser, signInWithDevProvider } from "../helpers/session";

/**
 * SPEC §11: no secret in any response, log line, KV value or D1 column. Every method gets a connection
 * with recognisable secret values; every route is exercised, failures included; then everything the
 * product emitted or stored is searched for those values.
 */
describe("secrets never leave the vault", () => {
  it("keeps every secret value out of responses, logs, KV and D1", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    const upstream = createFakeUpstream();
    interceptOutbound({
      [UPSTREAM_HOST]: upstream.fetch,
      "auth.upstream.test": async () =>
        Response.json({ access_token: "SECRET-cc-access-token", token_type: "Bearer", expires_in: 3600 }),
    });

    const secrets = new Set<string>();
    const bodies: string[] = [];
    // Every log level, so that every line the product can write is searched.
    const app = createApp();
    const verbose = { ...env, LOG_LEVEL: "debug" };
    const browser = new Browser(async (path, init) => {
      const ctx = createExecutionContext();
      const response = await app.fetch(new Request(new URL(path, APP_ORIGIN), init), verbose, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    });
    await signInWithDevProvider(browser, { email: "vault-sweep@example.com" });
    const send = async (path: string, method = "GET", body?: unknown) => {
      const response = await (body === undefined
        ? browser.request(path, { method })
        : browser.json(path, method, body));
      bodies.push(await response.text());
      return response;
    };

    for (const method of ALL_METHODS) {
      const base = bodyFor(method, { retries: 1, backoff_ms: 0 });
      const data = Object.fromEntries(
        Object.entries(base.data as Record<string, unknown>).map(([key, value]) => {
          if (["api_key", "api_secret", "token", "password", "client_secret"].includes(key)) {
            const secret = `SECRET-${method}-${key}-${crypto.randomUUID().slice(0, 8)}`;
            secrets.add(secret);
            return [key, secret];
          }
          return [key, value];
        }),
      );
      // Failures first: bad shapes that carry the secret must not echo it back.
      await send("/api/connections", "POST", { ...base, data: { ...data, unexpected_field: "x" } });
      await send("/api/connections", "POST", {
        ...base,
        connection_method: method === "basic" ? "bearer" : "basic",
        data,
      });
      const created = await send("/api/connections", "POST", { ...base, data });
      expect(created.status, bodies.at(-1)).toBe(201);
      const { id } = JSON.parse(bodies.at(-1) as string).data as { id: string };
      await send("/api/connections");
      await send(`/api/connections/${id}`);
      await send(`/api/connections/${id}`, "PATCH", { name: `${base.name} renamed` });
      await send(`/api/connections/${id}`, "PUT", { data: { ...data } });
      await send(`/api/connections/${id}/status`);
      upstream.reply({ status: 401, body: { error: "denied" } });
      await send(`/api/connections/${id}/test`, "POST");
      await send(`/api/connections/${id}/test`, "POST");
      upstream.reply({ status: 200, body: { ok: true } });
      await send(`/api/connections/${id}/proxy/resource`);
      upstream.reply({ status: 500, body: { ok: false } }, { status: 500 }, { status: 500 });
      await send(`/api/connections/${id}/proxy/resource`, "POST", { hello: 1 });
      upstream.reply({ status: 200, body: { ok: true } });
      await send("/api/webhooks/send", "POST", { connection_id: id, path: "/hook", payload: { a: 1 } });
      const testBody: Record<string, unknown> = { ...base, data };
      delete testBody.name;
      upstream.reply({ status: 403, body: { error: "nope" } });
      await send("/api/connections/test", "POST", testBody);
      await send(`/api/connections/${id}`, "DELETE");
    }
    secrets.add("SECRET-cc-access-token");
    await send("/api/webhooks/send", "POST", {
      url: "https://api.upstream.test/x",
      payload: { a: 1 },
      signing_secret: "SECRET-signing-secret-123",
    });
    secrets.add("SECRET-signing-secret-123");

    const kvValues: string[] = [];
    for (const key of (await env.KV.list()).keys) kvValues.push(key.name, (await env.KV.get(key.name)) ?? "");
    const tables = await env.DB.prepare(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%'",
    ).all<{ name: string }>();
    const rows: string[] = [];
    for (const { name } of tables.results)
      rows.push(JSON.stringify((await env.DB.prepare(`select * from "${name}"`).all()).results));

    const haystacks = {
      responses: bodies.join("\n"),
      logs: lines.join("\n"),
      kv: kvValues.join("\n"),
      d1: rows.join("\n"),
    };
    expect(bodies.length).toBeGreaterThan(ALL_METHODS.length * 10);
    expect(lines.length).toBeGreaterThan(bodies.length); // access log lines at least: the logs were really searched
    for (const secret of secrets) {
      for (const [where, haystack] of Object.entries(haystacks)) {
        expect(haystack.includes(secret), `${secret} found in ${where}`).toBe(false);
      }
    }
    // The proxy did inject them upstream, so the sweep is not vacuous.
    expect(upstream.received.some((r) => Object.values(r.headers).some((v) => v.includes("SECRET-")))).toBe(true);
  }, 30_000);
});
