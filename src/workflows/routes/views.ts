import type { DefinitionRow, ExecutionRow } from "../../db/schema";

/** A definition as the API returns it: its wire body plus id, version and times (SPEC §7.1). */
export function definitionView(row: DefinitionRow) {
  return {
    id: row.id,
    ...row.definition,
    version: row.version,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

/** An execution as the API returns it (SPEC §7.2); the list leaves out the per-node results. */
export function executionView(row: ExecutionRow, options: { nodes?: boolean } = { nodes: true }) {
  return {
    id: row.id,
    kind: row.kind,
    definition_id: row.definitionId,
    ...(row.kind === "workflow" ? { workflow_id: row.definitionId } : { agent_id: row.definitionId }),
    version: row.version,
    status: row.status,
    status_reason: row.statusReason,
    engine: row.engine,
    inputs: row.inputs,
    output: row.output ?? null,
    error: row.error ?? null,
    created_at: row.createdAt,
    started_at: row.startedAt,
    completed_at: row.completedAt,
    ...(options.nodes !== false && { nodes: row.nodes }),
  };
}
