import { useState } from "react";
import { describeError } from "../connections/format";
import type { OAuthRequest } from "../connections/useOAuthPopup";
import { refreshMcpTools } from "./api";
import { McpToolCall } from "./McpToolCall";
import { McpToolList } from "./McpToolList";
import type { McpConnection, McpTool } from "./types";

interface Props {
  connection: McpConnection;
  /** Starts the OAuth popup for an OAuth MCP server that is not (or no longer) authorized. */
  connect: (request: OAuthRequest) => void;
  onChanged?: () => void;
}

/** The connection page's MCP section: server info, its tools with schemas, "Refresh tools", "Try it", Connect. */
export function McpConnectionTools({ connection, connect, onChanged }: Props) {
  const [tools, setTools] = useState<McpTool[]>(connection.mcp_tools ?? []);
  const [trying, setTrying] = useState<McpTool | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const needsAuthorization =
    connection.settings?.auth_type === "oauth2" &&
    (connection.status === "disconnected" || connection.status === "expired");

  const refresh = async () => {
    setRefreshing(true);
    setError(null);
    const body = await refreshMcpTools(connection.id);
    setRefreshing(false);
    if (body.success) {
      setTools(body.data.tools);
      onChanged?.();
    } else setError(describeError(body.error));
  };

  const server = connection.capabilities?.server;
  return (
    <section aria-label={`Tools of ${connection.name}`} data-testid="mcp-connection-tools">
      <p className="muted">
        {connection.mcp_server_url}
        {server ? ` · ${server.name} ${server.version}` : ""}
        {connection.capabilities?.transport ? ` · ${connection.capabilities.transport}` : ""}
      </p>
      {connection.status_reason ? <p className="muted">{connection.status_reason}</p> : null}
      <p className="actions">
        {needsAuthorization ? (
          <button
            type="button"
            onClick={() => connect({ provider: "mcp", label: connection.name, connectionId: connection.id })}
          >
            Connect
          </button>
        ) : (
          <button type="button" className="secondary" onClick={refresh} disabled={refreshing}>
            {refreshing ? "Refreshing…" : "Refresh tools"}
          </button>
        )}
      </p>
      {error ? (
        <div role="alert" className="form-error">
          {error}
        </div>
      ) : null}
      {trying ? <McpToolCall connectionId={connection.id} tool={trying} onClose={() => setTrying(null)} /> : null}
      <McpToolList tools={tools} onTry={needsAuthorization ? undefined : setTrying} />
    </section>
  );
}
