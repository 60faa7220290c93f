/**
 * What the MCP tools need from the workflows and executions features (SPEC §7), as a small
 * interface: the tools are written against it (and unit-tested with a fake), and `workflows-port.ts`
 * implements it over src/workflows (`src/app.ts` passes it to `createMcpRoutes`). Every method is scoped to one user: another user's
 * workflow, agent or execution is `null` / absent, exactly like the REST API's 404.
 */
export interface WorkflowSummary {
  id: string;
  name: string;
  description: string | null;
  version: number;
  /** JSON Schema of the inputs (SPEC §7.1 `input_schema`); `execute_workflow` validates against it. */
  inputSchema: Record<string, unknown>;
}

export interface AgentSummary {
  id: string;
  name: string;
  description: string | null;
}

export type ExecutionStatus = "queued" | "running" | "completed" | "failed" | "cancelled";

export interface ExecutionSummary {
  id: string;
  kind: "workflow" | "agent";
  definitionId: string;
  status: ExecutionStatus;
  output: unknown;
  error: { code: string; message: string; node_id?: string } | null;
  /** Per-node progress: how many nodes finished out of how many. */
  progress: { completed: number; total: number };
  createdAt: number;
  completedAt: number | null;
}

export interface WorkflowToolsPort {
  listWorkflows(userId: string, options: { limit: number }): Promise<WorkflowSummary[]>;
  getWorkflow(userId: string, workflowId: string): Promise<WorkflowSummary | null>;
  /** Starts an execution of the workflow's current version with already-validated inputs. */
  startWorkflowExecution(
    userId: string,
    workflowId: string,
    inputs: Record<string, unknown>,
  ): Promise<ExecutionSummary>;
  getExecution(userId: string, executionId: string): Promise<ExecutionSummary | null>;
  listAgents(userId: string, options: { limit: number }): Promise<AgentSummary[]>;
  startAgentExecution(userId: string, agentId: string, input: string): Promise<ExecutionSummary | null>;
}

export const TERMINAL_STATUSES: ReadonlySet<ExecutionStatus> = new Set(["completed", "failed", "cancelled"]);
