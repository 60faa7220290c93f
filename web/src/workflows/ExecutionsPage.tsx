import { useCallback, useEffect, useState } from "react";
import { listExecutions } from "./api";
import type { Execution } from "./types";

export interface ExecutionsPageProps {
  /** Only this workflow's executions (defaults to `?workflow_id=` of the current URL). */
  workflowId?: string;
}

/** The user's executions, newest first, one page at a time. */
export function ExecutionsPage({ workflowId }: ExecutionsPageProps) {
  const filter = workflowId ?? new URLSearchParams(window.location.search).get("workflow_id") ?? undefined;
  const [rows, setRows] = useState<Execution[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  const loadPage = useCallback(
    async (from?: string) => {
      const body = await listExecutions({ ...(filter && { workflowId: filter }), ...(from && { cursor: from }) });
      if (!body.success || !body.data) {
        setError(body.error?.message ?? "Could not load executions");
        return;
      }
      const page = body.data;
      setRows((current) => (from ? [...current, ...page] : page));
      setCursor(body.next_cursor ?? null);
    },
    [filter],
  );
  useEffect(() => {
    void loadPage();
  }, [loadPage]);

  return (
    <section aria-labelledby="executions-heading">
      <h2 id="executions-heading">Executions</h2>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      {cursor === undefined && !error && <p>Loading…</p>}
      {cursor !== undefined && rows.length === 0 && <p className="muted">No executions yet.</p>}
      <table>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-testid="execution-row">
              <td>
                <a href={`/executions/${row.id}`}>{new Date(row.created_at).toLocaleString()}</a>
              </td>
              <td>
                <span className={`badge badge-${row.status}`}>{row.status}</span>
              </td>
              <td>
                {row.kind} v{row.version} on {row.engine}
              </td>
              <td className="muted">{row.error ? `${row.error.node_id ?? ""} ${row.error.message}` : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {cursor && (
        <button type="button" onClick={() => void loadPage(cursor)}>
          Load more
        </button>
      )}
    </section>
  );
}
