import { useCallback, useEffect, useMemo, useState } from "react";
import { listConnections, listProviders } from "./api";
import { ConnectionForm } from "./ConnectionForm";
import { ConnectionRow } from "./ConnectionRow";
import { describeError } from "./format";
import type { OAuthOutcome } from "./oauthResult";
import type { Connection, Provider } from "./types";
import { useOAuthPopup } from "./useOAuthPopup";

type Load<T> = { state: "loading" } | { state: "ready"; value: T } | { state: "error"; message: string };
type Notice = { kind: "success" | "error"; text: string };

/** The signed-in user's connections and the form to add one. */
export function ConnectionsPanel() {
  const [providers, setProviders] = useState<Load<Provider[]>>({ state: "loading" });
  const [connections, setConnections] = useState<Load<Connection[]>>({ state: "loading" });
  const [notice, setNotice] = useState<Notice | null>(null);

  const refresh = useCallback(async () => {
    const body = await listConnections();
    setConnections(
      body.success ? { state: "ready", value: body.data } : { state: "error", message: describeError(body.error) },
    );
  }, []);

  const onOAuthOutcome = useCallback(
    (outcome: OAuthOutcome) => {
      if (outcome.type === "oauth_success") {
        const name = outcome.connection?.name;
        setNotice({ kind: "success", text: name ? `Connected “${name}”.` : "Connected." });
        void refresh();
      } else {
        setNotice({ kind: "error", text: `Connection failed: ${outcome.description}` });
      }
    },
    [refresh],
  );
  const oauth = useOAuthPopup(onOAuthOutcome);

  useEffect(() => {
    listProviders().then((body) =>
      setProviders(
        body.success ? { state: "ready", value: body.data } : { state: "error", message: describeError(body.error) },
      ),
    );
    void refresh();
  }, [refresh]);

  const providerById = useMemo(
    () => new Map(providers.state === "ready" ? providers.value.map((provider) => [provider.id, provider]) : []),
    [providers],
  );

  const onSaved = useCallback(
    (connection: Connection) => {
      setNotice({ kind: "success", text: `Saved “${connection.name}”.` });
      void refresh();
    },
    [refresh],
  );

  const onDeleted = useCallback(
    (name: string) => {
      setNotice({ kind: "success", text: `Deleted “${name}”.` });
      void refresh();
    },
    [refresh],
  );

  if (oauth.handedOver) {
    return (
      <section aria-labelledby="connections-heading">
        <h2 id="connections-heading">Connections</h2>
        <p role="status">Authorization finished. You can close this window.</p>
      </section>
    );
  }

  return (
    <>
      <section aria-labelledby="connections-heading">
        <h2 id="connections-heading">Connections</h2>

        <div aria-live="polite" data-testid="connections-notice">
          {oauth.pending && (
            <p className="notice">
              Waiting for you to authorize {oauth.pending} in the popup window…{" "}
              <button type="button" className="secondary" onClick={oauth.cancel}>
                Cancel
              </button>
            </p>
          )}
          {notice?.kind === "success" && <NoticeView notice={notice} onDismiss={() => setNotice(null)} />}
        </div>
        {notice?.kind === "error" && (
          <div role="alert">
            <NoticeView notice={notice} onDismiss={() => setNotice(null)} />
          </div>
        )}

        {connections.state === "loading" && <p className="muted">Loading connections…</p>}
        {connections.state === "error" && <p role="alert">Could not load connections: {connections.message}</p>}
        {connections.state === "ready" && connections.value.length === 0 && (
          <p className="muted">No connections yet. Add one below.</p>
        )}
        {connections.state === "ready" && connections.value.length > 0 && (
          <ul className="connections" data-testid="connections">
            {connections.value.map((connection) => (
              <ConnectionRow
                key={connection.id}
                connection={connection}
                provider={providerById.get(connection.provider)}
                onChanged={refresh}
                onDeleted={onDeleted}
                connect={oauth.start}
                connecting={oauth.pending !== null}
              />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="new-connection-heading">
        <h2 id="new-connection-heading">New connection</h2>
        {providers.state === "loading" && <p className="muted">Loading providers…</p>}
        {providers.state === "error" && <p role="alert">Could not load providers: {providers.message}</p>}
        {providers.state === "ready" && (
          <ConnectionForm
            providers={providers.value}
            onSaved={onSaved}
            connect={oauth.start}
            connecting={oauth.pending !== null}
          />
        )}
      </section>
    </>
  );
}

function NoticeView({ notice, onDismiss }: { notice: Notice; onDismiss: () => void }) {
  return (
    <p className={`notice notice-${notice.kind}`}>
      {notice.text}{" "}
      <button type="button" className="link" onClick={onDismiss}>
        Dismiss
      </button>
    </p>
  );
}
