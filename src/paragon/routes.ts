import { and, asc, eq, isNull } from "drizzle-orm";
import { Hono } from "hono";
import * as z from "zod";
import { currentSession, requireSession } from "../auth/session-auth";
import { findConnection } from "../connections/store";
import { type Database, getDb } from "../db/client";
import { connections } from "../db/schema";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { jsonBody, queryParams } from "../platform/middleware/body";
import { forwardToParagonProxy, INTEGRATION_NAME } from "./proxy";
import { listParagonTools, paragonTokenFor, requireParagonApi, runParagonAction } from "./service";
import { paragonUserMetadata } from "./token";
import { TOOL_FORMATS } from "./tool-formats";
import { paragonWebhookRoutes } from "./webhook";

export { PARAGON_WEBHOOK_PATHS } from "./webhook";

/**
 * The Paragon API (SPEC §9), mounted at `/api/paragon`: user tokens, ActionKit tools, the Proxy API and
 * the signed webhook. Every user-facing route acts as the signed-in user only — the user token's `sub`
 * is the session's user — and a connection or credential named in a request must be the caller's own
 * (another user's answers 404, like a missing one).
 */
const commaList = z
  .string()
  .max(2000)
  .transform((value) =>
    value
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(INTEGRATION_NAME, { error: "must be integration or category names" })).max(50));

export const listQuery = z.strictObject({
  integrations: commaList.optional(),
  categories: commaList.optional(),
  format: z.enum(TOOL_FORMATS).optional(),
  connection_id: z.uuid().optional(),
});

const parameters = z.record(z.string(), z.unknown());
const toolName = z.string().min(1).max(256);
/** `{tool, parameters}` (ActionKit's current names) or the seed's `{action, parameters}`. */
export const runBody = z
  .strictObject({
    tool: toolName.optional(),
    action: toolName.optional(),
    parameters: parameters.optional().default({}),
    connection_id: z.uuid().optional(),
  })
  .refine((body) => Boolean(body.tool) !== Boolean(body.action), {
    error: "give exactly one of tool or action",
    path: ["tool"],
  });

/** The credential of one of the caller's Paragon connections (404 for anyone else's). */
async function credentialOf(db: Database, userId: string, connectionId: string | undefined) {
  if (!connectionId) return undefined;
  const row = await findConnection(db, userId, connectionId);
  if (row.connectionMethod !== "paragon" || !row.paragonCredentialId) {
    throw new AppError("not_found", "Paragon connection not found");
  }
  return row.paragonCredentialId;
}

const requireUser = requireSession();

export const paragonRoutes = new Hono<AppEnv>()
  .route("/", paragonWebhookRoutes)
  .use("/token", requireUser)
  .use("/actions", requireUser)
  .use("/proxy/*", requireUser)

  .get("/token", async (c) => {
    const session = currentSession(c);
    const api = requireParagonApi(c.var.config);
    const { token, expiresAt } = await paragonTokenFor(c.var.config, { id: session.userId });
    c.header("cache-control", "no-store");
    return c.json({
      success: true,
      data: {
        token,
        expires_at: expiresAt,
        project_id: api.projectId,
        /** For `paragon.authenticate(projectId, token, { metadata })` (Paragon shows Name and Email). */
        metadata: paragonUserMetadata(session.user),
      },
    });
  })

  .get("/actions", queryParams(listQuery), async (c) => {
    const session = currentSession(c);
    requireParagonApi(c.var.config);
    const query = c.req.valid("query");
    const credentialId = await credentialOf(getDb(c.env.DB), session.userId, query.connection_id);
    const list = await listParagonTools(
      c.var.config,
      { id: session.userId },
      {
        format: query.format,
        integrations: query.integrations,
        categories: query.categories,
        credentialId,
      },
    );
    return c.json({ success: true, data: list });
  })

  .post("/actions", jsonBody(runBody), async (c) => {
    const session = currentSession(c);
    requireParagonApi(c.var.config);
    const body = c.req.valid("json");
    const credentialId = await credentialOf(getDb(c.env.DB), session.userId, body.connection_id);
    const result = await runParagonAction(
      c.var.config,
      { id: session.userId },
      (body.tool ?? body.action) as string,
      body.parameters,
      { credentialId },
    );
    return c.json({ success: true, data: result });
  })

  .all("/proxy/:integration/*", async (c) => {
    const session = currentSession(c);
    const api = requireParagonApi(c.var.config);
    const integration = c.req.param("integration");
    const db = getDb(c.env.DB);
    const mine = await db
      .select({ credentialId: connections.paragonCredentialId, status: connections.status })
      .from(connections)
      .where(
        and(
          eq(connections.userId, session.userId),
          eq(connections.connectionMethod, "paragon"),
          eq(connections.paragonIntegration, integration),
          isNull(connections.deletedAt),
        ),
      )
      .orderBy(asc(connections.createdAt));
    const usable = mine.filter((row) => row.status === "active" && row.credentialId);
    if (usable.length === 0) throw new AppError("not_found", `No connected Paragon integration "${integration}"`);
    // A credential named by the caller must be one of their own; by default, their oldest active one.
    const named = c.req.header("x-paragon-credential");
    const credentialId = named
      ? usable.find((row) => row.credentialId === named)?.credentialId
      : usable[0]?.credentialId;
    if (!credentialId) throw new AppError("not_found", "Paragon credential not found");
    const { token } = await paragonTokenFor(c.var.config, { id: session.userId });
    const url = new URL(c.req.url);
    const prefix = `/api/paragon/proxy/${integration}/`;
    const headers = new Headers(c.req.raw.headers);
    headers.set("x-paragon-credential", credentialId);
    const bodyless = c.req.method === "GET" || c.req.method === "HEAD";
    return forwardToParagonProxy({
      origin: api.proxyOrigin,
      projectId: api.projectId,
      userToken: token,
      integration,
      path: url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : "",
      search: url.search,
      method: c.req.method,
      headers,
      body: bodyless ? null : await c.req.arrayBuffer(),
    });
  });
