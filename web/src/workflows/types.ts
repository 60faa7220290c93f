/** Wire shapes of /api/workflows and /api/executions (SPEC §7.1, §7.2). */
export interface WorkflowNode {
  id: string;
  type: string;
  label?: string;
  config: Record<string, unknown>;
}

export interface Workflow {
  id: string;
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  nodes: WorkflowNode[];
  edges: Array<{ source: string; target: string; condition?: string }>;
  version: number;
  created_at: number;
  updated_at: number;
}

export type ExecutionStatus = "queued" | "running" | "completed" | "failed" | "cancelled";
export type NodeStatus = "pending" | "running" | "completed" | "failed" | "skipped";

export interface ExecutionNode {
  node_id: string;
  status: NodeStatus;
  output?: unknown;
  error?: { code: string; message: string };
  attempts: number;
  started_at?: number;
  completed_at?: number;
}

export interface Execution {
  id: string;
  kind: "workflow" | "agent";
  definition_id: string;
  version: number;
  status: ExecutionStatus;
  status_reason: string | null;
  engine: string;
  inputs: unknown;
  output: unknown;
  error: { node_id?: string; code: string; message: string } | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  nodes?: ExecutionNode[];
}

/** One validation problem of a definition (`400 invalid_workflow`). */
export interface DefinitionProblem {
  node_id: string | null;
  path: string;
  message: string;
}

/** An event of the execution stream (`GET /api/executions/:id/events`). */
export interface ExecutionEvent {
  seq: number;
  id: string;
  type: string;
  node_id?: string;
  output?: unknown;
  error?: { code: string; message: string };
  attempt?: number;
  attempts?: number;
  final?: boolean;
  at: number;
}

export const TERMINAL_EVENTS = new Set(["completed", "failed", "cancelled"]);
