import { getDb } from "../db/client";
import type { DefinitionKind, DefinitionRow, ExecutionRow } from "../db/schema";
import { isAppError } from "../platform/errors";
import type { Logger } from "../platform/logger";
import { engineForNewExecution, startExecutionOrFail } from "../workflows/engine/engines";
import { pendingNodes } from "../workflows/executions/state";
import { findDefinition, findExecution, insertExecution, listDefinitions } from "../workflows/executions/store";
import type { WorkflowDefinition } from "../workflows/interpreter";
import type { ExecutionSummary, WorkflowSummary, WorkflowToolsPort } from "./workflow-tools-port";

/**
 * The {@link WorkflowToolsPort} over the workflows feature (src/workflows): the same definitions and
 * executions stores and engines as `POST /api/workflows/:id/execute`, scoped to the user. A start is handed
 * to the engine after the answer (`waitUntil`), exactly as the REST route does.
 */
export interface WorkflowsPortContext {
  env: Env;
  log: Logger;
  waitUntil: (promise: Promise<unknown>) => void;
}

/** A store lookup that throws 404 `not_found` becomes `null`; anything else still throws. */
async function orNull<T>(lookup: Promise<T>): Promise<T | null> {
  try {
    return await lookup;
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") return null;
    throw error;
  }
}

function workflowSummary(row: DefinitionRow): WorkflowSummary {
  const definition = row.definition as { description?: unknown; input_schema?: unknown };
  const schema = definition.input_schema;
  return {
    id: row.id,
    name: row.name,
    description: typeof definition.description === "string" ? definition.description : null,
    version: row.version,
    inputSchema:
      typeof schema === "object" && schema !== null ? (schema as Record<string, unknown>) : { type: "object" },
  };
}

function executionSummary(row: ExecutionRow): ExecutionSummary {
  const nodes = row.nodes ?? [];
  return {
    id: row.id,
    kind: row.kind,
    definitionId: row.definitionId,
    status: row.status,
    output: row.output ?? null,
    error: (row.error as ExecutionSummary["error"]) ?? null,
    progress: {
      completed: nodes.filter(
        (node) => node.status === "completed" || node.status === "failed" || node.status === "skipped",
      ).length,
      total: nodes.length,
    },
    createdAt: row.createdAt,
    completedAt: row.completedAt,
  };
}

export function createWorkflowsPort(context: WorkflowsPortContext): WorkflowToolsPort {
  const db = getDb(context.env.DB);
  async function start(
    userId: string,
    kind: DefinitionKind,
    definition: DefinitionRow,
    inputs: Record<string, unknown>,
  ) {
    const nodeIds =
      kind === "workflow" ? (definition.definition as unknown as WorkflowDefinition).nodes.map((node) => node.id) : [];
    const { row } = await insertExecution(db, {
      id: crypto.randomUUID(),
      userId,
      kind,
      definitionId: definition.id,
      version: definition.version,
      engine: engineForNewExecution(context.env),
      inputs,
      nodes: pendingNodes(nodeIds),
      idempotencyKey: null,
      now: Date.now(),
    });
    context.waitUntil(startExecutionOrFail(context.env, row, context.log));
    context.log.info("execution queued", { execution_id: row.id, definition_id: definition.id, via: "mcp" });
    return executionSummary(row);
  }
  return {
    listWorkflows: async (userId, { limit }) =>
      (await listDefinitions(db, userId, "workflow")).slice(0, limit).map(workflowSummary),
    getWorkflow: async (userId, id) => {
      const row = await orNull(findDefinition(db, userId, "workflow", id));
      return row ? workflowSummary(row) : null;
    },
    startWorkflowExecution: async (userId, workflowId, inputs) => {
      const row = await findDefinition(db, userId, "workflow", workflowId);
      return start(userId, "workflow", row, inputs);
    },
    getExecution: async (userId, id) => {
      const row = await orNull(findExecution(db, userId, id));
      return row ? executionSummary(row) : null;
    },
    listAgents: async (userId, { limit }) =>
      (await listDefinitions(db, userId, "agent")).slice(0, limit).map((row) => ({
        id: row.id,
        name: row.name,
        description:
          typeof (row.definition as { description?: unknown }).description === "string"
            ? (row.definition as { description: string }).description
            : null,
      })),
    startAgentExecution: async (userId, agentId, input) => {
      const row = await orNull(findDefinition(db, userId, "agent", agentId));
      return row ? start(userId, "agent", row, { input }) : null;
    },
  };
}
