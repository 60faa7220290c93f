import { describe, expect, it } from "vitest";
import {
  formatTools,
  type ParagonTool,
  parseParagonFormatList,
  parseToolList,
  toMcpTool,
} from "../../../src/paragon/tool-formats";

const SEND: ParagonTool = {
  name: "SLACK_SEND_MESSAGE",
  description: "Send a message",
  integration: "slack",
  parameters: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
};
const fn = (name: string, parameters?: unknown) => ({
  type: "function",
  function: { name, description: `${name} tool`, ...(parameters ? { parameters } : {}) },
});

describe("List Tools answers (docs: actionkit/api-reference/list-tools)", () => {
  it("flattens tools grouped by integration, keeping Paragon's order and errors", () => {
    const list = parseToolList({
      actions: {
        slack: [fn("SLACK_SEND_MESSAGE", SEND.parameters), fn("SLACK_LIST_CHANNELS", { type: "object" })],
        hubspot: [fn("HUBSPOT_CREATE_RECORD_CONTACTS", { type: "object", properties: {} })],
      },
      errors: [{ integration: "jira", message: "schema unavailable" }],
    });
    expect(list.tools.map((tool) => [tool.integration, tool.name])).toEqual([
      ["slack", "SLACK_SEND_MESSAGE"],
      ["slack", "SLACK_LIST_CHANNELS"],
      ["hubspot", "HUBSPOT_CREATE_RECORD_CONTACTS"],
    ]);
    expect(list.tools[0]?.parameters).toEqual(SEND.parameters);
    expect(list.errors).toEqual([{ integration: "jira", message: "schema unavailable" }]);
  });

  it.each([
    { name: "a flat `actions` array (the seed's shape)", body: { actions: [fn("A")] } },
    { name: "a flat `tools` array", body: { tools: [fn("A")] } },
    { name: "tools grouped under `tools`", body: { tools: { x: [fn("A")] } } },
    { name: "flat tool objects", body: { tools: [{ name: "A", description: "A tool" }] } },
  ])("accepts $name", ({ body }) => {
    const [tool] = parseToolList(body).tools;
    expect(tool?.name).toBe("A");
    expect(tool?.parameters.type).toBe("object");
  });

  it("defaults a missing schema to an empty object schema (tools must take an object)", () => {
    expect(parseToolList({ actions: [fn("A")] }).tools[0]?.parameters).toEqual({ type: "object", properties: {} });
  });

  it.each([
    { name: "a non-object body", body: "nope" },
    { name: "null", body: null },
    { name: "entries without a name", body: { actions: { slack: [{ type: "function", function: {} }, 42, null] } } },
    { name: "a non-array group", body: { actions: { slack: "x" } } },
  ])("skips what it cannot read: $name", ({ body }) => {
    expect(parseToolList(body).tools).toEqual([]);
  });

  it("passes Paragon-format tools through with their integration", () => {
    const list = parseParagonFormatList({ actions: { slack: [{ name: "SLACK_SEND_MESSAGE", inputs: [] }, "x"] } });
    expect(list.tools).toEqual([{ name: "SLACK_SEND_MESSAGE", inputs: [], integration: "slack" }]);
  });
});

describe("format conversions (pure)", () => {
  it.each([
    {
      format: "json_schema" as const,
      expected: {
        type: "function",
        function: { name: SEND.name, description: SEND.description, parameters: SEND.parameters },
        integration: "slack",
      },
    },
    {
      format: "anthropic" as const,
      expected: { name: SEND.name, description: SEND.description, input_schema: SEND.parameters },
    },
    {
      format: "openai" as const,
      expected: {
        type: "function",
        function: { name: SEND.name, description: SEND.description, parameters: SEND.parameters },
      },
    },
  ])("converts to $format exactly (no extra keys the vendor API would refuse)", ({ format, expected }) => {
    expect(formatTools([SEND], format)).toEqual([expected]);
  });

  it("converts to an MCP tools/list entry", () => {
    expect(toMcpTool(SEND)).toEqual({ name: SEND.name, description: SEND.description, inputSchema: SEND.parameters });
  });
});
