import { Link, navigate } from "../router/router";
import { ErrorState, Loaded, useLoad } from "../shell/states";
import { useToasts } from "../shell/toasts";
import { listProviders } from "./api";
import { ConnectionForm } from "./form/ConnectionForm";
import { useOAuthFlow } from "./OAuthContext";
import { ProviderLogo } from "./ProviderLogo";

/** `/connections/new/:provider`: the connect form for one provider of the gallery. */
export function NewConnectionPage({ providerId }: { providerId: string }) {
  const [providers, reload] = useLoad(listProviders);
  const oauth = useOAuthFlow();
  const toasts = useToasts();
  return (
    <section className="page-section narrow" aria-labelledby="new-connection-heading">
      <p className="breadcrumbs">
        <Link to="/connections">Connections</Link> / <Link to="/connections/new">New</Link>
      </p>
      <Loaded load={providers} what="providers" retry={reload}>
        {(list) => {
          const provider = list.find((entry) => entry.id === providerId);
          if (!provider) return <ErrorState what="the provider" message={`there is no provider “${providerId}”.`} />;
          return (
            <>
              <div className="page-head">
                <ProviderLogo provider={provider} size={48} />
                <div>
                  <h1 id="new-connection-heading">Connect {provider.name}</h1>
                  <p className="muted">
                    {provider.description}{" "}
                    <a href={provider.docs_url} target="_blank" rel="noreferrer">
                      API documentation
                    </a>
                  </p>
                </div>
              </div>
              <ConnectionForm
                key={provider.id}
                provider={provider}
                connect={oauth.start}
                connecting={oauth.pending !== null}
                onSaved={(connection) => {
                  toasts.show("success", `Saved “${connection.name}”.`);
                  navigate(`/connections/${encodeURIComponent(connection.id)}`);
                }}
              />
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
