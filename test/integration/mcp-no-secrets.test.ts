import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { createOAuthMcpServer, createStreamableMcpServer } from "../fakes/mcp-servers";
import { APP_ORIGIN } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { Browser, signInWithDevProvider } from "../helpers/session";

/** SPEC §6.7 + §11: no MCP credential in `mcp_tools`, responses, logs, KV or D1 plaintext — failures included. */
describe("MCP credentials never leave the vault", () => {
  it("keeps bearer, API-key, basic and OAuth secrets out of responses, logs, KV and D1", async () => {
    const lines: string[] = [];
    for (const level of ["log", "warn", "error"] as const)
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    const secrets = {
      bearer: `SECRET-mcp-bearer-${crypto.randomUUID().slice(0, 8)}`,
      apiKey: `SECRET-mcp-key-${crypto.randomUUID().slice(0, 8)}`,
      password: `SECRET-mcp-pw-${crypto.randomUUID().slice(0, 8)}`,
      wrong: `SECRET-mcp-wrong-${crypto.randomUUID().slice(0, 8)}`,
    };
    const bearer = createStreamableMcpServer({ host: "b.mcp.test", auth: { type: "bearer", token: secrets.bearer } });
    const keyed = createStreamableMcpServer({
      host: "k.mcp.test",
      auth: { type: "api_key", header: "x-api-key", value: secrets.apiKey },
    });
    const basic = createStreamableMcpServer({
      host: "p.mcp.test",
      auth: { type: "basic", username: "u", password: secrets.password },
    });
    const oauth = createOAuthMcpServer();
    interceptOutbound({
      [bearer.host]: bearer.fetch,
      [keyed.host]: keyed.fetch,
      [basic.host]: basic.fetch,
      ...oauth.routes(),
    });

    const app = createApp();
    const verbose = { ...env, LOG_LEVEL: "debug" };
    const browser = new Browser(async (path, init) => {
      const ctx = createExecutionContext();
      const response = await app.fetch(new Request(new URL(path, APP_ORIGIN), init), verbose, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    });
    await signInWithDevProvider(browser, { email: "mcp-vault@example.com" });
    const bodies: string[] = [];
    const send = async (path: string, method = "GET", body?: unknown) => {
      const response =
        body === undefined ? await browser.request(path, { method }) : await browser.json(path, method, body);
      const text = await response.text();
      bodies.push(text);
      return { status: response.status, text };
    };
    const create = async (url: string, data: Record<string, unknown>) => {
      const { status, text } = await send("/api/connections", "POST", {
        name: `m-${crypto.randomUUID().slice(0, 6)}`,
        connection_method: "mcp",
        provider: "custom_mcp",
        mcp_server_url: url,
        data,
      });
      expect(status, text).toBe(201);
      return JSON.parse(text).data.id as string;
    };

    const ids = [
      await create(bearer.url, { auth_type: "bearer", token: secrets.bearer }),
      await create(keyed.url, { auth_type: "api_key", api_key: secrets.apiKey }),
      await create(basic.url, { auth_type: "basic", username: "u", password: secrets.password }),
      await create(bearer.url, { auth_type: "bearer", token: secrets.wrong }), // saved invalid
    ];
    for (const id of ids) {
      await send(`/api/connections/${id}`);
      await send(`/api/connections/${id}/refresh-tools`, "POST");
      await send(`/api/connections/${id}/tools/echo/call`, "POST", { arguments: { text: "x" } });
      await send(`/api/connections/${id}/tools/echo/call`, "POST", { arguments: { text: 1 } });
      await send(`/api/connections/${id}/status`);
    }
    await send("/api/connections/mcp/discover", "POST", {
      server_url: bearer.url,
      auth: { type: "bearer", token: secrets.wrong },
    });
    await send("/api/connections/mcp/discover", "POST", {
      server_url: basic.url,
      auth: { type: "basic", username: "u", password: secrets.password },
    });

    const oauthId = await create(oauth.url, { auth_type: "oauth2" });
    const { text } = await send(`/api/oauth/mcp/authorize?connection_id=${oauthId}`);
    const back = await oauth.approve(JSON.parse(text).data.authUrl);
    await send(back.pathname + back.search);
    await send(`/api/connections/${oauthId}/tools/echo/call`, "POST", { arguments: { text: "y" } });
    oauth.expireAccessTokens();
    await send(`/api/connections/${oauthId}/tools/echo/call`, "POST", { arguments: { text: "z" } });
    await send("/api/connections");
    const accessTokens = oauth.requests.flatMap((r) =>
      r.headers.authorization ? [r.headers.authorization.slice(7)] : [],
    );
    expect(accessTokens.length).toBeGreaterThan(1);

    const kv: string[] = [];
    for (const key of (await env.KV.list()).keys) kv.push(key.name, (await env.KV.get(key.name)) ?? "");
    const tables = await env.DB.prepare(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%'",
    ).all<{ name: string }>();
    const d1: string[] = [];
    for (const { name } of tables.results)
      d1.push(JSON.stringify((await env.DB.prepare(`select * from "${name}"`).all()).results));
    const haystacks = { responses: bodies.join("\n"), logs: lines.join("\n"), kv: kv.join("\n"), d1: d1.join("\n") };
    expect(lines.length).toBeGreaterThan(bodies.length);
    for (const secret of [...Object.values(secrets), ...accessTokens])
      for (const [where, haystack] of Object.entries(haystacks))
        expect(haystack.includes(secret), `${secret.slice(0, 16)}… found in ${where}`).toBe(false);
    // The credentials did reach the servers, so the sweep is not vacuous.
    expect(bearer.requests.some((r) => r.headers.authorization === `Bearer ${secrets.bearer}`)).toBe(true);
    expect(keyed.requests.some((r) => r.headers["x-api-key"] === secrets.apiKey)).toBe(true);
  }, 30_000);
});
