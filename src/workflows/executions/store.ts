import { and, desc, eq, getTableColumns, isNull, lt, or } from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  type DefinitionKind,
  type DefinitionRow,
  definitions,
  definitionVersions,
  type ExecutionEngine,
  type ExecutionRow,
  type ExecutionStatus,
  executions,
  sessions,
} from "../../db/schema";
import { AppError } from "../../platform/errors";
import type { ExecutionState } from "./state";

/**
 * Every read and write of `definitions`, `definition_versions` and `executions`. Reads are scoped to the
 * owner: another user's row is indistinguishable from a missing one (404).
 */

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A live definition of this user and kind, or a 404. */
export async function findDefinition(
  db: Database,
  userId: string,
  kind: DefinitionKind,
  id: string,
): Promise<DefinitionRow> {
  const row = ID.test(id)
    ? await db
        .select()
        .from(definitions)
        .where(
          and(
            eq(definitions.id, id),
            eq(definitions.userId, userId),
            eq(definitions.kind, kind),
            isNull(definitions.deletedAt),
          ),
        )
        .get()
    : undefined;
  if (!row) throw new AppError("not_found", `${kind === "workflow" ? "Workflow" : "Agent"} not found`);
  return row;
}

export async function listDefinitions(db: Database, userId: string, kind: DefinitionKind): Promise<DefinitionRow[]> {
  return db
    .select()
    .from(definitions)
    .where(and(eq(definitions.userId, userId), eq(definitions.kind, kind), isNull(definitions.deletedAt)))
    .orderBy(desc(definitions.updatedAt))
    .limit(500)
    .all();
}

/** Creates a definition at version 1 (row and version written atomically). */
export async function insertDefinition(
  db: Database,
  values: {
    id: string;
    userId: string;
    kind: DefinitionKind;
    name: string;
    definition: Record<string, unknown>;
    now: number;
  },
): Promise<DefinitionRow> {
  const row = { ...values, version: 1, createdAt: values.now, updatedAt: values.now, deletedAt: null };
  const { now: _now, ...columns } = row;
  await db.batch([
    db.insert(definitions).values(columns),
    db
      .insert(definitionVersions)
      .values({ definitionId: values.id, version: 1, definition: values.definition, createdAt: values.now }),
  ]);
  return columns;
}

/**
 * Replaces a definition's body and bumps its version. The update is conditional on the version read, so two
 * concurrent saves cannot both claim the same next version (the loser gets 409 `conflict`).
 */
export async function updateDefinition(
  db: Database,
  current: DefinitionRow,
  change: { name: string; definition: Record<string, unknown>; now: number },
): Promise<DefinitionRow> {
  const version = current.version + 1;
  const [updated] = await db.batch([
    db
      .update(definitions)
      .set({ name: change.name, definition: change.definition, version, updatedAt: change.now })
      .where(and(eq(definitions.id, current.id), eq(definitions.version, current.version)))
      .returning(),
    db
      .insert(definitionVersions)
      .values({ definitionId: current.id, version, definition: change.definition, createdAt: change.now })
      .onConflictDoNothing(),
  ]);
  const row = updated[0];
  if (!row) throw new AppError("conflict", "The definition was changed concurrently; reload and retry");
  return row;
}

export async function softDeleteDefinition(db: Database, current: DefinitionRow, now: number): Promise<void> {
  await db.update(definitions).set({ deletedAt: now, updatedAt: now }).where(eq(definitions.id, current.id));
}

/** The body of one version of a definition (what an execution runs). */
export async function definitionVersion(
  db: Database,
  definitionId: string,
  version: number,
): Promise<Record<string, unknown>> {
  const row = await db
    .select({ definition: definitionVersions.definition })
    .from(definitionVersions)
    .where(and(eq(definitionVersions.definitionId, definitionId), eq(definitionVersions.version, version)))
    .get();
  if (!row) throw new AppError("not_found", "Definition version not found");
  return row.definition;
}

export interface NewExecution {
  id: string;
  userId: string;
  kind: DefinitionKind;
  definitionId: string;
  version: number;
  engine: ExecutionEngine;
  inputs: unknown;
  nodes: ExecutionRow["nodes"];
  idempotencyKey: string | null;
  now: number;
}

