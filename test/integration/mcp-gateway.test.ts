import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { keyringFor } from "../../src/crypto/keyring";
import { getDb } from "../../src/db/client";
import { connectionSlug, GATEWAY_TOOL_NAME, gatewayToolName, mcpGatewayTools } from "../../src/mcp-client/gateway";
import { runMcpToolNode } from "../../src/mcp-client/workflow-node";
import { getConfig } from "../../src/platform/config";
import { createLogger } from "../../src/platform/logger";
import { CREDENTIAL_PROVIDERS } from "../../src/proxy/credentials";
import { runActivity } from "../../src/workflows/activities";
import { createOAuthMcpServer, createStreamableMcpServer } from "../fakes/mcp-servers";
import { createConnection } from "../helpers/connections";
import { expectData } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { type Browser, signedInBrowser } from "../helpers/session";

// The /mcp gateway's tool source and the workflow mcp_tool node: the same call path as the API.

describe("gateway tool names (SPEC §8: <connection-slug>__<tool>, ≤ 128 of [A-Za-z0-9_.-])", () => {
  const slugs: [string, string][] = [
    ["Docs Server", "docs-server"],
    ["  GitHub (work)  ", "github-work"],
    ["Ünïcödé Tools", "unicode-tools"],
    ["!!!", "mcp"],
    ["x".repeat(80), "x".repeat(40)],
  ];
  for (const [name, slug] of slugs)
    it(`${JSON.stringify(name)} → ${slug}`, () => expect(connectionSlug(name)).toBe(slug));

  it("prefixes, de-duplicates and keeps every name within the rules", () => {
    const taken = new Set<string>(["docs__echo"]);
    expect(gatewayToolName("docs", "echo", taken)).toBe("docs-2__echo");
    expect(gatewayToolName("docs", "read file", new Set())).toBe("docs__read-file");
    const long = gatewayToolName("s".repeat(40), "t".repeat(200), new Set());
    expect(long.length).toBeLessThanOrEqual(128);
    expect(GATEWAY_TOOL_NAME.test(long)).toBe(true);
  });
});

const userIdOf = async (browser: Browser) =>
  (await expectData<{ user: { id: string } }>(await browser.request("/api/auth/me"))).user.id;

function credentialContext() {
  const config = getConfig(env);
  return {
    env,
    config,
    log: createLogger({ level: "error" }),
    db: getDb(env.DB),
    keyring: keyringFor(config.keyring),
    now: Date.now,
  };
}

describe("mcpGatewayTools", () => {
  it("offers each MCP connection's tools with the credential injected at the edge, and JIT connect results", async () => {
    const docs = createStreamableMcpServer({ auth: { type: "bearer", token: "gateway-secret-1" } });
    const oauth = createOAuthMcpServer();
    interceptOutbound({ [docs.host]: docs.fetch, ...oauth.routes() });
    const browser = await signedInBrowser();
    const userId = await userIdOf(browser);
    const base = { connection_method: "mcp", provider: "custom_mcp" };
    const docsConnection = await createConnection(browser, {
      ...base,
      name: "Docs Server",
      mcp_server_url: docs.url,
      data: { auth_type: "bearer", token: "gateway-secret-1" },
    });
    const linear = await createConnection(browser, {
      ...base,
      name: "Linear Work",
      mcp_server_url: oauth.url,
      data: { auth_type: "oauth2" },
    });

    const tools = await mcpGatewayTools({ userId }, env);
    const names = tools.map((tool) => tool.name).sort();
    expect(names).toEqual([
      "docs-server__add",
      "docs-server__echo",
      "docs-server__fail",
      "docs-server__image",
      "docs-server__slow",
      "linear-work__connect",
    ]);
    for (const tool of tools) {
      expect(GATEWAY_TOOL_NAME.test(tool.name)).toBe(true);
      expect(tool.requiredScopes).toEqual(["connections:use"]);
    }
    const echo = tools.find((tool) => tool.name === "docs-server__echo");
    expect(echo?.inputSchema).toMatchObject({ properties: { text: { type: "string" } } });
    const result = await echo?.call({ text: "through the gateway" });
    expect(result).toEqual({ content: [{ type: "text", text: "through the gateway" }], isError: false });
    expect(docs.requests.at(-1)?.headers.authorization).toBe("Bearer gateway-secret-1");
    expect(JSON.stringify(tools.map((t) => ({ ...t })))).not.toContain("gateway-secret-1");

    const connect = await tools.find((tool) => tool.name === "linear-work__connect")?.call({});
    expect(connect?.isError).toBe(true);
    expect(connect?.structuredContent).toEqual({
      connect_required: {
        connection_id: linear.id,
        connection_name: "Linear Work",
        reason: "Not authorized yet",
        url: `http://localhost:8787/connections/${linear.id}`,
        authorize_api: `http://localhost:8787/api/oauth/mcp/authorize?connection_id=${linear.id}`,
      },
    });

    // Expired after having worked: its stored tools stay listed, and calling one says how to fix it.
    await env.DB.prepare(
      "update connections set status = 'expired', status_reason = 'The provider revoked the authorization; reconnect' where id = ?",
    )
      .bind(docsConnection.id)
      .run();
    const again = await mcpGatewayTools({ userId }, env);
    const expired = await again.find((tool) => tool.name === "docs-server__echo")?.call({ text: "x" });
    expect(expired?.structuredContent).toMatchObject({ connect_required: { connection_id: docsConnection.id } });

    // Another user sees none of them.
    const stranger = await signedInBrowser();
    expect(await mcpGatewayTools({ userId: await userIdOf(stranger) }, env)).toEqual([]);
  });
});

