import { useEffect, useState } from "react";
import { cancelExecution, eventsUrl, getExecution } from "./api";
import { type Execution, type ExecutionEvent, type ExecutionNode, TERMINAL_EVENTS } from "./types";

/** Applies a streamed event to the page's copy of the execution (the server's reducer is the reference). */
function applyEvent(execution: Execution, event: ExecutionEvent): Execution {
  const nodes = [...(execution.nodes ?? [])];
  const index = nodes.findIndex((node) => node.node_id === event.node_id);
  const current: ExecutionNode =
    index >= 0 ? (nodes[index] as ExecutionNode) : { node_id: event.node_id ?? "", status: "pending", attempts: 0 };
  const put = (node: ExecutionNode) => {
    if (index >= 0) nodes[index] = node;
    else nodes.push(node);
  };
  switch (event.type) {
    case "started":
      return { ...execution, status: "running", started_at: execution.started_at ?? event.at };
    case "node_started":
      put({ ...current, status: "running", attempts: event.attempt ?? current.attempts });
      return { ...execution, status: "running", nodes };
    case "node_completed":
      put({ ...current, status: "completed", output: event.output, attempts: event.attempts ?? current.attempts });
      return { ...execution, nodes };
    case "node_failed":
      put({
        ...current,
        status: event.final === false ? "running" : "failed",
        ...(event.error && { error: event.error }),
        attempts: event.attempts ?? current.attempts,
      });
      return { ...execution, nodes };
    case "node_skipped":
      put({ ...current, status: "skipped" });
      return { ...execution, nodes };
    case "completed":
      return { ...execution, status: "completed", output: event.output, completed_at: event.at };
    case "failed":
      return { ...execution, status: "failed", error: event.error ?? null, completed_at: event.at };
    case "cancelled":
      return { ...execution, status: "cancelled", completed_at: event.at };
    default:
      return execution;
  }
}

export interface ExecutionPageProps {
  executionId: string;
}

/** One execution with live per-node status from its event stream (SSE, SPEC §7.2). */
export function ExecutionPage({ executionId }: ExecutionPageProps) {
  const [execution, setExecution] = useState<Execution | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);

  useEffect(() => {
    let source: EventSource | null = null;
    let stopped = false;
    void getExecution(executionId).then((body) => {
      if (stopped) return;
      if (!body.success) {
        setError(body.error.message);
        return;
      }
      setExecution(body.data);
      if (["completed", "failed", "cancelled"].includes(body.data.status)) return;
      // The stream replays from the start, so nothing between the fetch and the subscription is missed.
      source = new EventSource(eventsUrl(executionId), { withCredentials: true });
      setLive(true);
      const onEvent = (message: MessageEvent<string>) => {
        const event = JSON.parse(message.data) as ExecutionEvent;
        setExecution((current) => (current ? applyEvent(current, event) : current));
        if (TERMINAL_EVENTS.has(event.type)) {
          // The server ends the stream after a terminal event; without close() EventSource would reconnect.
          source?.close();
          setLive(false);
          void getExecution(executionId).then((final) => final.success && setExecution(final.data));
        }
      };
      for (const type of [
        "started",
        "node_started",
        "node_completed",
        "node_failed",
        "node_skipped",
        "completed",
        "failed",
        "cancelled",
      ])
        source.addEventListener(type, onEvent as EventListener);
    });
    return () => {
      stopped = true;
      source?.close();
    };
  }, [executionId]);

  const cancel = async () => {
    const body = await cancelExecution(executionId);
    if (body.success) setExecution(body.data);
    else setError(body.error.message);
  };

  if (error)
    return (
      <p role="alert" className="form-error">
        {error}
      </p>
    );
  if (!execution) return <p>Loading…</p>;
  const finished = ["completed", "failed", "cancelled"].includes(execution.status);
  return (
    <section aria-labelledby="execution-heading">
      <h2 id="execution-heading">
        Execution{" "}
        <span className={`badge badge-${execution.status}`} data-testid="execution-status">
          {execution.status}
        </span>
      </h2>
      <p className="muted">
        {execution.kind} v{execution.version} on {execution.engine}
        {live ? " — live" : ""}
        {execution.status_reason ? ` — ${execution.status_reason}` : ""}
      </p>
      {execution.error && (
        <p className="notice notice-error" role="alert">
          {execution.error.node_id ? `${execution.error.node_id}: ` : ""}
          {execution.error.message}
        </p>
      )}
      <ol className="connections">
        {(execution.nodes ?? []).map((node) => (
          <li key={node.node_id} className="connection" data-testid={`node-${node.node_id}`}>
            <div className="connection-head">
              <strong>{node.node_id}</strong>
              <span className={`badge badge-${node.status}`} data-testid="node-status">
                {node.status}
              </span>
            </div>
            <p className="connection-meta">
              {node.attempts} attempt{node.attempts === 1 ? "" : "s"}
              {node.error ? ` — ${node.error.message}` : ""}
            </p>
            {node.output !== undefined && (
              <details>
                <summary>Output</summary>
                <pre>{JSON.stringify(node.output, null, 2)}</pre>
              </details>
            )}
          </li>
        ))}
      </ol>
      {execution.output !== null && execution.output !== undefined && (
        <details open>
          <summary>Output</summary>
          <pre data-testid="execution-output">{JSON.stringify(execution.output, null, 2)}</pre>
        </details>
      )}
      <p className="actions">
        {!finished && (
          <button type="button" onClick={() => void cancel()} data-testid="cancel-execution">
            Cancel
          </button>
        )}
        <a href="/executions">All executions</a>
      </p>
    </section>
  );
}
