import { type ReactNode, useEffect, useState } from "react";
import { type McpConnection, McpConnectionTools, McpUsageSnippets } from "../mcp";
import { Link } from "../router/router";
import { CopyButton } from "../shell/CopyButton";
import { type Load, Loaded, useLoad } from "../shell/states";
import { getConnection, listProviders } from "./api";
import { DeleteConnection } from "./detail/DeleteConnection";
import { RenameForm, SecretsForm, SettingsForm } from "./detail/EditForms";
import { HealthPanel } from "./detail/HealthPanel";
import { UsageSnippets } from "./detail/UsageSnippets";
import { METHOD_LABELS, STATUS_LABELS } from "./format";
import { useOAuthFlow } from "./OAuthContext";
import { ProviderLogo } from "./ProviderLogo";
import type { Connection } from "./types";

/** `/connections/:id`: everything about one connection, and every way to change it. */
export function ConnectionDetailPage({ id }: { id: string }) {
  const [loaded, reload] = useLoad(() => getConnection(id), id);
  const [providers] = useLoad(listProviders);
  // Edits answer with the updated summary; show it without another round trip.
  const [connection, setConnection] = useState<Load<Connection>>(loaded);
  useEffect(() => setConnection(loaded), [loaded]);
  const oauth = useOAuthFlow();

  return (
    <section className="page-section" aria-labelledby="connection-heading">
      <p className="breadcrumbs">
        <Link to="/connections">Connections</Link> / Details
      </p>
      <Loaded load={connection} what="the connection" retry={reload}>
        {(value) => {
          const provider =
            providers.state === "ready" ? providers.value.find((entry) => entry.id === value.provider) : undefined;
          const update = (next: Connection) => setConnection({ state: "ready", value: next });
          const reconnect =
            value.connection_method === "oauth2"
              ? () => oauth.start({ provider: value.provider, label: value.name, connectionId: value.id })
              : undefined;
          return (
            <>
              <div className="page-head">
                <ProviderLogo provider={{ id: value.provider, name: provider?.name ?? value.provider }} size={48} />
                <div className="grow">
                  <h1 id="connection-heading">{value.name}</h1>
                  <p className="muted">
                    {provider?.name ?? value.provider} · {METHOD_LABELS[value.connection_method]}
                  </p>
                </div>
                <span className={`badge badge-${value.status}`} data-testid="connection-badge">
                  {STATUS_LABELS[value.status]}
                </span>
              </div>

              <div className="id-row">
                <span className="muted">Connection id</span> <code data-testid="connection-id">{value.id}</code>
                <CopyButton value={value.id} label="Copy the connection id" />
              </div>

              <div className="detail-grid">
                <Panel title="Status and health">
                  <HealthPanel
                    connection={value}
                    onChanged={reload}
                    reconnect={reconnect}
                    connecting={oauth.pending !== null}
                  />
                </Panel>
                <Panel title="Use it from code">
                  {value.connection_method === "mcp" ? (
                    <McpUsageSnippets connection={value as unknown as McpConnection} />
                  ) : (
                    <UsageSnippets connection={value} provider={provider} />
                  )}
                </Panel>
                {value.connection_method === "mcp" && (
                  <Panel title="MCP tools">
                    <McpConnectionTools
                      connection={value as unknown as McpConnection}
                      connect={oauth.start}
                      onChanged={reload}
                    />
                  </Panel>
                )}
                <Panel title="Name">
                  <RenameForm connection={value} onUpdated={update} />
                </Panel>
                {provider && (
                  <Panel title="Replace secrets">
                    <SecretsForm connection={value} provider={provider} onUpdated={update} />
                  </Panel>
                )}
                {provider && (
                  <Panel title="Settings">
                    <SettingsForm key={settingsKey(value)} connection={value} provider={provider} onUpdated={update} />
                  </Panel>
                )}
                <Panel title="Delete">
                  <DeleteConnection connection={value} />
                </Panel>
              </div>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

/**
 * Remounts the settings form (fresh initial values) only when the saved settings change — not on
 * every reload: a finished test or health check bumps `updated_at`, and must not wipe what the user
 * is typing into the form.
 */
function settingsKey(connection: Connection): string {
  const { base_url, timeout_ms, retries, verify_request, settings } = connection;
  return JSON.stringify([base_url, timeout_ms, retries, verify_request, settings]);
}

function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="panel" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
