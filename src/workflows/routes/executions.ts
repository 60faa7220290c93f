import { Hono } from "hono";
import * as z from "zod";
import { currentSession, sessionAuth } from "../../auth/session-auth";
import { getDb } from "../../db/client";
import { EXECUTION_STATUSES } from "../../db/schema";
import type { AppEnv } from "../../platform/context";
import { AppError, isAppError } from "../../platform/errors";
import { queryParams } from "../../platform/middleware/body";
import { cancelExecution } from "../engine/engines";
import { executionDetail } from "../executions/companions";
import { executionEventsStub, recordExecutionEvent } from "../executions/events";
import { TERMINAL_STATUSES } from "../executions/state";
import { findExecution, listExecutions } from "../executions/store";
import { executionView } from "./views";

const ID = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
export const listQuery = z.strictObject({
  workflow_id: ID.optional(),
  agent_id: ID.optional(),
  status: z.enum(EXECUTION_STATUSES).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** Opaque keyset cursor: the last row's `created_at` and `id`, base64url JSON. */
function encodeCursor(row: { createdAt: number; id: string }): string {
  return btoa(JSON.stringify([row.createdAt, row.id]))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/"))) as [unknown, unknown];
    if (typeof createdAt === "number" && typeof id === "string") return { createdAt, id };
  } catch {}
  throw new AppError("invalid_request", "cursor is not valid", {
    details: [{ path: "cursor", message: "is not a cursor" }],
  });
}

/**
 * `/api/executions` (SPEC §7.2): list with cursor, detail with per-node results, cancel, and the live event
 * stream. Another user's execution is a 404 on every route.
 */
export const executionRoutes = new Hono<AppEnv>()
  .use("*", sessionAuth({ required: true, companions: [executionDetail] }))
  .get("/", queryParams(listQuery), async (c) => {
    const query = c.req.valid("query");
    if (query.workflow_id && query.agent_id)
      throw new AppError("invalid_request", "give workflow_id or agent_id, not both");
    const definitionId = query.workflow_id ?? query.agent_id;
    const rows = await listExecutions(getDb(c.env.DB), currentSession(c).userId, {
      ...(definitionId && { definitionId, kind: query.workflow_id ? ("workflow" as const) : ("agent" as const) }),
      ...(query.status && { status: query.status }),
      ...(query.cursor && { before: decodeCursor(query.cursor) }),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > query.limit && last ? encodeCursor(last) : null;
    return c.json({
      success: true,
      data: page.map((row) => executionView(row, { nodes: false })),
      next_cursor: nextCursor,
    });
  })
  .get("/:id", async (c) => {
    // Normally read together with the session (companions.ts); the same lookup stands alone otherwise.
    const prefetched = c.var.prefetchedExecution;
    if (prefetched === null) throw new AppError("not_found", "Execution not found");
    const row = prefetched ?? (await findExecution(getDb(c.env.DB), currentSession(c).userId, c.req.param("id")));
    return c.json({ success: true, data: executionView(row) });
  })
  .post("/:id/cancel", async (c) => {
    const db = getDb(c.env.DB);
    const row = await findExecution(db, currentSession(c).userId, c.req.param("id"));
    if (TERMINAL_STATUSES.has(row.status))
      throw new AppError("execution_finished", "The execution has already finished");
    const confirmed = await cancelExecution(c.env, row, c.var.log);
    if (confirmed) {
      try {
        await recordExecutionEvent(c.env, row.id, {
          id: "cancelled",
          type: "cancelled",
          reason: "cancelled_by_user",
          at: Date.now(),
        });
      } catch (error) {
        // It finished while we were stopping it: the final state stands.
        if (!isAppError(error) || error.code !== "execution_finished") throw error;
      }
    }
    const current = await findExecution(db, row.userId, row.id);
    return c.json({ success: true, data: executionView(current) }, 202);
  })
  .get("/:id/events", async (c) => {
    const row = await findExecution(getDb(c.env.DB), currentSession(c).userId, c.req.param("id"));
    const url = new URL("https://execution-events/events");
    url.searchParams.set("execution_id", row.id);
    const after = c.req.query("after");
    if (after) url.searchParams.set("after", after);
    const headers = new Headers();
    const lastEventId = c.req.header("last-event-id");
    if (lastEventId) headers.set("last-event-id", lastEventId);
    const response = await executionEventsStub(c.env, row.id).fetch(url, { headers });
    return new Response(response.body, { status: response.status, headers: response.headers });
  });
