import type { McpTool } from "./types";

/** A server's tools with their descriptions, hints and input schemas (collapsed). */
export function McpToolList({ tools, onTry }: { tools: McpTool[]; onTry?: (tool: McpTool) => void }) {
  if (tools.length === 0) return <p className="muted">This server offers no tools.</p>;
  return (
    <ul className="mcp-tools" data-testid="mcp-tools">
      {tools.map((tool) => (
        <li key={tool.name} data-testid="mcp-tool">
          <strong>{tool.title ?? tool.name}</strong> <code>{tool.name}</code>
          {tool.annotations?.readOnlyHint ? <span className="badge">read-only</span> : null}
          {tool.annotations?.destructiveHint ? <span className="badge badge-invalid">destructive</span> : null}
          {tool.description ? <p className="muted">{tool.description}</p> : null}
          <details>
            <summary>Input schema</summary>
            <pre>{JSON.stringify(tool.input_schema, null, 2)}</pre>
          </details>
          {onTry ? (
            <button type="button" className="secondary" onClick={() => onTry(tool)}>
              Try it
            </button>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