describe("runMcpToolNode (the workflow mcp_tool node)", () => {
  it("calls the owner's connection, checks the schema first, and refuses another user's connection", async () => {
    const server = createStreamableMcpServer({ host: "mcp.node.test" });
    interceptOutbound({ [server.host]: server.fetch });
    const browser = await signedInBrowser();
    const userId = await userIdOf(browser);
    const created = await createConnection(browser, {
      connection_method: "mcp",
      provider: "custom_mcp",
      name: "Node MCP",
      mcp_server_url: server.url,
      data: { auth_type: "none" },
    });
    const context = credentialContext();
    expect(
      await runMcpToolNode(context, userId, { connectionId: created.id, tool: "add", parameters: { a: 1, b: 2 } }),
    ).toMatchObject({
      structured_content: { sum: 3 },
    });
    await expect(
      runMcpToolNode(context, userId, { connectionId: created.id, tool: "add", parameters: { a: "1" } }),
    ).rejects.toMatchObject({ code: "invalid_tool_arguments" });
    const other = await userIdOf(await signedInBrowser());
    await expect(
      runMcpToolNode(context, other, { connectionId: created.id, tool: "add", parameters: { a: 1, b: 2 } }),
    ).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("the mcp_tool activity (workflow node and agent MCP tools)", () => {
  it("runs through the activity table: output is the call result; unreachable is retryable; bad config is final", async () => {
    const server = createStreamableMcpServer({ host: "mcp.activity.test" });
    interceptOutbound({ [server.host]: server.fetch });
    const browser = await signedInBrowser();
    const userId = await userIdOf(browser);
    const created = await createConnection(browser, {
      connection_method: "mcp",
      provider: "custom_mcp",
      name: "Activity MCP",
      mcp_server_url: server.url,
      data: { auth_type: "none" },
    });
    const context = { ...credentialContext(), waitUntil: () => {}, credentials: CREDENTIAL_PROVIDERS };
    const execution = { id: crypto.randomUUID(), userId };
    const output = await runActivity(context, execution, "n1", "mcp_tool", {
      connectionId: created.id,
      tool: "echo",
      parameters: { text: "from a workflow" },
    });
    expect(output).toEqual({ content: [{ type: "text", text: "from a workflow" }], is_error: false });
    await expect(runActivity(context, execution, "n1", "mcp_tool", { tool: "echo" })).rejects.toMatchObject({
      code: "invalid_config",
      retryable: false,
    });
    // The server goes away: nothing answers any more.
    interceptOutbound({});
    await expect(
      runActivity(context, execution, "n1", "mcp_tool", {
        connectionId: created.id,
        tool: "echo",
        parameters: { text: "x" },
      }),
    ).rejects.toMatchObject({ code: "mcp_unreachable", retryable: true });
  });
});
