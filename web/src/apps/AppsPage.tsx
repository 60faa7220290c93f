import { useCallback, useEffect, useState } from "react";
import { Time } from "../connections/Time";
import { type AuthorizedApp, listAuthorizedApps, revokeAuthorizedApp, SCOPE_TEXT } from "./api";

const KIND_TEXT: Record<string, string> = {
  dcr: "Registered itself",
  cimd: "Identified by its website",
  confidential: "Added by your administrator",
};

/** Where an app is identified by its website (CIMD), show that host; it is what the consent page showed. */
function identity(app: AuthorizedApp): string {
  if (app.client_kind === "cimd") {
    try {
      return new URL(app.client_id).host;
    } catch {
      return app.client_id;
    }
  }
  return KIND_TEXT[app.client_kind ?? ""] ?? "Unknown app";
}

/**
 * Authorized apps (SPEC §8): the MCP clients and other apps the signed-in user let into their account,
 * what each may do, and a Revoke button. Revoking stops the app's refresh at once and its access on `/mcp`
 * within five seconds.
 */
export function AppsPage() {
  const [apps, setApps] = useState<AuthorizedApp[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);

  const load = useCallback(async () => {
    const body = await listAuthorizedApps();
    if (body.success) {
      setApps(body.data);
      setError(null);
    } else setError(body.error.message);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const revoke = async (app: AuthorizedApp) => {
    if (!window.confirm(`Revoke ${app.client_name}? It will lose access within a few seconds.`)) return;
    setRevoking(app.id);
    const body = await revokeAuthorizedApp(app.id);
    setRevoking(null);
    if (body.success) await load();
    else setError(body.error.message);
  };

  return (
    <section aria-labelledby="apps-heading">
      <h2 id="apps-heading">Authorized apps</h2>
      <p className="muted">
        AI clients such as Claude, Cursor, VS Code or MCP Inspector that you connected to this account. They act as you,
        within the permissions listed.
      </p>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      {apps === null && !error && <p>Loading…</p>}
      {apps?.length === 0 && <p className="muted">No apps have access to your account.</p>}
      <ul className="connections">
        {apps?.map((app) => (
          <li key={app.id} className="connection" data-testid="authorized-app">
            <div className="connection-head">
              <strong>{app.client_name}</strong>
              <span className="badge">{identity(app)}</span>
            </div>
            <ul className="muted">
              {app.scopes.map((scope) => (
                <li key={scope}>{SCOPE_TEXT[scope] ?? scope}</li>
              ))}
            </ul>
            <p className="connection-meta">
              Authorized <Time ms={app.created_at} /> · last used <Time ms={app.last_used_at} never="not yet" />
            </p>
            <p className="actions">
              <button
                type="button"
                onClick={() => void revoke(app)}
                disabled={revoking === app.id}
                data-testid="revoke-app"
              >
                {revoking === app.id ? "Revoking…" : "Revoke"}
              </button>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