/**
 * Inserts a queued execution, or returns the one already created with the same idempotency key (a repeated
 * `Idempotency-Key` returns the same execution; two racing requests end up with one row).
 */
export async function insertExecution(
  db: Database,
  values: NewExecution,
): Promise<{ row: ExecutionRow; created: boolean }> {
  const { now, ...columns } = values;
  const inserted = await db
    .insert(executions)
    .values({ ...columns, status: "queued", createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning()
    .get();
  if (inserted) return { row: inserted, created: true };
  const existing = values.idempotencyKey
    ? await db
        .select()
        .from(executions)
        .where(and(eq(executions.userId, values.userId), eq(executions.idempotencyKey, values.idempotencyKey)))
        .get()
    : undefined;
  if (!existing) throw new AppError("conflict", "The execution could not be created");
  return { row: existing, created: false };
}

/** An execution of this user, or a 404. */
export async function findExecution(db: Database, userId: string, id: string): Promise<ExecutionRow> {
  const row = ID.test(id)
    ? await db
        .select()
        .from(executions)
        .where(and(eq(executions.id, id), eq(executions.userId, userId)))
        .get()
    : undefined;
  if (!row) throw new AppError("not_found", "Execution not found");
  return row;
}

/** An execution by id alone — for engines and the execution's Durable Object, never for user routes. */
export async function loadExecution(db: Database, id: string): Promise<ExecutionRow | null> {
  return (await db.select().from(executions).where(eq(executions.id, id)).get()) ?? null;
}

/** Writes the state the events produced (only the execution's Durable Object calls this). */
export async function saveExecutionState(db: Database, id: string, state: ExecutionState, now: number): Promise<void> {
  await db
    .update(executions)
    .set({
      status: state.status,
      statusReason: state.statusReason,
      output: state.output ?? null,
      error: state.error,
      nodes: state.nodes,
      startedAt: state.startedAt,
      completedAt: state.completedAt,
      updatedAt: now,
    })
    .where(eq(executions.id, id));
}

export interface ExecutionListFilters {
  definitionId?: string;
  kind?: DefinitionKind;
  status?: ExecutionStatus;
  /** Rows strictly before this position (newest first). */
  before?: { createdAt: number; id: string };
  limit: number;
}

/** A page of the user's executions, newest first (keyset pagination on created_at, id). */
export async function listExecutions(
  db: Database,
  userId: string,
  filters: ExecutionListFilters,
): Promise<ExecutionRow[]> {
  const conditions = [eq(executions.userId, userId)];
  if (filters.definitionId) conditions.push(eq(executions.definitionId, filters.definitionId));
  if (filters.kind) conditions.push(eq(executions.kind, filters.kind));
  if (filters.status) conditions.push(eq(executions.status, filters.status));
  if (filters.before) {
    const position = or(
      lt(executions.createdAt, filters.before.createdAt),
      and(eq(executions.createdAt, filters.before.createdAt), lt(executions.id, filters.before.id)),
    );
    if (position) conditions.push(position);
  }
  return db
    .select()
    .from(executions)
    .where(and(...conditions))
    .orderBy(desc(executions.createdAt), desc(executions.id))
    .limit(filters.limit)
    .all();
}

/**
 * The one lookup of an execution by the session that owns it (joining `sessions` on the token hash), batched
 * with the session lookup on `GET /api/executions/:id` (see `companions.ts`).
 */
export function executionBySessionQuery(db: Database, sessionTokenHash: string, id: string) {
  return db
    .select(getTableColumns(executions))
    .from(executions)
    .innerJoin(sessions, eq(sessions.userId, executions.userId))
    .where(and(eq(sessions.tokenHash, sessionTokenHash), eq(executions.id, id)));
}

const EXECUTION_COLUMN_ENTRIES = Object.entries(getTableColumns(executions));

/** Maps a raw `executions` row (snake_case driver values from a raw D1 batch) to the drizzle row type. */
export function executionFromRaw(raw: Record<string, unknown>): ExecutionRow {
  const row: Record<string, unknown> = {};
  for (const [key, column] of EXECUTION_COLUMN_ENTRIES) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as ExecutionRow;
}
