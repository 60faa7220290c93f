/** Wire shapes of the MCP connection endpoints (src/mcp-client/routes.ts, SPEC §6.7). */

export type McpAuthType = "none" | "api_key" | "bearer" | "basic" | "oauth2";

export interface McpTool {
  name: string;
  title?: string;
  description: string;
  input_schema: Record<string, unknown>;
  output_schema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

export interface McpDiscovery {
  server: { name: string; version: string };
  protocol_version: string;
  transport: "streamable-http" | "sse";
  tools: McpTool[];
}

/** `GET /api/connections/mcp/providers`. */
export interface McpProvider {
  id: string;
  name: string;
  description: string;
  category: string;
  default_server_url: string | null;
  auth_types: McpAuthType[];
  api_key_header?: string;
  credential_hint?: string;
  self_hosted: boolean;
  docs_url: string;
}

/** MCP content blocks as a tool returns them (text, image, audio, resources). */
export type McpContent =
  | { type: "text"; text: string }
  | { type: "image"; data: string; mimeType: string }
  | { type: "audio"; data: string; mimeType: string }
  | { type: string; [key: string]: unknown };

export interface McpCallResult {
  content: McpContent[];
  structured_content?: Record<string, unknown>;
  is_error: boolean;
}

/** An MCP connection as the connections API returns it. */
export interface McpConnection {
  id: string;
  name: string;
  provider: string;
  status: "active" | "invalid" | "expired" | "revoked" | "disconnected";
  status_reason: string | null;
  mcp_server_url: string | null;
  mcp_tools: McpTool[] | null;
  capabilities: { server?: { name: string; version: string }; transport?: string; protocol_version?: string } | null;
  settings?: { auth_type?: McpAuthType; header_name?: string; username?: string };
}

/** The credential fields of a form, as the API names them. */
export interface McpCredentials {
  auth_type: McpAuthType;
  token?: string;
  api_key?: string;
  header_name?: string;
  username?: string;
  password?: string;
}
