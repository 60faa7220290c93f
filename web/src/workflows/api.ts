import { API_ORIGIN, api, apiJson } from "../api";
import type { Execution, Workflow } from "./types";

const workflowPath = (id: string) => `/api/workflows/${encodeURIComponent(id)}`;
const executionPath = (id: string) => `/api/executions/${encodeURIComponent(id)}`;

export const listWorkflows = () => api<Workflow[]>("/api/workflows");
export const getWorkflow = (id: string) => api<Workflow>(workflowPath(id));
export const createWorkflow = (body: unknown) => apiJson<Workflow>("/api/workflows", body);
export const saveWorkflow = (id: string, body: unknown) => apiJson<Workflow>(workflowPath(id), body, "PUT");
export const deleteWorkflow = (id: string) => api<{ id: string }>(workflowPath(id), { method: "DELETE" });

/** Starts a run; the key makes a double click start one execution, not two. */
export function executeWorkflow(id: string, inputs: unknown, idempotencyKey: string) {
  return api<Execution>(`${workflowPath(id)}/execute`, {
    method: "POST",
    headers: { "idempotency-key": idempotencyKey },
    body: JSON.stringify({ inputs }),
  });
}

export function listExecutions(filters: { workflowId?: string; cursor?: string } = {}) {
  const query = new URLSearchParams();
  if (filters.workflowId) query.set("workflow_id", filters.workflowId);
  if (filters.cursor) query.set("cursor", filters.cursor);
  return fetch(`${API_ORIGIN}/api/executions?${query}`, {
    credentials: "include",
    headers: { accept: "application/json" },
  })
    .then(
      (response) =>
        response.json() as Promise<{
          success: boolean;
          data?: Execution[];
          next_cursor?: string | null;
          error?: { message: string };
        }>,
    )
    .catch(() => ({ success: false, error: { message: "Could not reach the server. Try again." } }) as const);
}

export const getExecution = (id: string) => api<Execution>(executionPath(id));
export const cancelExecution = (id: string) => api<Execution>(`${executionPath(id)}/cancel`, { method: "POST" });
export const eventsUrl = (id: string) => `${API_ORIGIN}${executionPath(id)}/events`;
