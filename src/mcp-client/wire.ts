import {
  type CallToolResult,
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
} from "@modelcontextprotocol/client";

/**
 * The JSON-RPC 2.0 messages of one MCP tool call over Streamable HTTP (MCP 2025-11-25 "Transports", 2026-07-28
 * "Transports"), as plain data: what the call path of ./http-call.ts sends and how it reads the answers. No I/O.
 */

export type JsonRpcId = string | number;

export interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: JsonRpcId;
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcNotification {
  jsonrpc: "2.0";
  method: string;
  params?: Record<string, unknown>;
}

/** A message the server sent: the answer to one of our requests, or a request or notification of its own. */
export type InboundMessage =
  | { kind: "result"; id: JsonRpcId; result: Record<string, unknown> }
  | { kind: "error"; id: JsonRpcId | null; code: number; message: string }
  | { kind: "request"; id: JsonRpcId; method: string }
  | { kind: "notification"; method: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isId = (value: unknown): value is JsonRpcId =>
  typeof value === "string" || (typeof value === "number" && Number.isInteger(value));

/** One JSON-RPC message as the server sent it, or null for anything that is not one (JSON-RPC 2.0 §4, §5). */
export function inboundMessage(value: unknown): InboundMessage | null {
  if (!isObject(value) || value.jsonrpc !== "2.0") return null;
  if (typeof value.method === "string") {
    return isId(value.id)
      ? { kind: "request", id: value.id, method: value.method }
      : { kind: "notification", method: value.method };
  }
  if (isId(value.id) && "result" in value)
    return isObject(value.result) ? { kind: "result", id: value.id, result: value.result } : null;
  if ("error" in value && isObject(value.error) && (isId(value.id) || value.id === null)) {
    const { code, message } = value.error;
    if (typeof code !== "number") return null;
    return { kind: "error", id: value.id, code, message: typeof message === "string" ? message : "" };
  }
  return null;
}

/** The messages of an `application/json` body: one message or a batch (array) of them. */
export function inboundMessagesOfJson(body: unknown): InboundMessage[] {
  return (Array.isArray(body) ? body : [body]).flatMap((item) => inboundMessage(item) ?? []);
}

/**
 * An incremental reader of a `text/event-stream` body (WHATWG HTML "Server-sent events", §9.2.6 "Interpreting an
 * event stream"): feed it chunks of text, get back the `data` of each complete event whose type is `message` (the
 * only type Streamable HTTP uses). Comments, `id`, `retry` and other event types are ignored.
 */
export class SseDataReader {
  #buffer = "";
  #data: string[] = [];
  #event = "";

  push(chunk: string): string[] {
    this.#buffer += chunk;
    const out: string[] = [];
    for (;;) {
      const newline = this.#buffer.search(/\r\n|\r|\n/);
      if (newline === -1) break;
      const line = this.#buffer.slice(0, newline);
      const length = this.#buffer.startsWith("\r\n", newline) ? 2 : 1;
      this.#buffer = this.#buffer.slice(newline + length);
      if (line === "") {
        if (this.#data.length > 0 && (this.#event === "" || this.#event === "message")) out.push(this.#data.join("\n"));
        this.#data = [];
        this.#event = "";
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") this.#data.push(value);
      else if (field === "event") this.#event = value;
    }
    return out;
  }
}

/** The JSON-RPC messages in the `data` of one SSE event (invalid JSON is no message). */
export function inboundMessagesOfEvent(data: string): InboundMessage[] {
  try {
    return inboundMessagesOfJson(JSON.parse(data));
  } catch {
    return [];
  }
}

/** What the client says about itself: `clientInfo` of `initialize`, or of the 2026-07-28 request envelope. */
export interface ClientIdentity {
  name: string;
  version: string;
}

/** The 2025-era `initialize` request (MCP 2025-11-25 "Lifecycle"): no client capabilities, we serve none. */
export function initializeRequest(id: JsonRpcId, protocolVersion: string, clientInfo: ClientIdentity): JsonRpcRequest {
  return { jsonrpc: "2.0", id, method: "initialize", params: { protocolVersion, capabilities: {}, clientInfo } };
}

export const INITIALIZED_NOTIFICATION: JsonRpcNotification = { jsonrpc: "2.0", method: "notifications/initialized" };

/**
 * A `tools/call` request. On a stateless revision (2026-07-28) every request carries the protocol version, the
 * client's info and its capabilities in `params._meta` (the "request envelope"), since there is no `initialize`.
 */
export function toolCallRequest(
  id: JsonRpcId,
  name: string,
  args: Record<string, unknown>,
  envelope?: { protocolVersion: string; clientInfo: ClientIdentity },
): JsonRpcRequest {
  const params: Record<string, unknown> = { name, arguments: args };
  if (envelope) {
    params._meta = {
      [PROTOCOL_VERSION_META_KEY]: envelope.protocolVersion,
      [CLIENT_INFO_META_KEY]: envelope.clientInfo,
      [CLIENT_CAPABILITIES_META_KEY]: {},
    };
  }
  return { jsonrpc: "2.0", id, method: "tools/call", params };
}

/**
 * The standard request headers of a stateless revision (2026-07-28 "Transports", SEP-2243): `Mcp-Method` always,
 * `Mcp-Name` for methods that name a tool, resource or prompt. Header values must be ASCII without control
 * characters; a tool name that is not is sent only in the body (servers then fall back to the body).
 */
export function statelessRequestHeaders(request: JsonRpcRequest): Record<string, string> {
  const headers: Record<string, string> = { "mcp-method": request.method };
  const name = request.params?.name;
  if (request.method === "tools/call" && typeof name === "string" && /^[\x20-\x7e]+$/.test(name))
    headers["mcp-name"] = name;
  return headers;
}

/** Answers to the requests a server may send us during a call: `ping` is answered, anything else is unsupported. */
export function answerToServerRequest(message: Extract<InboundMessage, { kind: "request" }>): Record<string, unknown> {
  if (message.method === "ping") return { jsonrpc: "2.0", id: message.id, result: {} };
  return { jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } };
}

/** JSON-RPC error code of "unsupported protocol version" (MCP 2026-07-28 "Versioning"). */
export const UNSUPPORTED_PROTOCOL_VERSION_CODE = -32022;

/**
 * A `tools/call` result as the server sent it, checked for the shape the MCP schema gives `CallToolResult`
 * (`content` an array when present, `structuredContent` an object, `isError` a boolean); anything else is null.
 * A 2026-07-28 result that is not `complete` (`input_required`: the server needs elicitation or sampling) cannot be
 * consumed by a client that declares no such capability, so it is null too.
 */
export function callToolResultOf(result: Record<string, unknown>): CallToolResult | null {
  if (result.resultType !== undefined && result.resultType !== "complete") return null;
  if (result.content !== undefined && !Array.isArray(result.content)) return null;
  if (result.structuredContent !== undefined && !isObject(result.structuredContent)) return null;
  if (result.isError !== undefined && typeof result.isError !== "boolean") return null;
  if (
    Array.isArray(result.content) &&
    !result.content.every((block) => isObject(block) && typeof block.type === "string")
  )
    return null;
  return result as CallToolResult;
}
