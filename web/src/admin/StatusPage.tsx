import { call, client } from "../rpc";
import { Loaded, useLoad } from "../shell/states";

const loadHealth = () => call(client.api.health.$get());

/** `/admin`: the service's health (`GET /api/health`). */
export function StatusPage() {
  const [health, reload] = useLoad(loadHealth);
  return (
    <section className="page-section" aria-labelledby="status-heading">
      <div className="page-head">
        <h1 id="status-heading">Service status</h1>
        <button type="button" className="secondary" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      <Loaded load={health} what="the service status" retry={reload}>
        {(value) => (
          <div className="panel">
            <dl className="details">
              <dt>Status</dt>
              <dd data-testid="health-status">{value.status}</dd>
              <dt>Database</dt>
              <dd>{value.checks.d1.ok ? `reachable (${value.checks.d1.latency_ms} ms)` : "unreachable"}</dd>
              <dt>Version</dt>
              <dd>
                {value.version} ({value.environment})
              </dd>
            </dl>
          </div>
        )}
      </Loaded>
    </section>
  );
}
