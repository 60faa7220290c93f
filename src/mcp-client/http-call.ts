import {
  type CallToolResult,
  LATEST_PROTOCOL_VERSION,
  ProtocolError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/client";
import { callLaneFor } from "./lanes";
import { MCP_CLIENT_INFO, type McpExchange, serverUrlOf, withMcpExchange } from "./session";
import type { McpTarget } from "./target";
import {
  answerToServerRequest,
  callToolResultOf,
  INITIALIZED_NOTIFICATION,
  type InboundMessage,
  inboundMessagesOfEvent,
  inboundMessagesOfJson,
  initializeRequest,
  type JsonRpcId,
  SseDataReader,
  statelessRequestHeaders,
  toolCallRequest,
  UNSUPPORTED_PROTOCOL_VERSION_CODE,
} from "./wire";

/**
 * The hot path of `tools/call` over Streamable HTTP, by plain `fetch` (SPEC §6.7, issue 10): the exact requests of
 * the call's protocol lane (./lanes.ts) and nothing else — on a 2026-07-28 server one `tools/call` carrying the
 * request envelope; on a 2025-era server `initialize`, `notifications/initialized`, `tools/call`. Building an SDK
 * client, transport and per-message schema validation for a three-request exchange cost more CPU than the requests
 * (bench profile). Whatever this path does not handle itself is handed over, before any tool ran, to the SDK
 * session (./session.ts): an old HTTP+SSE server (404/405 to the first POST), a redirect, and a stateless server
 * that refuses the revision it was discovered on (then the SDK makes the handshake).
 */
export type HttpCallOutcome =
  | { kind: "result"; result: CallToolResult }
  /** The server answered the `tools/call` with a JSON-RPC error (`message` as the SDK formats it). */
  | { kind: "rpc_error"; message: string }
  | { kind: "handover"; reason: "legacy_transport" | "redirect" | "revision_refused" };

type AnswerMessage = Extract<InboundMessage, { kind: "result" | "error" }>;

/** An HTTP failure in the SDK's own error type, so {@link classifyFailure} maps it exactly as for SDK sessions. */
function httpFailure(response: Response, text: string | null): SdkHttpError {
  return new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, `Error POSTing to endpoint: ${text ?? ""}`, {
    status: response.status,
    statusText: response.statusText,
    text,
  });
}

