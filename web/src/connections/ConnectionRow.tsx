import { useEffect, useId, useRef, useState } from "react";
import { connectionStatus, deleteConnection, testConnection } from "./api";
import { describeError, METHOD_LABELS, STATUS_LABELS } from "./format";
import { TestResultView, type TestState } from "./TestResultView";
import { Time } from "./Time";
import type { Connection, ConnectionHealth, Provider } from "./types";
import type { OAuthRequest } from "./useOAuthPopup";

type Load<T> = { state: "loading" } | { state: "ready"; value: T } | { state: "error"; message: string };

interface Props {
  connection: Connection;
  provider: Provider | undefined;
  /** Called after a test, which may have changed the connection's status. */
  onChanged: () => void;
  onDeleted: (name: string) => void;
  connect: (request: OAuthRequest) => void;
  /** An OAuth flow is under way somewhere on the page. */
  connecting: boolean;
}

/** One connection: its state, and Test / Connect / Status / Delete. */
export function ConnectionRow({ connection, provider, onChanged, onDeleted, connect, connecting }: Props) {
  const id = useId();
  const nameId = `${id}-name`;
  const confirmRef = useRef<HTMLButtonElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);
  const [test, setTest] = useState<TestState>({ state: "idle" });
  const [details, setDetails] = useState<Load<ConnectionHealth> | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  // Asking to confirm moves focus to the confirmation, so keyboard users land on it.
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const providerName = provider?.name ?? connection.provider;
  const isOAuth = connection.connection_method === "oauth2";
  const canTest = connection.connection_method !== "mcp" && connection.connection_method !== "paragon";

  const loadDetails = async () => {
    setDetails({ state: "loading" });
    const body = await connectionStatus(connection.id);
    setDetails(
      body.success ? { state: "ready", value: body.data } : { state: "error", message: describeError(body.error) },
    );
  };

  const runTest = async () => {
    setTest({ state: "running" });
    const body = await testConnection(connection.id);
    setTest(
      body.success ? { state: "done", result: body.data } : { state: "error", message: describeError(body.error) },
    );
    if (body.success) {
      onChanged();
      if (details) void loadDetails();
    }
  };

  const toggleDetails = () => {
    if (details) setDetails(null);
    else void loadDetails();
  };

  const remove = async () => {
    setDeleting(true);
    setDeleteError(null);
    const body = await deleteConnection(connection.id);
    setDeleting(false);
    if (body.success) onDeleted(connection.name);
    else setDeleteError(describeError(body.error));
  };

  return (
    <li className="connection" data-testid="connection">
      <div className="connection-head">
        <h3 id={nameId}>{connection.name}</h3>
        <span className={`badge badge-${connection.status}`}>{STATUS_LABELS[connection.status]}</span>
      </div>
      <dl className="connection-meta">
        <dt>Provider</dt>
        <dd>{providerName}</dd>
        <dt>Method</dt>
        <dd>{METHOD_LABELS[connection.connection_method] ?? connection.connection_method}</dd>
        {connection.status !== "active" && connection.status_reason && (
          <>
            <dt>Reason</dt>
            <dd>{connection.status_reason}</dd>
          </>
        )}
        <dt>Last used</dt>
        <dd>
          <Time ms={connection.last_used_at} />
        </dd>
        <dt>Last tested</dt>
        <dd>
          <Time ms={connection.last_tested_at} />
          {connection.last_test_success !== null && (connection.last_test_success ? " — passed" : " — failed")}
        </dd>
      </dl>

      <div className="actions">
        {canTest && (
          <button type="button" aria-describedby={nameId} onClick={runTest} disabled={test.state === "running"}>
            {test.state === "running" ? "Testing…" : "Test"}
          </button>
        )}
        {isOAuth && (
          <button
            type="button"
            aria-describedby={nameId}
            disabled={connecting}
            onClick={() =>
              connect({ provider: connection.provider, label: connection.name, connectionId: connection.id })
            }
          >
            {connection.status === "disconnected" ? "Connect" : "Reconnect"}
          </button>
        )}
        <button
          type="button"
          className="secondary"
          aria-describedby={nameId}
          aria-expanded={details !== null}
          aria-controls={`${id}-details`}
          onClick={toggleDetails}
        >
          Status
        </button>
        <button
          type="button"
          className="danger"
          aria-describedby={nameId}
          onClick={() => {
            setConfirming(true);
            setDeleteError(null);
          }}
          ref={deleteRef}
          disabled={deleting}
        >
          Delete
        </button>
      </div>

      <div aria-live="polite">
        <TestResultView test={test} />
      </div>

      {confirming && (
        <div className="confirm">
          <p>
            Delete <strong>{connection.name}</strong>? Workflows using it will stop working
            {isOAuth ? ", and its access is revoked at the provider" : ""}.
          </p>
          <p className="actions">
            <button ref={confirmRef} type="button" className="danger" onClick={remove} disabled={deleting}>
              {deleting ? "Deleting…" : "Delete connection"}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setConfirming(false);
                deleteRef.current?.focus();
              }}
              disabled={deleting}
            >
              Cancel
            </button>
          </p>
          {deleteError && <p role="alert">{deleteError}</p>}
        </div>
      )}

      <div id={`${id}-details`} aria-live="polite">
        {details && <HealthDetails details={details} />}
      </div>
    </li>
  );
}

const TOKEN_STATES: Record<NonNullable<ConnectionHealth["token"]>["state"], string> = {
  valid: "Valid",
  expiring: "Valid, refreshing soon",
  expired: "Expired",
  missing: "None yet (not authorized)",
};

function HealthDetails({ details }: { details: Load<ConnectionHealth> }) {
  if (details.state === "loading") return <p className="muted">Loading status…</p>;
  if (details.state === "error") return <p role="alert">{details.message}</p>;
  const health = details.value;
  const token = health.token;
  return (
    <dl className="connection-details" data-testid="connection-status">
      <dt>Healthy</dt>
      <dd>{health.healthy ? "Yes" : "No"}</dd>
      <dt>Status</dt>
      <dd>
        {STATUS_LABELS[health.status]}
        {health.status_reason ? ` — ${health.status_reason}` : ""}
      </dd>
      {token && (
        <>
          <dt>Token</dt>
          <dd>{TOKEN_STATES[token.state]}</dd>
          <dt>Expires</dt>
          <dd>
            <Time ms={token.expires_at} never={token.state === "missing" ? "—" : "Does not expire"} />
          </dd>
          <dt>Scopes</dt>
          <dd>{token.scopes?.length ? token.scopes.join(" ") : "—"}</dd>
          <dt>Last refresh</dt>
          <dd>
            <Time ms={token.last_refresh_at} />
          </dd>
          {token.last_refresh_error && (
            <>
              <dt>Refresh error</dt>
              <dd>
                {token.last_refresh_error}
                {token.refresh_attempts > 0 ? ` (${token.refresh_attempts} attempts)` : ""}
                {token.refresh_exhausted ? " — reconnect to fix it" : ""}
              </dd>
            </>
          )}
        </>
      )}
    </dl>
  );
}
