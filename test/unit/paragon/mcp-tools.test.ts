import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  callParagonMcpTool,
  listParagonMcpTools,
  paragonGatewayTools,
  toMcpResult,
} from "../../../src/paragon/mcp-tools";
import { parseParagonSettings } from "../../../src/platform/paragon-settings";
import { createFakeParagon, FAKE_ACTIONKIT_HOST } from "../../fakes/paragon";
import { generateParagonKeys, type ParagonTestKeys } from "../../fakes/paragon-keys";
import { interceptOutbound } from "../../helpers/outbound";

const PROJECT_ID = "38b1f170-0c43-4eae-9a04-ab85325d99f7";
let keys: ParagonTestKeys;
let fake: ReturnType<typeof createFakeParagon>;
let context: { paragon: ReturnType<typeof parseParagonSettings> };

beforeAll(async () => {
  keys = await generateParagonKeys();
});
beforeEach(() => {
  fake = createFakeParagon({ projectId: PROJECT_ID, publicKey: keys.publicKey });
  fake.connect("u1", "slack");
  interceptOutbound({ [FAKE_ACTIONKIT_HOST]: fake.fetch });
  context = {
    paragon: parseParagonSettings({ PARAGON_PROJECT_ID: PROJECT_ID, PARAGON_SIGNING_KEY: keys.pkcs8Pem }, "test"),
  };
});

describe("Paragon actions as MCP tools (MCP 2025-06-18 §Tools)", () => {
  it("lists ActionKit tools as MCP tool definitions for the user", async () => {
    const tools = await listParagonMcpTools(context, { id: "u1" });
    expect(tools.map((tool) => tool.name)).toEqual(["SLACK_SEND_MESSAGE", "SLACK_LIST_CHANNELS"]);
    expect(tools[0]).toEqual({
      name: "SLACK_SEND_MESSAGE",
      description: "Send a message to a Slack channel",
      inputSchema: expect.objectContaining({ type: "object", required: ["channel", "text"] }),
    });
    expect(fake.received[0]?.userId).toBe("u1");
  });

  it("returns a call's result as text and structured content", async () => {
    const result = await callParagonMcpTool(context, { id: "u1" }, "SLACK_SEND_MESSAGE", { channel: "c", text: "t" });
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toMatchObject({ ok: true, text: "t" });
    expect(JSON.parse(result.content[0]?.text ?? "")).toMatchObject({ ok: true });
  });

  it("reports Paragon's refusal as a tool error the model can read", async () => {
    const result = await callParagonMcpTool(context, { id: "u1" }, "SLACK_SEND_MESSAGE", { channel: "c" });
    expect(result).toEqual({
      content: [{ type: "text", text: "Missing required parameter(s): text" }],
      isError: true,
    });
  });

  it("throws when Paragon is unavailable (a protocol-level failure)", async () => {
    fake.reply({ status: 502 });
    await expect(callParagonMcpTool(context, { id: "u1" }, "SLACK_LIST_CHANNELS", {})).rejects.toMatchObject({
      code: "paragon_unavailable",
    });
  });

  it.each([
    { result: "plain text", content: "plain text", structured: undefined },
    { result: [1, 2], content: "[1,2]", structured: undefined },
    { result: null, content: "null", structured: undefined },
    { result: { a: 1 }, content: '{"a":1}', structured: { a: 1 } },
  ])("converts $result", ({ result, content, structured }) => {
    const converted = toMcpResult(result);
    expect(converted.content).toEqual([{ type: "text", text: content }]);
    expect(converted.structuredContent).toEqual(structured);
  });
});

describe("Paragon tools on the /mcp gateway (ExtraTool shape)", () => {
  it("names tools paragon__<action> behind connections:use, and calls them as the principal", async () => {
    const tools = await paragonGatewayTools({ userId: "u1" }, context);
    expect(tools.map((tool) => [tool.name, tool.requiredScopes])).toEqual([
      ["paragon__SLACK_SEND_MESSAGE", ["connections:use"]],
      ["paragon__SLACK_LIST_CHANNELS", ["connections:use"]],
    ]);
    const result = await tools[1]?.call({});
    expect(result?.isError).toBe(false);
    expect(fake.received.at(-1)?.userId).toBe("u1");
  });

  it("offers no Paragon tools when Paragon is unconfigured or down, instead of failing /mcp", async () => {
    expect(await paragonGatewayTools({ userId: "u1" }, { paragon: {} })).toEqual([]);
    fake.reply({ status: 503 }, { status: 503 });
    expect(await paragonGatewayTools({ userId: "u1" }, context)).toEqual([]);
  });

  it("answers a call during an outage with an isError result", async () => {
    const [send] = await paragonGatewayTools({ userId: "u1" }, context);
    fake.reply({ status: 502 });
    expect(await send?.call({ channel: "c", text: "t" })).toMatchObject({
      isError: true,
      structuredContent: { error: { code: "paragon_unavailable" } },
    });
  });
});