function mediaType(response: Response): string {
  return (response.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

const isRedirect = (response: Response) => response.status >= 300 && response.status < 400;

/**
 * Reads the answer to request `id` from a POST's response: an `application/json` body (one message or a batch) or a
 * `text/event-stream` on which the server may first send notifications (ignored) and requests of its own
 * (answered: `ping`, else "method not found" — we declare no client capabilities). The stream is cancelled once
 * the answer is in.
 */
async function answerTo(
  response: Response,
  id: JsonRpcId,
  answerServer: (message: Record<string, unknown>) => Promise<void>,
): Promise<AnswerMessage> {
  const type = mediaType(response);
  if (type === "application/json") {
    const answer = inboundMessagesOfJson(await response.json()).find(
      (message): message is AnswerMessage =>
        (message.kind === "result" || message.kind === "error") && message.id === id,
    );
    if (!answer) throw new SdkError(SdkErrorCode.ClientHttpUnexpectedContent, "The server's answer has no response");
    return answer;
  }
  if (type !== "text/event-stream" || !response.body) {
    await response.body?.cancel();
    throw new SdkError(SdkErrorCode.ClientHttpUnexpectedContent, `Unexpected content type: ${type || "none"}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const events = new SseDataReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new SdkError(SdkErrorCode.ConnectionClosed, "The server closed the stream before answering");
      for (const data of events.push(value)) {
        for (const message of inboundMessagesOfEvent(data)) {
          if ((message.kind === "result" || message.kind === "error") && message.id === id) return message;
          if (message.kind === "request") await answerServer(answerToServerRequest(message));
        }
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Runs the call's requests in `exchange`; see {@link HttpCallOutcome}. */
async function exchangeToolCall(
  target: McpTarget,
  exchange: McpExchange,
  name: string,
  args: Record<string, unknown>,
): Promise<HttpCallOutcome> {
  const url = serverUrlOf(target);
  const post = (message: unknown, extra: Record<string, string>) => {
    const headers = new Headers(exchange.headers);
    for (const [header, value] of Object.entries(extra)) headers.set(header, value);
    headers.set("content-type", "application/json");
    headers.set("accept", "application/json, text/event-stream");
    return exchange.fetch(url, { method: "POST", headers, body: JSON.stringify(message), signal: exchange.signal });
  };
  const drain = async (response: Response) => (await response.text().catch(() => null)) || null;
  const rpcError = (message: Extract<InboundMessage, { kind: "error" }>): HttpCallOutcome => ({
    kind: "rpc_error",
    message: new ProtocolError(message.code, message.message).message,
  });

  if (callLaneFor(target.server) === "stateless") {
    const protocolVersion = target.server?.protocolVersion as string;
    const request = toolCallRequest(0, name, args, { protocolVersion, clientInfo: MCP_CLIENT_INFO });
    const headers = { "mcp-protocol-version": protocolVersion, ...statelessRequestHeaders(request) };
    const response = await post(request, headers);
    if (response.status === 404 || response.status === 405) {
      await drain(response);
      return { kind: "handover", reason: "legacy_transport" };
    }
    if (isRedirect(response)) {
      await drain(response);
      return { kind: "handover", reason: "redirect" };
    }
    if (response.status === 400) {
      // A 2026-era server answers a request it cannot serve with the JSON-RPC error; a 2025-era transport rejects the
      // protocol version header without one. Either way nothing ran unless it is an error of the tool call itself.
      const text = await drain(response);
      let answer: AnswerMessage | undefined;
      try {
        answer = inboundMessagesOfJson(JSON.parse(text ?? "")).find(
          (message): message is AnswerMessage => message.kind === "error" && message.id === request.id,
        );
      } catch {
        answer = undefined;
      }
      if (answer?.kind === "error" && answer.code !== UNSUPPORTED_PROTOCOL_VERSION_CODE) return rpcError(answer);
      return { kind: "handover", reason: "revision_refused" };
    }
    if (!response.ok) throw httpFailure(response, await drain(response));
    const answer = await answerTo(response, request.id, async () => {});
    if (answer.kind === "error") {
      if (answer.code === UNSUPPORTED_PROTOCOL_VERSION_CODE) return { kind: "handover", reason: "revision_refused" };
      return rpcError(answer);
    }
    return resultOutcome(answer.result);
  }

  // The 2025-era lifecycle (MCP 2025-11-25 "Lifecycle"): initialize, then the initialized notification, then the call.
  const initialize = initializeRequest(0, LATEST_PROTOCOL_VERSION, MCP_CLIENT_INFO);
  const initialized = await post(initialize, {});
  if (initialized.status === 404 || initialized.status === 405) {
    await drain(initialized);
    return { kind: "handover", reason: "legacy_transport" };
  }
  if (isRedirect(initialized)) {
    await drain(initialized);
    return { kind: "handover", reason: "redirect" };
  }
  if (!initialized.ok) throw httpFailure(initialized, await drain(initialized));
  const sessionId = initialized.headers.get("mcp-session-id");
  const handshake = await answerTo(initialized, initialize.id, async () => {});
  if (handshake.kind === "error") throw new ProtocolError(handshake.code, handshake.message);
  const version = handshake.result.protocolVersion;
  if (typeof version !== "string" || !SUPPORTED_PROTOCOL_VERSIONS.includes(version))
    throw new Error(`Server's protocol version is not supported: ${String(version)}`);
  const sessionHeaders: Record<string, string> = {
    "mcp-protocol-version": version,
    ...(sessionId ? { "mcp-session-id": sessionId } : {}),
  };
  const acknowledged = await post(INITIALIZED_NOTIFICATION, sessionHeaders);
  const acknowledgedText = await drain(acknowledged);
  if (!acknowledged.ok) throw httpFailure(acknowledged, acknowledgedText);
  const request = toolCallRequest(1, name, args);
  const response = await post(request, sessionHeaders);
  if (!response.ok) throw httpFailure(response, await drain(response));
  const answer = await answerTo(response, request.id, async (reply) => {
    await drain(await post(reply, sessionHeaders));
  });
  return answer.kind === "error" ? rpcError(answer) : resultOutcome(answer.result);
}

function resultOutcome(result: Record<string, unknown>): HttpCallOutcome {
  const checked = callToolResultOf(result);
  if (!checked)
    throw new SdkError(SdkErrorCode.ClientHttpUnexpectedContent, "The server's tools/call result is malformed");
  return { kind: "result", result: checked };
}

/**
 * Calls tool `name` of the target's Streamable HTTP server by plain fetch, within the target's timeout; failures
 * are the {@link McpClientError}s of SPEC §6.7, classified exactly as for SDK sessions.
 */
export function callToolOverHttp(target: McpTarget, name: string, args: Record<string, unknown>) {
  return withMcpExchange(target, "call", (exchange) => exchangeToolCall(target, exchange, name, args));
}
