import { api, apiJson } from "../api";
import type { McpCallResult, McpConnection, McpCredentials, McpDiscovery, McpProvider, McpTool } from "./types";

const path = (id: string) => `/api/connections/${encodeURIComponent(id)}`;

export const listMcpProviders = () => api<McpProvider[]>("/api/connections/mcp/providers");

/** `auth` of the discover request, from the form's credential fields (OAuth servers are discovered after connecting). */
function discoverAuth(credentials: McpCredentials) {
  switch (credentials.auth_type) {
    case "api_key":
      return {
        type: "api_key",
        api_key: credentials.api_key,
        ...(credentials.header_name ? { header_name: credentials.header_name } : {}),
      };
    case "bearer":
      return { type: "bearer", token: credentials.token };
    case "basic":
      return { type: "basic", username: credentials.username, password: credentials.password };
    default:
      return { type: "none" };
  }
}

/** Lists a server's tools before anything is saved. */
export const discoverMcpServer = (serverUrl: string, credentials: McpCredentials) =>
  apiJson<McpDiscovery>("/api/connections/mcp/discover", { server_url: serverUrl, auth: discoverAuth(credentials) });

export function createMcpConnection(input: {
  name: string;
  provider: string;
  serverUrl: string;
  credentials: McpCredentials;
}) {
  const data = Object.fromEntries(
    Object.entries(input.credentials).filter(([, value]) => value !== undefined && value !== ""),
  );
  return apiJson<McpConnection>("/api/connections", {
    name: input.name,
    connection_method: "mcp",
    provider: input.provider,
    mcp_server_url: input.serverUrl,
    data,
  });
}

export const getMcpConnection = (id: string) => api<McpConnection>(path(id));

export const listMcpConnections = () => api<McpConnection[]>("/api/connections?connection_method=mcp");

export const refreshMcpTools = (id: string) =>
  api<{ tools: McpTool[]; tools_count: number }>(`${path(id)}/refresh-tools`, { method: "POST" });

export const callMcpTool = (id: string, tool: string, args: Record<string, unknown>) =>
  apiJson<McpCallResult>(`${path(id)}/tools/${encodeURIComponent(tool)}/call`, { arguments: args });
