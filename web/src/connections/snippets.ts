/**
 * Ready-to-paste proxy calls for a connection (SPEC §6.6): a program authenticates with a personal
 * API key (`Authorization: Bearer <key>`, SPEC §5.4) and the Worker injects the connection's own
 * credentials upstream.
 */

export interface SnippetInput {
  /** Where the API is served (the app's origin, or VITE_API_ORIGIN). */
  origin: string;
  connectionId: string;
  /** Upstream path to call, relative to the connection's base URL. */
  path: string;
}

export const API_KEY_PLACEHOLDER = "$EDGE_API_KEY";

export function proxyUrl({ origin, connectionId, path }: SnippetInput): string {
  const tail = path.startsWith("/") ? path : `/${path}`;
  return `${origin}/api/connections/${encodeURIComponent(connectionId)}/proxy${tail}`;
}

/** A POSIX-shell single-quoted word (the URL may contain `&`, `?`, `$`). */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function curlSnippet(input: SnippetInput): string {
  return [`curl ${shellQuote(proxyUrl(input))} \\`, `  -H "Authorization: Bearer ${API_KEY_PLACEHOLDER}"`].join("\n");
}

export function fetchSnippet(input: SnippetInput): string {
  return [
    `const response = await fetch(${JSON.stringify(proxyUrl(input))}, {`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the snippet's own template literal, printed as-is
    "  headers: { Authorization: `Bearer ${process.env.EDGE_API_KEY}` },",
    "});",
    "console.log(response.status, await response.json());",
  ].join("\n");
}

/** An MCP connection's tool call (SPEC §6.7 `POST /api/connections/:id/tools/:name/call`): MCP connections have no proxy. */
export interface ToolCallSnippetInput {
  origin: string;
  connectionId: string;
  tool: string;
  /** The tool's arguments, as JSON. */
  args: Record<string, unknown>;
}

export function toolCallUrl({ origin, connectionId, tool }: ToolCallSnippetInput): string {
  return `${origin}/api/connections/${encodeURIComponent(connectionId)}/tools/${encodeURIComponent(tool)}/call`;
}

export function toolCallCurlSnippet(input: ToolCallSnippetInput): string {
  return [
    `curl -X POST ${shellQuote(toolCallUrl(input))} \\`,
    `  -H "Authorization: Bearer ${API_KEY_PLACEHOLDER}" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d ${shellQuote(JSON.stringify({ arguments: input.args }))}`,
  ].join("\n");
}

export function toolCallFetchSnippet(input: ToolCallSnippetInput): string {
  return [
    `const response = await fetch(${JSON.stringify(toolCallUrl(input))}, {`,
    '  method: "POST",',
    "  headers: {",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the snippet's own template literal, printed as-is
    "    Authorization: `Bearer ${process.env.EDGE_API_KEY}`,",
    '    "Content-Type": "application/json",',
    "  },",
    `  body: JSON.stringify(${JSON.stringify({ arguments: input.args })}),`,
    "});",
    "console.log(response.status, await response.json());",
  ].join("\n");
}
