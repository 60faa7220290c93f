import { type CallToolResult, ProtocolError } from "@modelcontextprotocol/client";
import { McpClientError } from "./errors";
import { isRevisionRefusedSignal, withMcpSession, withoutSecrets } from "./session";
import { credentialSecrets, type McpTarget } from "./target";
import { checkToolArguments, type McpToolRecord } from "./tools";

/** The answer of `POST /api/connections/:id/tools/:name/call` (SPEC §6.7). */
export interface McpToolCallResult {
  /** MCP content blocks as the server sent them: text, image, audio, resource links, embedded resources. */
  content: CallToolResult["content"];
  structured_content?: Record<string, unknown>;
  is_error: boolean;
}

/**
 * Calls one tool of an MCP server. The arguments are validated against the stored tool's input schema first —
 * invalid ones answer 400 `invalid_tool_arguments` with the issues, and nothing is sent upstream. The server's
 * result passes through unchanged (content blocks, `structuredContent`, `isError`). A JSON-RPC error from the
 * server is a failed call (`is_error: true`, the error text as content), as the MCP spec asks tool errors to be
 * reported so the caller — often a model — can correct itself; a timeout is 504 `mcp_timeout`.
 */
export async function callMcpServerTool(
  target: McpTarget,
  tool: McpToolRecord,
  args: unknown,
): Promise<McpToolCallResult> {
  const check = checkToolArguments(tool.input_schema, args ?? {});
  if (!check.ok) {
    throw new McpClientError("invalid_tool_arguments", `The arguments do not match the input schema of ${tool.name}`, {
      details: { issues: check.issues },
    });
  }
  const callArgs = (args ?? {}) as Record<string, unknown>;
  const secrets = credentialSecrets(target.auth);
  const failed = (message: string): McpToolCallResult => ({
    content: [{ type: "text", text: withoutSecrets(message, secrets) }],
    is_error: true,
  });
  return withMcpSession(target, "call", async (session) => {
    try {
      const result = await session.client.callTool(
        { name: tool.name, arguments: callArgs },
        { timeout: session.remainingMs(), signal: session.signal },
      );
      return toCallResult(result);
    } catch (error) {
      // A stateless server that refuses the revision did not run the tool: the session retries with the handshake.
      if (!ProtocolError.isInstance(error) || (session.lane === "stateless" && isRevisionRefusedSignal(error)))
        throw error;
      return failed(error.message);
    }
  });
}

export function toCallResult(result: CallToolResult): McpToolCallResult {
  const out: McpToolCallResult = { content: result.content ?? [], is_error: result.isError === true };
  if (result.structuredContent && typeof result.structuredContent === "object")
    out.structured_content = result.structuredContent as Record<string, unknown>;
  return out;
}
