import { useEffect, useState } from "react";
import { apiGet } from "./api";

interface Health {
  status: string;
  version: string;
  environment: string;
  checks: { d1: { ok: boolean; latency_ms: number } };
}

export function App() {
  const [health, setHealth] = useState<Health | { error: string } | null>(null);

  useEffect(() => {
    apiGet<Health>("/api/health")
      .then((body) => setHealth(body.success ? body.data : { error: body.error.message }))
      .catch((error: unknown) => setHealth({ error: String(error) }));
  }, []);

  return (
    <main className="page">
      <h1>Edge Integrations</h1>
      <p>Sign in, connect external services, and use them from workflows and AI clients.</p>
      <section aria-labelledby="status-heading">
        <h2 id="status-heading">Service status</h2>
        {health === null && <p>Checking…</p>}
        {health && "error" in health && <p role="alert">Unavailable: {health.error}</p>}
        {health && "status" in health && (
          <dl>
            <dt>Status</dt>
            <dd data-testid="health-status">{health.status}</dd>
            <dt>Database</dt>
            <dd>{health.checks.d1.ok ? `reachable (${health.checks.d1.latency_ms} ms)` : "unreachable"}</dd>
            <dt>Version</dt>
            <dd>
              {health.version} ({health.environment})
            </dd>
          </dl>
        )}
      </section>
    </main>
  );
}
