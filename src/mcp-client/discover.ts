import type { Tool } from "@modelcontextprotocol/client";
import { McpClientError } from "./errors";
import { type McpTransportKind, withMcpSession } from "./session";
import type { McpTarget } from "./target";
import { MAX_TOOLS, type McpToolRecord, toToolRecord } from "./tools";

/** The answer of `POST /api/connections/mcp/discover` (SPEC §6.7), also what a connection stores. */
export interface McpDiscovery {
  server: { name: string; version: string };
  protocol_version: string;
  transport: McpTransportKind;
  tools: McpToolRecord[];
  /** The server's declared capabilities (`InitializeResult.capabilities`), stored in `capabilities`. */
  capabilities: Record<string, unknown>;
}

/**
 * Connects (Streamable HTTP, else legacy SSE), reads the server's identity and negotiated protocol version from
 * `initialize`, and lists every tool (`tools/list`, all pages). A server without the `tools` capability has no
 * tools — that is an answer, not an error.
 */
export async function discoverMcpServer(target: McpTarget): Promise<McpDiscovery> {
  return withMcpSession(target, "discover", async (session) => {
    const { client } = session;
    const info = client.getServerVersion();
    const capabilities = (client.getServerCapabilities() ?? {}) as Record<string, unknown>;
    let tools: Tool[] = [];
    if (capabilities.tools) {
      const listed = await client.listTools(undefined, {
        timeout: session.remainingMs(),
        signal: session.signal,
        cacheMode: "bypass",
      });
      tools = listed.tools;
    }
    if (tools.length > MAX_TOOLS) {
      throw new McpClientError("mcp_unreachable", `The MCP server lists more than ${MAX_TOOLS} tools`);
    }
    return {
      server: { name: info?.name ?? "unknown", version: info?.version ?? "unknown" },
      protocol_version: client.getNegotiatedProtocolVersion() ?? "unknown",
      transport: session.transport,
      tools: tools.map(toToolRecord),
      capabilities,
    };
  });
}
