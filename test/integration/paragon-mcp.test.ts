import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { obtainTokens, rpcResult } from "../conformance/oauth-flow";
import { generateParagonKeys, type ParagonTestKeys } from "../fakes/paragon-keys";
import { expectData } from "../helpers/http";
import { paragonWorld } from "../helpers/paragon";

/**
 * Paragon actions on our `/mcp` gateway (SPEC §8 gateway, §9): an MCP client with a `connections:use` token sees
 * the user's ActionKit tools as `paragon__<action>` and calls them; the call runs as the token's user.
 */
let keys: ParagonTestKeys;
beforeAll(async () => {
  keys = await generateParagonKeys();
});
let world: ReturnType<typeof paragonWorld>;
beforeEach(() => {
  world = paragonWorld({ keys });
  world.intercept();
});

function mcp(token: string, method: string, params: Record<string, unknown> = {}) {
  return world.worker("/mcp", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": method,
      ...(typeof params.name === "string" ? { "mcp-name": params.name } : {}),
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method,
      params: {
        ...params,
        _meta: {
          "io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientCapabilities": {},
          "io.modelcontextprotocol/clientInfo": { name: "paragon-test", version: "1.0.0" },
        },
      },
    }),
  });
}

async function userWithToken(scope: string) {
  const { browser, tokens } = await obtainTokens({ scope });
  const me = await expectData<{ user: { id: string } }>(await browser.request("/api/auth/me"));
  return { userId: me.user.id, token: tokens.access_token };
}

describe("Paragon actions on /mcp", () => {
  it("lists the user's ActionKit tools and runs one as that user", async () => {
    const { userId, token } = await userWithToken("workflows:read connections:use");
    world.fake.connect(userId, "slack");
    const listed = await rpcResult<{ tools: Array<{ name: string; inputSchema: { required?: string[] } }> }>(
      await mcp(token, "tools/list"),
    );
    const paragonTools = listed.result?.tools.filter((tool) => tool.name.startsWith("paragon__")) ?? [];
    expect(paragonTools.map((tool) => tool.name)).toEqual([
      "paragon__SLACK_SEND_MESSAGE",
      "paragon__SLACK_LIST_CHANNELS",
    ]);
    expect(paragonTools[0]?.inputSchema.required).toEqual(["channel", "text"]);

    const called = await rpcResult<{ structuredContent?: Record<string, unknown>; isError?: boolean }>(
      await mcp(token, "tools/call", {
        name: "paragon__SLACK_SEND_MESSAGE",
        arguments: { channel: "#general", text: "from an agent" },
      }),
    );
    expect(called.error).toBeUndefined();
    expect(called.result?.isError).toBeFalsy();
    expect(called.result?.structuredContent).toMatchObject({ ok: true, text: "from an agent" });
    const run = world.fake.received.find((request) => request.method === "POST");
    expect(run?.userId).toBe(userId);
  });

  it("offers no Paragon tools without the connections:use scope", async () => {
    const { userId, token } = await userWithToken("workflows:read");
    world.fake.connect(userId, "slack");
    const listed = await rpcResult<{ tools: Array<{ name: string }> }>(await mcp(token, "tools/list"));
    expect(listed.result?.tools.some((tool) => tool.name.startsWith("paragon__"))).toBe(false);
    expect(world.fake.received).toHaveLength(0);
  });
});
