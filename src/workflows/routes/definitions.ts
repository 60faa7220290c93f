import { Hono } from "hono";
import * as z from "zod";
import { currentSession, requireSession } from "../../auth/session-auth";
import { findLiveConnection } from "../../connections/store";
import { getDb } from "../../db/client";
import type { DefinitionKind, DefinitionRow } from "../../db/schema";
import type { AppEnv } from "../../platform/context";
import { AppError } from "../../platform/errors";
import { jsonBody } from "../../platform/middleware/body";
import {
  agentConnectionReferences,
  type ConnectionReference,
  checkConnectionReferences,
  type FoundConnection,
  validateAgentDefinition,
  validateWorkflowDefinition,
  workflowConnectionReferences,
} from "../definitions";
import { engineForNewExecution, startExecutionOrFail } from "../engine/engines";
import { inputProblems } from "../executions/inputs";
import { pendingNodes } from "../executions/state";
import {
  findDefinition,
  insertDefinition,
  insertExecution,
  listDefinitions,
  softDeleteDefinition,
  updateDefinition,
} from "../executions/store";
import type { WorkflowDefinition } from "../interpreter";
import { definitionView, executionView } from "./views";

const anyObject = z.record(z.string(), z.unknown());
/** `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): an opaque string we bound. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

async function lookUpConnections(userId: string, db: ReturnType<typeof getDb>, references: ConnectionReference[]) {
  const ids = [...new Set(references.map((reference) => reference.connection_id))];
  const found = new Map<string, FoundConnection>();
  const rows = await Promise.all(ids.map((id) => findLiveConnection(db, { id, userId })));
  for (const row of rows)
    if (row) found.set(row.id, { connection_method: row.connectionMethod, provider: row.provider });
  return found;
}

/** Validates a body for `kind` (shape, graph, connections) and returns the definition to store. */
async function validatedDefinition(kind: DefinitionKind, body: unknown, userId: string, db: ReturnType<typeof getDb>) {
  if (kind === "workflow") {
    const result = validateWorkflowDefinition(body);
    if (!result.ok) throw new AppError("invalid_workflow", "The workflow is invalid", { details: result.details });
    const details = checkConnectionReferences(
      workflowConnectionReferences(result.value),
      await lookUpConnections(userId, db, workflowConnectionReferences(result.value)),
    );
    if (details.length > 0) throw new AppError("invalid_workflow", "The workflow is invalid", { details });
    return result.value as unknown as Record<string, unknown>;
  }
  const result = validateAgentDefinition(body);
  if (!result.ok) throw new AppError("invalid_agent", "The agent is invalid", { details: result.details });
  const references = agentConnectionReferences(result.value);
  const details = checkConnectionReferences(references, await lookUpConnections(userId, db, references));
  // A workflow tool must name one of the owner's workflows (someone else's reads as missing).
  for (const [index, tool] of result.value.tools.entries()) {
    if (tool.type !== "workflow") continue;
    const found = await findDefinition(db, userId, "workflow", tool.config.workflowId).catch(() => null);
    if (!found)
      details.push({
        node_id: tool.name,
        path: `tools[${index}].config.workflowId`,
        message: `workflow "${tool.config.workflowId}" not found`,
      });
  }
  if (details.length > 0) throw new AppError("invalid_agent", "The agent is invalid", { details });
  return result.value as unknown as Record<string, unknown>;
}

/** Inputs checked against the workflow's `input_schema` before anything is queued. */
function checkInputs(definition: Record<string, unknown>, inputs: unknown): void {
  const details = inputProblems(definition, inputs);
  if (details.length > 0)
    throw new AppError("invalid_inputs", "The inputs do not match the workflow's input_schema", { details });
}

export const executeBodies = {
  workflow: z.strictObject({ inputs: z.record(z.string(), z.unknown()).default({}) }),
  agent: z.strictObject({ input: z.union([z.string().max(100_000), z.record(z.string(), z.unknown())]) }),
};

/**
 * `/api/workflows` and `/api/agents` (SPEC §7.1, §7.2): CRUD of the signed-in user's definitions with
 * versions and soft delete, and `POST /:id/execute` (202, `Idempotency-Key`). Another user's definition is a 404.
 */
