import { ParagonSection } from "../paragon";
import { Link } from "../router/router";
import { EmptyState, Loaded, useLoad } from "../shell/states";
import { listConnections, listProviders } from "./api";
import { METHOD_LABELS, STATUS_LABELS } from "./format";
import { ProviderLogo } from "./ProviderLogo";
import { Time } from "./Time";

/** `/connections`: the signed-in user's connections, each linking to its page. */
export function ConnectionsPage() {
  const [connections, reload] = useLoad(listConnections);
  const [providers] = useLoad(listProviders);
  const providerName = (id: string) =>
    (providers.state === "ready" ? providers.value.find((provider) => provider.id === id)?.name : undefined) ?? id;

  return (
    <section className="page-section" aria-labelledby="connections-heading">
      <div className="page-head">
        <h1 id="connections-heading">Connections</h1>
        <Link to="/connections/new" className="button" data-testid="add-connection">
          Add a connection
        </Link>
      </div>
      <Loaded load={connections} what="connections" retry={reload}>
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No connections yet">
              <p className="muted">
                Connect an API once; workflows, agents and your own programs then call it through the proxy without ever
                seeing the credential.
              </p>
              <Link to="/connections/new" className="button">
                Browse providers
              </Link>
            </EmptyState>
          ) : (
            <ul className="cards" data-testid="connections">
              {list.map((connection) => (
                <li key={connection.id} className="card" data-testid="connection">
                  <Link to={`/connections/${encodeURIComponent(connection.id)}`} className="card-link">
                    <ProviderLogo provider={{ id: connection.provider, name: providerName(connection.provider) }} />
                    <span className="card-body">
                      <span className="card-title">{connection.name}</span>
                      <span className="muted">
                        {providerName(connection.provider)} · {METHOD_LABELS[connection.connection_method]}
                      </span>
                      <span className="muted small">
                        Last used <Time ms={connection.last_used_at} />
                      </span>
                    </span>
                    <span className={`badge badge-${connection.status}`}>{STATUS_LABELS[connection.status]}</span>
                  </Link>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <ParagonSection />
    </section>
  );
}
