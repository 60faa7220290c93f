import { useId, useState } from "react";
import { Link } from "../router/router";
import { EmptyState, Loaded, useLoad } from "../shell/states";
import { listProviders } from "./api";
import { CATEGORY_LABELS, groupProviders } from "./categories";
import { METHOD_LABELS } from "./format";
import { ProviderLogo } from "./ProviderLogo";
import type { Provider } from "./types";

/** `/connections/new`: the provider gallery, searchable and grouped by category. */
export function GalleryPage() {
  const searchId = useId();
  const [providers, reload] = useLoad(listProviders);
  const [query, setQuery] = useState("");

  return (
    <section className="page-section" aria-labelledby="gallery-heading">
      <p className="breadcrumbs">
        <Link to="/connections">Connections</Link> / New
      </p>
      <div className="page-head">
        <h1 id="gallery-heading" className="grow">
          Add a connection
        </h1>
        <Link to="/connections/new-mcp" className="button secondary" data-testid="add-mcp">
          Connect an MCP server
        </Link>
      </div>
      <div className="field search">
        <label htmlFor={searchId}>Search providers</label>
        <input
          id={searchId}
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder="Slack, CRM, payments…"
          autoComplete="off"
          data-testid="gallery-search"
        />
      </div>
      <Loaded load={providers} what="providers" retry={reload}>
        {(list) => {
          const groups = groupProviders(list, query);
          if (groups.length === 0)
            return (
              <EmptyState title={`No provider matches “${query}”`}>
                <p className="muted">
                  Any HTTP API works through <Link to="/connections/new/custom_api">Custom API</Link> or{" "}
                  <Link to="/connections/new/custom_oauth2">Custom OAuth 2.0</Link>.
                </p>
              </EmptyState>
            );
          return groups.map(([category, entries]) => (
            <section key={category} className="gallery-group" aria-labelledby={`${searchId}-${category}`}>
              <h2 id={`${searchId}-${category}`}>{CATEGORY_LABELS[category]}</h2>
              <ul className="gallery" data-testid="gallery">
                {entries.map((provider) => (
                  <ProviderCard key={provider.id} provider={provider} />
                ))}
              </ul>
            </section>
          ));
        }}
      </Loaded>
    </section>
  );
}

/** Whether the only ways to connect need an OAuth app this deployment does not have. */
export function onlyUnconfiguredOAuth(provider: Provider): boolean {
  return provider.oauth_configured === false && provider.auth_methods.every((method) => method === "oauth2");
}

function ProviderCard({ provider }: { provider: Provider }) {
  const unconfigured = provider.oauth_configured === false;
  return (
    <li className="gallery-item" data-testid="provider-card" data-provider={provider.id}>
      <Link to={`/connections/new/${encodeURIComponent(provider.id)}`} className="gallery-link">
        <ProviderLogo provider={provider} />
        <span className="card-body">
          <span className="card-title">{provider.name}</span>
          <span className="chips">
            {provider.auth_methods.map((method) => (
              <span key={method} className="chip">
                {METHOD_LABELS[method]}
              </span>
            ))}
          </span>
          {unconfigured && (
            <span className="badge badge-disconnected small">
              {onlyUnconfiguredOAuth(provider) ? "OAuth not set up" : "OAuth not set up; other methods work"}
            </span>
          )}
        </span>
      </Link>
    </li>
  );
}