export function createDefinitionRoutes(kind: DefinitionKind) {
  const label = kind === "workflow" ? "Workflow" : "Agent";
  const load = (c: { env: Env }, userId: string, id: string) => findDefinition(getDb(c.env.DB), userId, kind, id);

  return new Hono<AppEnv>()
    .use("*", requireSession())
    .get("/", async (c) => {
      const rows = await listDefinitions(getDb(c.env.DB), currentSession(c).userId, kind);
      return c.json({ success: true, data: rows.map(definitionView) });
    })
    .post("/", jsonBody(anyObject), async (c) => {
      const userId = currentSession(c).userId;
      const db = getDb(c.env.DB);
      const definition = await validatedDefinition(kind, c.req.valid("json"), userId, db);
      const row = await insertDefinition(db, {
        id: crypto.randomUUID(),
        userId,
        kind,
        name: String(definition.name),
        definition,
        now: Date.now(),
      });
      return c.json({ success: true, data: definitionView(row) }, 201);
    })
    .get("/:id", async (c) => {
      const row = await load(c, currentSession(c).userId, c.req.param("id"));
      return c.json({ success: true, data: definitionView(row) });
    })
    .on(["PUT", "PATCH"], "/:id", jsonBody(anyObject), async (c) => {
      const userId = currentSession(c).userId;
      const db = getDb(c.env.DB);
      const current = await load(c, userId, c.req.param("id"));
      const body = c.req.valid("json");
      // PUT replaces the definition; PATCH replaces only the top-level fields it names.
      const merged = c.req.method === "PATCH" ? { ...current.definition, ...body } : body;
      const definition = await validatedDefinition(kind, merged, userId, db);
      const row = await updateDefinition(db, current, { name: String(definition.name), definition, now: Date.now() });
      return c.json({ success: true, data: definitionView(row) });
    })
    .delete("/:id", async (c) => {
      const current = await load(c, currentSession(c).userId, c.req.param("id"));
      await softDeleteDefinition(getDb(c.env.DB), current, Date.now());
      return c.json({ success: true, data: { id: current.id, deleted: true } });
    })
    .post("/:id/execute", jsonBody(executeBodies[kind]), async (c) => {
      const session = currentSession(c);
      const db = getDb(c.env.DB);
      const key = c.req.header("idempotency-key") ?? null;
      if (key !== null && !IDEMPOTENCY_KEY.test(key))
        throw new AppError("invalid_request", "Idempotency-Key must be 1-255 visible ASCII characters");
      const definitionRow: DefinitionRow = await load(c, session.userId, c.req.param("id"));
      const body = c.req.valid("json") as { inputs?: Record<string, unknown>; input?: unknown };
      const inputs = kind === "workflow" ? (body.inputs ?? {}) : { input: body.input };
      if (kind === "workflow") checkInputs(definitionRow.definition, inputs);
      const nodeIds =
        kind === "workflow"
          ? (definitionRow.definition as unknown as WorkflowDefinition).nodes.map((node) => node.id)
          : [];
      const { row, created } = await insertExecution(db, {
        id: crypto.randomUUID(),
        userId: session.userId,
        kind,
        definitionId: definitionRow.id,
        version: definitionRow.version,
        engine: engineForNewExecution(c.env),
        inputs,
        nodes: pendingNodes(nodeIds),
        idempotencyKey: key,
        now: Date.now(),
      });
      // draft-ietf-httpapi-idempotency-key-header §2.7: a key reused for a different request is an error.
      if (!created && row.definitionId !== definitionRow.id)
        throw new AppError("conflict", "This Idempotency-Key was already used for another workflow or agent");
      // Started after the answer; a repeated key returns the first execution and starts it only if that never happened.
      if (created || row.status === "queued")
        c.executionCtx.waitUntil(startExecutionOrFail(c.env, row, c.var.log, !created));
      c.var.log.info(created ? "execution queued" : "execution replayed by idempotency key", {
        execution_id: row.id,
        definition_id: definitionRow.id,
        kind: label,
      });
      return c.json({ success: true, data: executionView(row) }, 202);
    });
}
