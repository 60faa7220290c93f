import { useCallback, useEffect, useState } from "react";
import { deleteWorkflow, listWorkflows } from "./api";
import type { Workflow } from "./types";

/** The signed-in user's workflows, with links to edit, run and see their executions. */
export function WorkflowsPage() {
  const [workflows, setWorkflows] = useState<Workflow[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const body = await listWorkflows();
    if (body.success) setWorkflows(body.data);
    else setError(body.error.message);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const remove = async (workflow: Workflow) => {
    if (!window.confirm(`Delete "${workflow.name}"?`)) return;
    const body = await deleteWorkflow(workflow.id);
    if (body.success) await load();
    else setError(body.error.message);
  };

  return (
    <section aria-labelledby="workflows-heading">
      <h2 id="workflows-heading">Workflows</h2>
      <p className="actions">
        <a className="button" href="/workflows/new" data-testid="new-workflow">
          New workflow
        </a>
        <a href="/executions">All executions</a>
      </p>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      {workflows === null && !error && <p>Loading…</p>}
      {workflows?.length === 0 && <p className="muted">No workflows yet.</p>}
      <ul className="connections">
        {workflows?.map((workflow) => (
          <li key={workflow.id} className="connection" data-testid="workflow-row">
            <div className="connection-head">
              <strong>{workflow.name}</strong>
              <span className="badge">v{workflow.version}</span>
            </div>
            <p className="connection-meta">
              {workflow.nodes.length} node{workflow.nodes.length === 1 ? "" : "s"}
              {workflow.description ? ` — ${workflow.description}` : ""}
            </p>
            <p className="actions">
              <a href={`/workflows/${workflow.id}`}>Edit and run</a>
              <a href={`/executions?workflow_id=${workflow.id}`}>Executions</a>
              <button type="button" onClick={() => void remove(workflow)}>
                Delete
              </button>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
