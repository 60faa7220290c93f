/**
 * The internal API for the Temporal worker (SPEC §7.4), mounted at `/internal`. Every route is behind
 * `workerAuth()` (a short-lived worker JWT bound to the `:id` execution, used once); no session, no cookie,
 * no CORS. Only executions handed to Temporal are visible here (another engine's execution is a 404).
 *
 * Errors carry `retryable` so the worker knows whether the node's retry policy may try again.
 */
import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as z from "zod";
import { getDb } from "../db/client";
import type { AppEnv } from "../platform/context";
import { handleError } from "../platform/error-handler";
import { AppError, isAppError } from "../platform/errors";
import { jsonBody, limitBodySize } from "../platform/middleware/body";
import { requestUseContext } from "../proxy/core";
import { runActivity } from "../workflows/activities";
import { recordExecutionEvent } from "../workflows/executions/events";
import { EXECUTION_EVENT_TYPES } from "../workflows/executions/state";
import { definitionVersion } from "../workflows/executions/store";
import { isActivityError } from "../workflows/interpreter";
import { workerAuth } from "./auth";

/** The activity types the worker may ask for (SPEC §7.4, plus `workflow` for agent tools). */
export const INTERNAL_ACTIVITY_TYPES = [
  "http",
  "webhook",
  "llm",
  "integration",
  "mcp_tool",
  "paragon_action",
  "workflow",
] as const;

const NODE_ID = /^[A-Za-z0-9_-]{1,64}$/;

const eventBody = z.strictObject({
  id: z.string().min(1).max(200),
  type: z.enum(EXECUTION_EVENT_TYPES),
  node_id: z.string().regex(NODE_ID).optional(),
  output: z.unknown().optional(),
  error: z
    .strictObject({
      code: z.string().min(1).max(100),
      message: z.string().max(2000),
      retryable: z.boolean().optional(),
      node_id: z.string().regex(NODE_ID).optional(),
    })
    .optional(),
  attempt: z.number().int().positive().max(1000).optional(),
  attempts: z.number().int().nonnegative().max(1000).optional(),
  final: z.boolean().optional(),
  reason: z.string().max(500).optional(),
  at: z.number().int().nonnegative(),
});

const activityBody = z.strictObject({
  node_id: z.string().regex(NODE_ID),
  config: z.record(z.string(), z.unknown()),
});

const authenticate = workerAuth();

export const internalRoutes = new Hono<AppEnv>()
  // `/:id/*` also matches `/:id` itself: one mount, so a token is checked (and its jti spent) exactly once.
  // The size limit first: authentication may read an activity's body (to prefetch its connection).
  .use("/v1/*", limitBodySize())
  .use("/v1/executions/:id/*", authenticate)
  .get("/v1/executions/:id", async (c) => {
    const execution = c.var.workerExecution;
    const definition = await definitionVersion(getDb(c.env.DB), execution.definitionId, execution.version);
    const inputs = execution.inputs as Record<string, unknown> | null;
    return c.json({
      success: true as const,
      data: {
        id: execution.id,
        kind: execution.kind,
        status: execution.status,
        definition_id: execution.definitionId,
        version: execution.version,
        definition,
        // Agents are stored as `{input}`; the worker runs the agent with the input itself.
        inputs: execution.kind === "agent" ? (inputs?.input ?? null) : inputs,
      },
    });
  })
  .post("/v1/executions/:id/events", jsonBody(eventBody), async (c) => {
    const { error, ...event } = c.req.valid("json");
    // `retryable` is the worker's business (it decided the retries); the record keeps what happened.
    const recorded = error
      ? { code: error.code, message: error.message, ...(error.node_id && { node_id: error.node_id }) }
      : undefined;
    const outcome = await recordExecutionEvent(c.env, c.req.param("id"), {
      ...event,
      ...(recorded && { error: recorded }),
    });
    return c.json({ success: true as const, data: outcome });
  })
  .post("/v1/executions/:id/activities/:type", jsonBody(activityBody), async (c) => {
    const type = z.enum(INTERNAL_ACTIVITY_TYPES).safeParse(c.req.param("type"));
    if (!type.success) throw new AppError("not_found", "Unknown activity type");
    const body = c.req.valid("json");
    const execution = c.var.workerExecution;
    if (execution.status !== "running") {
      throw new AppError("execution_not_running", `The execution is ${execution.status}`);
    }
    try {
      const prefetched = c.var.workerPrefetchedConnection;
      const output = await runActivity(
        { ...requestUseContext(c), ...(prefetched ? { prefetchedConnection: prefetched } : {}) },
        { id: execution.id, userId: execution.userId },
        body.node_id,
        type.data,
        body.config,
      );
      return c.json({ success: true as const, data: { output } });
    } catch (error) {
      if (isActivityError(error)) return activityErrorResponse(c, error);
      throw error;
    }
  });

internalRoutes.onError((error, c) => {
  // The platform handler logs every failure and renders unknown ones as a generic 500; our own errors are
  // rendered again here with the `retryable` verdict the worker needs.
  const response = handleError(error, c);
  if (!isAppError(error)) return response;
  return withRetryable(
    c,
    error.code,
    error.message,
    error.details,
    error.status,
    retryableStatus(error.status),
    error.headers,
  );
});

function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

function activityErrorResponse(
  c: Context<AppEnv>,
  error: { code: string; message: string; retryable: boolean; retryAfterMs?: number },
): Response {
  // A connection that is not the owner's is indistinguishable from a missing one (SPEC §6.3): 404.
  const status = error.code === "not_found" ? 404 : error.retryable ? 503 : 422;
  const headers = error.retryAfterMs ? { "retry-after": String(Math.ceil(error.retryAfterMs / 1000)) } : undefined;
  return withRetryable(c, error.code, error.message, undefined, status, error.retryable, headers);
}

function withRetryable(
  c: Context<AppEnv>,
  code: string,
  message: string,
  details: unknown,
  status: number,
  retryable: boolean,
  headers?: Record<string, string>,
): Response {
  return c.json(
    {
      success: false as const,
      error: {
        code,
        message,
        retryable,
        ...(details === undefined ? {} : { details }),
        request_id: c.var.requestId ?? "unknown",
      },
    },
    status as ContentfulStatusCode,
    headers,
  );
}
