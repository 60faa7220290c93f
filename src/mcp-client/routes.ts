import type { Context } from "hono";
import { Hono } from "hono";
import * as z from "zod";
import { recordAudit } from "../audit/record";
import { currentSession, requireSession, type SessionCompanion, sessionAuth } from "../auth/session-auth";
import { requestCredentialContext } from "../connections/credentials";
import { connectionBySessionStatement, connectionFromRaw, findConnection } from "../connections/store";
import { getDb } from "../db/client";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { jsonBody } from "../platform/middleware/body";
import { enforceRateLimit } from "../platform/rate-limit";
import { asMcpConnection, callMcpTool, refreshMcpTools } from "./connection";
import { discoverMcpServer } from "./discover";
import { MCP_PROVIDERS } from "./providers";
import type { McpAuth } from "./target";

const secret = z.string().min(1).max(8192);
const headerName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: "must be a valid HTTP header name" });

/** `auth` of `POST /api/connections/mcp/discover` (SPEC §6.7). OAuth servers are discovered after authorization. */
const discoverAuth = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("none") }),
  z.strictObject({ type: z.literal("api_key"), api_key: secret, header_name: headerName.optional() }),
  z.strictObject({ type: z.literal("bearer"), token: secret }),
  z.strictObject({
    type: z.literal("basic"),
    username: z
      .string()
      .min(1)
      .max(512)
      .refine((value) => !value.includes(":"), { error: "must not contain ':' (RFC 7617 §2)" }),
    password: secret,
  }),
]);

export const discoverBody = z.strictObject({
  server_url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2048),
  auth: discoverAuth.optional(),
  timeout_ms: z.number().int().min(1000).max(120_000).optional(),
});

export const callBody = z.strictObject({ arguments: z.record(z.string(), z.unknown()).optional() });

function toMcpAuth(auth: z.output<typeof discoverAuth> | undefined): McpAuth {
  switch (auth?.type) {
    case undefined:
    case "none":
      return { type: "none" };
    case "api_key":
      return { type: "api_key", apiKey: auth.api_key, ...(auth.header_name ? { headerName: auth.header_name } : {}) };
    case "bearer":
      return { type: "bearer", token: auth.token };
    case "basic":
      return { type: "basic", username: auth.username, password: auth.password };
  }
}

const TOOL_PATH = /^\/api\/connections\/([0-9a-f-]{36})\/(?:tools\/[^/]+\/call|refresh-tools)$/;

/** The connection of a tool call or refresh, read in the same D1 round trip as the session (as the proxy does). */
const toolConnection: SessionCompanion = {
  statement(c) {
    const id = TOOL_PATH.exec(c.req.path)?.[1];
    if (!id) return null;
    return (tokenHash) => connectionBySessionStatement(c.env.DB, tokenHash, id);
  },
  store(c, rows) {
    c.set("prefetchedConnection", rows[0] ? connectionFromRaw(rows[0]) : null);
  },
};

/** The signed-in user's connection named in the path: prefetched with the session, else looked up. */
async function ownConnection(c: Context<AppEnv>) {
  const session = currentSession(c);
  const id = c.req.param("id") ?? "";
  const prefetched = c.var.prefetchedConnection;
  if (prefetched === null) throw new AppError("not_found", "Connection not found");
  if (prefetched && prefetched.userId === session.userId && prefetched.id === id) return prefetched;
  return findConnection(getDb(c.env.DB), session.userId, id);
}

/**
 * MCP connections' own endpoints (SPEC §6.7), mounted at `/api` before the generic connection routes: the
 * registry, discovery before saving, refreshing a connection's tools and calling one. Every route is the signed-in
 * user's; another user's connection (or one that is not MCP) answers 404 like a missing one.
 */
export const mcpClientRoutes = new Hono<AppEnv>()
  .use("/connections/mcp/*", requireSession())
  .use("/connections/:id/refresh-tools", sessionAuth({ required: true, companions: [toolConnection] }))
  .use("/connections/:id/tools/*", sessionAuth({ required: true, companions: [toolConnection] }))

  .get("/connections/mcp/providers", (c) => c.json({ success: true, data: MCP_PROVIDERS }))

  .post("/connections/mcp/discover", jsonBody(discoverBody), async (c) => {
    const body = c.req.valid("json");
    const session = currentSession(c);
    // Discovery calls out like a connection test, and shares its limit (SPEC §11: 10/min/user).
    await enforceRateLimit(c.env.RATE_LIMIT_CONNECTION_TEST, `mcp-discover:${session.userId}`);
    const found = await discoverMcpServer({
      serverUrl: body.server_url,
      auth: toMcpAuth(body.auth),
      ...(body.timeout_ms ? { timeoutMs: body.timeout_ms } : {}),
      allowInsecure: c.var.config.allowInsecureTargets,
    });
    return c.json({
      success: true,
      data: {
        server: found.server,
        protocol_version: found.protocol_version,
        transport: found.transport,
        tools: found.tools,
      },
    });
  })

  .post("/connections/:id/refresh-tools", async (c) => {
    const context = requestCredentialContext(c);
    const session = currentSession(c);
    const connection = await asMcpConnection(context, await ownConnection(c));
    const tools = await refreshMcpTools(context, connection);
    recordAudit(c, {
      action: "connection.refresh_tools",
      outcome: "success",
      actorId: session.userId,
      targetType: "connection",
      targetId: connection.id,
      metadata: { tools: tools.length },
    });
    return c.json({ success: true, data: { tools_count: tools.length, tools } });
  })

  .post("/connections/:id/tools/:name/call", jsonBody(callBody), async (c) => {
    const context = requestCredentialContext(c);
    const connection = await asMcpConnection(context, await ownConnection(c));
    const result = await callMcpTool(
      { ...context, waitUntil: (promise) => c.executionCtx.waitUntil(promise) },
      connection,
      c.req.param("name"),
      c.req.valid("json").arguments ?? {},
    );
    return c.json({ success: true, data: result });
  });
