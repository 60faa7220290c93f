import { McpConnectionForm } from "../mcp";
import { Link, navigate } from "../router/router";
import { useToasts } from "../shell/toasts";
import { useOAuthFlow } from "./OAuthContext";

/** `/connections/new-mcp`: connect an MCP server (the MCP client's form, in the shell). */
export function NewMcpConnectionPage() {
  const oauth = useOAuthFlow();
  const toasts = useToasts();
  return (
    <section className="page-section narrow" aria-labelledby="new-mcp-heading">
      <p className="breadcrumbs">
        <Link to="/connections">Connections</Link> / <Link to="/connections/new">New</Link>
      </p>
      <h1 id="new-mcp-heading">Connect an MCP server</h1>
      <McpConnectionForm
        connect={oauth.start}
        onCreated={(connection) => {
          toasts.show("success", `Saved “${connection.name}”.`);
          navigate(`/connections/${encodeURIComponent(connection.id)}`);
        }}
      />
    </section>
  );
}
