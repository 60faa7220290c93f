import { useCallback, useEffect, useState } from "react";
import { describeError, STATUS_LABELS } from "../connections/format";
import type { Connection } from "../connections/types";
import { listParagonConnections } from "./api";
import { useParagonConnect } from "./useParagonConnect";

type Load = { state: "loading" } | { state: "ready"; value: Connection[] } | { state: "error"; message: string };

/** Paragon's webhook creates the connection shortly after the portal closes: look again a few times. */
const REFRESH_AFTER_CONNECT_MS = [1_000, 3_000, 8_000];

/**
 * The Paragon section of the connections page: the user's Paragon-managed connections, and — when the
 * deployment has Paragon configured — the project's integrations with a button that opens Paragon's
 * Connect Portal. Without configuration it says so plainly instead of offering buttons that cannot work.
 */
export function ParagonSection() {
  const [connections, setConnections] = useState<Load>({ state: "loading" });
  const [notice, setNotice] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const body = await listParagonConnections();
    setConnections(
      body.success ? { state: "ready", value: body.data } : { state: "error", message: describeError(body.error) },
    );
  }, []);

  const onConnected = useCallback(
    (integration: string) => {
      setNotice(`Connected ${integration}. It appears below as soon as Paragon confirms it.`);
      for (const delay of REFRESH_AFTER_CONNECT_MS) setTimeout(() => void refresh(), delay);
    },
    [refresh],
  );
  const { status, connect } = useParagonConnect(onConnected);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <section aria-labelledby="paragon-heading" data-testid="paragon-section">
      <h2 id="paragon-heading">Paragon integrations</h2>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}

      {connections.state === "loading" && <p className="muted">Loading your Paragon connections…</p>}
      {connections.state === "error" && <p role="alert">{connections.message}</p>}
      {connections.state === "ready" &&
        (connections.value.length === 0 ? (
          <p className="muted">No Paragon integrations connected yet.</p>
        ) : (
          <ul className="connections" data-testid="paragon-connections">
            {connections.value.map((connection) => (
              <li key={connection.id} className="connection" data-testid="paragon-connection">
                <div className="connection-head">
                  <strong>{connection.name}</strong>{" "}
                  <span className={`badge badge-${connection.status}`}>{STATUS_LABELS[connection.status]}</span>
                </div>
                {connection.status_reason && <p className="muted">{connection.status_reason}</p>}
              </li>
            ))}
          </ul>
        ))}

      {status.state === "loading" && <p className="muted">Loading Paragon…</p>}
      {status.state === "not_configured" && (
        <p className="muted" data-testid="paragon-not-configured">
          Paragon is not configured on this deployment. An operator enables it by setting PARAGON_PROJECT_ID and
          PARAGON_SIGNING_KEY (and PARAGON_WEBHOOK_SECRET so connections appear here).
        </p>
      )}
      {status.state === "error" && <p role="alert">{status.message}</p>}
      {status.state === "ready" && (
        <ul className="paragon-integrations">
          {status.integrations.map((integration) => (
            <li key={integration.type}>
              <button type="button" className="secondary" onClick={() => void connect(integration.type)}>
                {integration.icon && <img src={integration.icon} alt="" width={16} height={16} />} Connect{" "}
                {integration.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
