import { useCallback, useEffect, useState } from "react";
import { api, signInUrl } from "./api";
import { ConnectionsPanel } from "./connections/ConnectionsPanel";

interface Health {
  status: string;
  version: string;
  environment: string;
  checks: { d1: { ok: boolean; latency_ms: number } };
}

interface Me {
  user: { id: string; email: string; name: string | null };
  organizations: Array<{ id: string; name: string; role: string }>;
  session: { auth_method: string; expires_at: number };
}

type Load<T> = { state: "loading" } | { state: "ready"; value: T } | { state: "error"; message: string };

export function App() {
  const [health, setHealth] = useState<Load<Health>>({ state: "loading" });
  const [me, setMe] = useState<Load<Me | null>>({ state: "loading" });

  const loadMe = useCallback(async () => {
    const body = await api<Me>("/api/auth/me");
    if (body.success) setMe({ state: "ready", value: body.data });
    else if (body.error.code === "unauthenticated") setMe({ state: "ready", value: null });
    else setMe({ state: "error", message: body.error.message });
  }, []);

  useEffect(() => {
    api<Health>("/api/health")
      .then((body) =>
        setHealth(
          body.success ? { state: "ready", value: body.data } : { state: "error", message: body.error.message },
        ),
      )
      .catch((error: unknown) => setHealth({ state: "error", message: String(error) }));
    loadMe().catch((error: unknown) => setMe({ state: "error", message: String(error) }));
  }, [loadMe]);

  const signOut = async (everywhere: boolean) => {
    const body = await api<{ logout_url?: string | null }>(
      everywhere ? "/api/auth/sessions/revoke-all" : "/api/auth/logout",
      {
        method: "POST",
      },
    );
    if (body.success && body.data.logout_url) window.location.assign(body.data.logout_url);
    else await loadMe();
  };

  return (
    <main className="page">
      <h1>Edge Integrations</h1>
      <p>Sign in, connect external services, and use them from workflows and AI clients.</p>

      <section aria-labelledby="account-heading">
        <h2 id="account-heading">Account</h2>
        {me.state === "loading" && <p>Checking your session…</p>}
        {me.state === "error" && <p role="alert">{me.message}</p>}
        {me.state === "ready" && me.value === null && (
          <p>
            <a className="button" href={signInUrl()} data-testid="sign-in">
              Sign in
            </a>
          </p>
        )}
        {me.state === "ready" && me.value && (
          <>
            <p data-testid="signed-in-as">
              Signed in as <strong>{me.value.user.name ?? me.value.user.email}</strong> ({me.value.user.email}) via{" "}
              {me.value.session.auth_method}
            </p>
            <ul>
              {me.value.organizations.map((org) => (
                <li key={org.id}>
                  {org.name} — {org.role}
                </li>
              ))}
            </ul>
            <p className="actions">
              <button type="button" onClick={() => signOut(false)} data-testid="sign-out">
                Sign out
              </button>
              <button type="button" onClick={() => signOut(true)}>
                Sign out everywhere
              </button>
            </p>
          </>
        )}
      </section>

      {me.state === "ready" && me.value && <ConnectionsPanel />}

      <section aria-labelledby="status-heading">
        <h2 id="status-heading">Service status</h2>
        {health.state === "loading" && <p>Checking…</p>}
        {health.state === "error" && <p role="alert">Unavailable: {health.message}</p>}
        {health.state === "ready" && (
          <dl>
            <dt>Status</dt>
            <dd data-testid="health-status">{health.value.status}</dd>
            <dt>Database</dt>
            <dd>{health.value.checks.d1.ok ? `reachable (${health.value.checks.d1.latency_ms} ms)` : "unreachable"}</dd>
            <dt>Version</dt>
            <dd>
              {health.value.version} ({health.value.environment})
            </dd>
          </dl>
        )}
      </section>
    </main>
  );
}
