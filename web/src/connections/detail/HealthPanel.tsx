import { useState } from "react";
import { Loaded, useLoad } from "../../shell/states";
import { useToasts } from "../../shell/toasts";
import { connectionStatus, testConnection } from "../api";
import { describeError, STATUS_LABELS } from "../format";
import { TestResultView, type TestState } from "../TestResultView";
import { Time } from "../Time";
import type { Connection, ConnectionHealth } from "../types";

const TOKEN_STATES: Record<NonNullable<ConnectionHealth["token"]>["state"], string> = {
  valid: "Valid",
  expiring: "Valid, refreshing soon",
  expired: "Expired",
  missing: "None yet (not authorized)",
};

/** Status and token health (`GET /api/connections/:id/status`), with Test and Reconnect. */
export function HealthPanel({
  connection,
  onChanged,
  reconnect,
  connecting,
}: {
  connection: Connection;
  onChanged: () => void;
  reconnect?: () => void;
  connecting: boolean;
}) {
  const toasts = useToasts();
  const [health, reload] = useLoad(() => connectionStatus(connection.id), `${connection.id}:${connection.updated_at}`);
  const [test, setTest] = useState<TestState>({ state: "idle" });
  const canTest = connection.connection_method !== "mcp" && connection.connection_method !== "paragon";

  const runTest = async () => {
    toasts.clear();
    setTest({ state: "running" });
    const body = await testConnection(connection.id);
    setTest(
      body.success ? { state: "done", result: body.data } : { state: "error", message: describeError(body.error) },
    );
    if (body.success) {
      onChanged();
      void reload();
    }
  };

  return (
    <div>
      <Loaded load={health} what="status" retry={reload}>
        {(value) => (
          <dl className="details" data-testid="connection-status">
            <dt>Healthy</dt>
            <dd>{value.healthy ? "Yes" : "No"}</dd>
            <dt>Status</dt>
            <dd>
              {STATUS_LABELS[value.status]}
              {value.status_reason ? ` — ${value.status_reason}` : ""}
            </dd>
            <dt>Last used</dt>
            <dd>
              <Time ms={value.last_used_at} />
            </dd>
            <dt>Last tested</dt>
            <dd>
              <Time ms={value.last_tested_at} />
              {value.last_test_success !== null && (value.last_test_success ? " — passed" : " — failed")}
            </dd>
            {value.token && (
              <>
                <dt>Token</dt>
                <dd>{TOKEN_STATES[value.token.state]}</dd>
                <dt>Expires</dt>
                <dd>
                  <Time ms={value.token.expires_at} never={value.token.state === "missing" ? "—" : "Does not expire"} />
                </dd>
                <dt>Scopes</dt>
                <dd>{value.token.scopes?.length ? value.token.scopes.join(" ") : "—"}</dd>
                <dt>Last refresh</dt>
                <dd>
                  <Time ms={value.token.last_refresh_at} />
                </dd>
                {value.token.last_refresh_error && (
                  <>
                    <dt>Refresh error</dt>
                    <dd>
                      {value.token.last_refresh_error}
                      {value.token.refresh_attempts > 0 ? ` (${value.token.refresh_attempts} attempts)` : ""}
                      {value.token.refresh_exhausted ? " — reconnect to fix it" : ""}
                    </dd>
                  </>
                )}
              </>
            )}
          </dl>
        )}
      </Loaded>
      <p className="actions">
        {canTest && (
          <button type="button" onClick={runTest} disabled={test.state === "running"}>
            {test.state === "running" ? "Testing…" : "Test"}
          </button>
        )}
        {reconnect && (
          <button type="button" className="secondary" onClick={reconnect} disabled={connecting}>
            {connection.status === "disconnected" ? "Connect" : "Reconnect"}
          </button>
        )}
      </p>
      <div aria-live="polite">
        <TestResultView test={test} />
      </div>
    </div>
  );
}
