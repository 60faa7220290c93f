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
