import { useEffect, useMemo, useState } from "react";
import { createWorkflow, executeWorkflow, getWorkflow, saveWorkflow } from "./api";
import type { DefinitionProblem, Workflow } from "./types";

const STARTER = {
  name: "My workflow",
  input_schema: { type: "object", properties: { name: { type: "string" } } },
  nodes: [
    { id: "fetch", type: "http", config: { url: "https://example.com/", method: "GET" } },
    {
      id: "notify",
      type: "webhook",
      config: { url: "https://example.com/hook", method: "POST", body: { text: "Hello {{inputs.name}}" } },
    },
  ],
  edges: [{ source: "fetch", target: "notify" }],
};

function editable(workflow: Workflow) {
  const { id: _id, version: _version, created_at: _created, updated_at: _updated, ...body } = workflow;
  return body;
}

export interface WorkflowEditorPageProps {
  /** The workflow to edit; absent for a new one. */
  workflowId?: string;
  /** Where to go after saving a new workflow or starting a run (defaults to a full navigation). */
  navigate?: (path: string) => void;
}

/**
 * Create or edit a workflow as JSON (SPEC §7.1 shape). Saving shows the server's validation problems grouped
 * by node; a saved workflow can be run with JSON inputs, which opens the execution page.
 */
export function WorkflowEditorPage({
  workflowId,
  navigate = (path) => window.location.assign(path),
}: WorkflowEditorPageProps) {
  const [text, setText] = useState(workflowId ? "" : JSON.stringify(STARTER, null, 2));
  const [saved, setSaved] = useState<Workflow | null>(null);
  const [problems, setProblems] = useState<DefinitionProblem[]>([]);
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);
  const [inputs, setInputs] = useState("{}");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!workflowId) return;
    void getWorkflow(workflowId).then((body) => {
      if (body.success) {
        setSaved(body.data);
        setText(JSON.stringify(editable(body.data), null, 2));
      } else setMessage({ kind: "error", text: body.error.message });
    });
  }, [workflowId]);

  const parsed = useMemo(() => {
    try {
      return { ok: true as const, value: JSON.parse(text) as unknown };
    } catch (error) {
      return { ok: false as const, message: (error as Error).message };
    }
  }, [text]);

  const byNode = useMemo(() => {
    const groups = new Map<string, DefinitionProblem[]>();
    for (const problem of problems) {
      const key = problem.node_id ?? "(workflow)";
      groups.set(key, [...(groups.get(key) ?? []), problem]);
    }
    return [...groups];
  }, [problems]);

  const save = async () => {
    if (!parsed.ok) return;
    setBusy(true);
    setMessage(null);
    const body = saved ? await saveWorkflow(saved.id, parsed.value) : await createWorkflow(parsed.value);
    setBusy(false);
    if (body.success) {
      setProblems([]);
      setSaved(body.data);
      setMessage({ kind: "success", text: `Saved version ${body.data.version}.` });
      if (!saved) navigate(`/workflows/${body.data.id}`);
    } else {
      setProblems(Array.isArray(body.error.details) ? (body.error.details as DefinitionProblem[]) : []);
      setMessage({ kind: "error", text: body.error.message });
    }
  };

  const run = async () => {
    if (!saved) return;
    let value: unknown;
    try {
      value = JSON.parse(inputs);
    } catch (error) {
      setMessage({ kind: "error", text: `Inputs are not valid JSON: ${(error as Error).message}` });
      return;
    }
    setBusy(true);
    const body = await executeWorkflow(saved.id, value, crypto.randomUUID());
    setBusy(false);
    if (body.success) navigate(`/executions/${body.data.id}`);
    else {
      const details = Array.isArray(body.error.details) ? body.error.details : [];
      const lines = details.map(
        (detail) => `${(detail as { path: string }).path}: ${(detail as { message: string }).message}`,
      );
      setMessage({ kind: "error", text: [body.error.message, ...lines].join("\n") });
    }
  };

  return (
    <section aria-labelledby="editor-heading">
      <h2 id="editor-heading">{saved ? `${saved.name} (v${saved.version})` : "New workflow"}</h2>
      <p className="hint">
        Nodes: http, webhook, llm, integration, mcp_tool, paragon_action. Strings may use {"{{inputs.x}}"} and{" "}
        {"{{nodes.<id>.output.y}}"}; edges may carry a condition such as {"nodes.fetch.output.status == 200"}.
      </p>
      <div className="field">
        <label htmlFor="workflow-json">Definition (JSON)</label>
        <textarea
          id="workflow-json"
          data-testid="workflow-json"
          rows={24}
          spellCheck={false}
          value={text}
          onChange={(event) => setText(event.target.value)}
          aria-invalid={!parsed.ok || problems.length > 0}
          style={{ width: "100%", fontFamily: "monospace" }}
        />
        {!parsed.ok && <p className="field-error">{parsed.message}</p>}
      </div>
      {byNode.length > 0 && (
        <div className="notice notice-error" data-testid="workflow-problems">
          {byNode.map(([node, list]) => (
            <div key={node}>
              <strong>{node}</strong>
              <ul>
                {list.map((problem) => (
                  <li key={`${problem.path}:${problem.message}`}>
                    <code>{problem.path}</code> {problem.message}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
      {message && (
        <p
          role={message.kind === "error" ? "alert" : "status"}
          className={`notice notice-${message.kind}`}
          style={{ whiteSpace: "pre-wrap" }}
        >
          {message.text}
        </p>
      )}
      <p className="actions">
        <button type="button" onClick={() => void save()} disabled={busy || !parsed.ok} data-testid="save-workflow">
          Save
        </button>
        <a href="/workflows">Back to workflows</a>
      </p>
      {saved && (
        <div className="field">
          <label htmlFor="workflow-inputs">Inputs (JSON)</label>
          <textarea
            id="workflow-inputs"
            data-testid="workflow-inputs"
            rows={4}
            value={inputs}
            onChange={(event) => setInputs(event.target.value)}
            style={{ width: "100%", fontFamily: "monospace" }}
          />
          <p className="actions">
            <button type="button" onClick={() => void run()} disabled={busy} data-testid="run-workflow">
              Run
            </button>
          </p>
        </div>
      )}
    </section>
  );
}
