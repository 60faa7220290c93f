import { useId, useState } from "react";
import { API_ORIGIN } from "../api";
import { toolCallCurlSnippet, toolCallFetchSnippet } from "../connections/snippets";
import { Link } from "../router/router";
import { CopyButton } from "../shell/CopyButton";
import { exampleArguments } from "./McpToolCall";
import type { McpConnection } from "./types";

/**
 * The connection page's "Use it from code" for an MCP connection: ready-to-paste tool calls
 * (`POST /api/connections/:id/tools/:name/call`), authenticated with a personal API key. MCP connections have
 * no HTTP proxy — the proxy refuses them — so the proxy snippets of other connections would not work here.
 */
export function McpUsageSnippets({ connection }: { connection: McpConnection }) {
  const id = useId();
  const tools = connection.mcp_tools ?? [];
  const [toolName, setToolName] = useState(tools[0]?.name ?? "");
  const tool = tools.find((entry) => entry.name === toolName);
  if (!tool)
    return (
      <p className="muted">
        Programs call this server's tools through the Worker once its tools are known (Refresh tools below).
      </p>
    );
  const input = {
    origin: API_ORIGIN || window.location.origin,
    connectionId: connection.id,
    tool: tool.name,
    args: JSON.parse(exampleArguments(tool)) as Record<string, unknown>,
  };
  const snippets = [
    { label: "curl", code: toolCallCurlSnippet(input) },
    { label: "fetch (JavaScript)", code: toolCallFetchSnippet(input) },
  ];
  return (
    <div>
      <p className="muted">
        Programs call this server's tools through the Worker, which adds the credential. Authenticate with a personal
        API key from <Link to="/settings/api-keys">Settings → API keys</Link>.
      </p>
      <div className="field">
        <label htmlFor={`${id}-tool`}>Tool</label>
        <select id={`${id}-tool`} value={tool.name} onChange={(event) => setToolName(event.target.value)}>
          {tools.map((entry) => (
            <option key={entry.name} value={entry.name}>
              {entry.name}
            </option>
          ))}
        </select>
      </div>
      {snippets.map((snippet) => (
        <figure key={snippet.label} className="snippet">
          <figcaption>
            {snippet.label} <CopyButton value={snippet.code} label={`Copy the ${snippet.label} snippet`} />
          </figcaption>
          <pre data-testid={`snippet-${snippet.label.split(" ")[0]}`}>
            <code>{snippet.code}</code>
          </pre>
        </figure>
      ))}
    </div>
  );
}
