/**
 * The web app's MCP connection UI (SPEC §6.7), wired into the connections page by the app:
 * - `McpConnectionForm`: add an MCP connection with a "Discover tools" preview; OAuth servers open the popup;
 * - `McpConnectionTools`: a connection's tools with schemas, "Refresh tools", "Try it" and Connect;
 * - `McpToolList`, `McpToolCall`: the pieces, for other pages (workflow editor, agents);
 * - `McpUsageSnippets`: "Use it from code" for an MCP connection (tool calls; MCP connections have no proxy).
 * The OAuth popup is the connections page's `useOAuthPopup` with provider `"mcp"` (`/api/oauth/mcp/authorize`).
 */
export * as mcpApi from "./api";
export { McpConnectionForm } from "./McpConnectionForm";
export { McpConnectionTools } from "./McpConnectionTools";
export { McpToolCall } from "./McpToolCall";
export { McpToolList } from "./McpToolList";
export { McpUsageSnippets } from "./McpUsageSnippets";
export type * from "./types";
