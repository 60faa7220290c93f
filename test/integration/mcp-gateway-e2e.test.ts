import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callMcpServerTool } from "../../src/mcp-client/call";
import { discoverMcpServer } from "../../src/mcp-client/discover";
import { mcpModern, obtainTokens, RESOURCE, rpcResult } from "../conformance/oauth-flow";
import { createOAuthMcpServer, createStreamableMcpServer } from "../fakes/mcp-servers";
import { createConnection } from "../helpers/connections";
import { interceptOutbound } from "../helpers/outbound";

/**
 * The gateway through our real `/mcp` (SPEC §8): an AI client with a `connections:use` token lists and calls the
 * tools of the user's MCP connections; the downstream credential is injected at the edge and never reaches the
 * client; a connection that needs consent answers "connect required" with the link. And the self-interop case: an
 * MCP connection pointing at our own `/mcp`.
 */
type ToolList = { tools: { name: string; inputSchema: unknown }[] };
type ToolAnswer = {
  content: { type: string; text?: string }[];
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
};

async function rpc<T>(token: string, method: string, params: Record<string, unknown> = {}): Promise<T> {
  const response = await mcpModern(token, method, params);
  const text = await response.clone().text();
  expect(response.status, text.slice(0, 300)).toBe(200);
  const { result, error } = await rpcResult<T>(response);
  expect(error).toBeUndefined();
  return result as T;
}

