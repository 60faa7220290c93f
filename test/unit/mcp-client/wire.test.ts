import { describe, expect, it } from "vitest";
import {
  answerToServerRequest,
  callToolResultOf,
  inboundMessage,
  inboundMessagesOfJson,
  SseDataReader,
  statelessRequestHeaders,
  toolCallRequest,
} from "../../../src/mcp-client/wire";

describe("inboundMessage (JSON-RPC 2.0 §4-5)", () => {
  it.each([
    [
      "a result",
      { jsonrpc: "2.0", id: 1, result: { content: [] } },
      { kind: "result", id: 1, result: { content: [] } },
    ],
    [
      "an error",
      { jsonrpc: "2.0", id: "a", error: { code: -32602, message: "bad" } },
      { kind: "error", id: "a", code: -32602, message: "bad" },
    ],
    [
      "an error without id",
      { jsonrpc: "2.0", id: null, error: { code: -32000, message: "x" } },
      { kind: "error", id: null, code: -32000, message: "x" },
    ],
    ["a server request", { jsonrpc: "2.0", id: 7, method: "ping" }, { kind: "request", id: 7, method: "ping" }],
    [
      "a notification",
      { jsonrpc: "2.0", method: "notifications/progress", params: {} },
      { kind: "notification", method: "notifications/progress" },
    ],
    ["no jsonrpc member", { id: 1, result: {} }, null],
    ["a result that is not an object", { jsonrpc: "2.0", id: 1, result: 5 }, null],
    ["an error without a numeric code", { jsonrpc: "2.0", id: 1, error: { message: "x" } }, null],
    ["a fractional id", { jsonrpc: "2.0", id: 1.5, result: {} }, null],
    ["not an object", "hello", null],
  ])("%s", (_name, value, expected) => {
    expect(inboundMessage(value)).toEqual(expected);
  });

  it("reads batches and skips what is not a message", () => {
    expect(inboundMessagesOfJson([{ jsonrpc: "2.0", method: "n" }, 3, { jsonrpc: "2.0", id: 2, result: {} }])).toEqual([
      { kind: "notification", method: "n" },
      { kind: "result", id: 2, result: {} },
    ]);
  });
});

describe("SseDataReader (WHATWG event stream interpretation)", () => {
  it.each([
    ["one event", ['event: message\ndata: {"a":1}\n\n'], ['{"a":1}']],
    ["an event split across chunks", ['data: {"a"', ":1}\n", "\n"], ['{"a":1}']],
    ["CRLF line ends", ["data: x\r\n\r\n"], ["x"]],
    ["multi-line data joined by newlines", ["data: a\ndata: b\n\n"], ["a\nb"]],
    ["comments, ids and retry ignored", [": keep-alive\nid: 4\nretry: 10\ndata: y\n\n"], ["y"]],
    ["events of another type ignored", ["event: endpoint\ndata: /messages\n\ndata: z\n\n"], ["z"]],
    ["no space after the colon", ["data:tight\n\n"], ["tight"]],
    ["an unterminated event is not yet complete", ["data: late\n"], []],
  ])("%s", (_name, chunks, expected) => {
    const reader = new SseDataReader();
    expect(chunks.flatMap((chunk) => reader.push(chunk))).toEqual(expected);
  });
});

describe("requests of a tool call", () => {
  it("puts the 2026-07-28 envelope in _meta only on the stateless lane", () => {
    expect(toolCallRequest(1, "echo", { text: "x" })).toEqual({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "echo", arguments: { text: "x" } },
    });
    expect(
      toolCallRequest(0, "echo", {}, { protocolVersion: "2026-07-28", clientInfo: { name: "us", version: "1" } })
        .params,
    ).toEqual({
      name: "echo",
      arguments: {},
      _meta: {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": { name: "us", version: "1" },
        "io.modelcontextprotocol/clientCapabilities": {},
      },
    });
  });

  it.each([
    ["echo", { "mcp-method": "tools/call", "mcp-name": "echo" }],
    ["naïve", { "mcp-method": "tools/call" }],
    ["line\nbreak", { "mcp-method": "tools/call" }],
  ])("Mcp-Name for tool %j only when it is a valid header value", (name, headers) => {
    expect(statelessRequestHeaders(toolCallRequest(0, name, {}))).toEqual(headers);
  });

  it("answers a server's ping, and refuses its other requests as unsupported", () => {
    expect(answerToServerRequest({ kind: "request", id: 3, method: "ping" })).toEqual({
      jsonrpc: "2.0",
      id: 3,
      result: {},
    });
    expect(answerToServerRequest({ kind: "request", id: "s", method: "sampling/createMessage" })).toEqual({
      jsonrpc: "2.0",
      id: "s",
      error: { code: -32601, message: "Method not found" },
    });
  });
});

describe("callToolResultOf (CallToolResult shape)", () => {
  it.each([
    ["text content", { content: [{ type: "text", text: "a" }] }, true],
    ["structured content and isError", { content: [], structuredContent: { sum: 1 }, isError: true }, true],
    ["a complete 2026-07-28 result", { content: [], resultType: "complete" }, true],
    ["no content at all", {}, true],
    ["an input_required result", { resultType: "input_required", inputRequests: {} }, false],
    ["content that is not an array", { content: "a" }, false],
    ["a content block without type", { content: [{ text: "a" }] }, false],
    ["structuredContent that is not an object", { content: [], structuredContent: [1] }, false],
    ["isError that is not a boolean", { content: [], isError: "yes" }, false],
  ])("%s", (_name, result, valid) => {
    expect(callToolResultOf(result as Record<string, unknown>) !== null).toBe(valid);
  });
});