describe("the /mcp gateway", () => {
  it("lists and calls a connected server's tools with the credential injected; JIT answer for a missing authorization", async () => {
    const docs = createStreamableMcpServer({ auth: { type: "bearer", token: "downstream-secret-42" } });
    const oauth = createOAuthMcpServer();
    interceptOutbound({ [docs.host]: docs.fetch, ...oauth.routes() });
    const { browser, tokens } = await obtainTokens({ scope: "connections:use workflows:read" });
    await createConnection(browser, {
      name: "Docs Server",
      connection_method: "mcp",
      provider: "custom_mcp",
      mcp_server_url: docs.url,
      data: { auth_type: "bearer", token: "downstream-secret-42" },
    });
    const linear = await createConnection(browser, {
      name: "Linear",
      connection_method: "mcp",
      provider: "linear",
      mcp_server_url: oauth.url,
      data: { auth_type: "oauth2" },
    });

    const listed = await rpc<ToolList>(tokens.access_token, "tools/list");
    const names = listed.tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(["docs-server__echo", "docs-server__add", "linear__connect", "list_workflows"]),
    );
    expect(JSON.stringify(listed)).not.toContain("downstream-secret-42");

    const answer = await rpc<ToolAnswer>(tokens.access_token, "tools/call", {
      name: "docs-server__add",
      arguments: { a: 4, b: 5 },
    });
    expect(answer).toMatchObject({ content: [{ type: "text", text: "9" }], structuredContent: { sum: 9 } });
    expect(docs.requests.at(-1)?.headers.authorization).toBe("Bearer downstream-secret-42");
    // Our client's token never travels downstream.
    expect(docs.requests.every((r) => !r.headers.authorization?.includes(tokens.access_token))).toBe(true);

    const jit = await rpc<ToolAnswer>(tokens.access_token, "tools/call", { name: "linear__connect", arguments: {} });
    expect(jit.isError).toBe(true);
    expect(jit.structuredContent).toMatchObject({
      connect_required: { connection_id: linear.id, url: expect.stringContaining(linear.id) },
    });
  });

  it("lists a connection's tools from the next request on after it is created, renamed or deleted (per-isolate cache invalidated by the write)", async () => {
    const docs = createStreamableMcpServer({ host: "mcp.changing.test" });
    interceptOutbound({ [docs.host]: docs.fetch });
    const { browser, tokens } = await obtainTokens({ scope: "connections:use workflows:read" });
    const gatewayNames = async () =>
      (await rpc<ToolList>(tokens.access_token, "tools/list")).tools
        .map((tool) => tool.name)
        .filter((name) => name.includes("__"));
    expect(await gatewayNames()).toEqual([]);

    const created = await createConnection(browser, {
      name: "Changing",
      connection_method: "mcp",
      provider: "custom_mcp",
      mcp_server_url: docs.url,
      data: { auth_type: "none" },
    });
    expect(await gatewayNames()).toContain("changing__echo");

    const renamed = await browser.json(`/api/connections/${created.id}`, "PATCH", { name: "Renamed" });
    expect(renamed.status).toBe(200);
    const afterRename = await gatewayNames();
    expect(afterRename).toContain("renamed__echo");
    expect(afterRename).not.toContain("changing__echo");

    const deleted = await browser.request(`/api/connections/${created.id}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(await gatewayNames()).toEqual([]);
  });

  it("a tool still listed after its connection was deleted elsewhere cannot reach the server: it answers connect required", async () => {
    const docs = createStreamableMcpServer({ host: "mcp.removed.test" });
    interceptOutbound({ [docs.host]: docs.fetch });
    const { browser, tokens } = await obtainTokens({ scope: "connections:use workflows:read" });
    const created = await createConnection(browser, {
      name: "Removed",
      connection_method: "mcp",
      provider: "custom_mcp",
      mcp_server_url: docs.url,
      data: { auth_type: "none" },
    });
    expect((await rpc<ToolList>(tokens.access_token, "tools/list")).tools.map((t) => t.name)).toContain(
      "removed__echo",
    );
    // Deleted by another isolate (or directly in D1): this isolate's listing is not told, for up to 5 s.
    await env.DB.prepare("update connections set deleted_at = ?, status = 'revoked' where id = ?")
      .bind(Date.now(), created.id)
      .run();
    const upstreamCalls = docs.requests.length;
    const answer = await rpc<ToolAnswer>(tokens.access_token, "tools/call", {
      name: "removed__echo",
      arguments: { text: "x" },
    });
    expect(answer.isError).toBe(true);
    expect(answer.structuredContent).toMatchObject({ connect_required: { connection_id: created.id } });
    expect(docs.requests.length).toBe(upstreamCalls);
  });

  it("offers no gateway tools to a token without connections:use", async () => {
    const docs = createStreamableMcpServer({ host: "mcp.scoped.test" });
    interceptOutbound({ [docs.host]: docs.fetch });
    const { browser, tokens } = await obtainTokens({ scope: "workflows:read" });
    await createConnection(browser, {
      name: "Scoped",
      connection_method: "mcp",
      provider: "custom_mcp",
      mcp_server_url: docs.url,
      data: { auth_type: "none" },
    });
    const listed = await rpc<ToolList>(tokens.access_token, "tools/list");
    expect(listed.tools.some((tool) => tool.name.startsWith("scoped__"))).toBe(false);
  });

  it("self-interop: our MCP client discovers and calls our own /mcp with a bearer token", async () => {
    const { tokens } = await obtainTokens({ scope: "workflows:read" });
    // The Worker's outbound fetch to "our own host" goes to the Worker itself, at its real origin.
    interceptOutbound({
      "self.mcp.test": (request) => {
        const url = new URL(request.url);
        return exports.default.fetch(new Request(new URL(url.pathname + url.search, RESOURCE), request));
      },
    });
    const target = {
      serverUrl: "https://self.mcp.test/mcp",
      auth: { type: "bearer" as const, token: tokens.access_token },
      allowInsecure: false,
    };
    const found = await discoverMcpServer(target);
    expect(found.transport).toBe("streamable-http");
    const list = found.tools.find((tool) => tool.name === "list_workflows");
    expect(list).toBeDefined();
    const result = await callMcpServerTool(target, list as NonNullable<typeof list>, {});
    expect(result).toMatchObject({ is_error: false, structured_content: { workflows: [] } });
    const refused = await discoverMcpServer({ ...target, auth: { type: "bearer", token: "not-a-token" } }).catch(
      (error) => error,
    );
    expect(refused.code).toBe("mcp_auth_failed");
  });
});
