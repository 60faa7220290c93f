import { and, desc, eq, isNull, type SQL } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { recordAudit } from "../audit/record";
import { currentSession, requireSession } from "../auth/middleware";
import { keyringFor } from "../crypto/keyring";
import { type Database, getDb } from "../db/client";
import { CONNECTION_METHODS, type ConnectionMethodColumn, connections } from "../db/schema";
import { REFRESH_MARGIN_MS } from "../oauth-client/refresh-policy";
import { revokeAtProvider } from "../oauth-client/revoke";
import { checkOutboundUrl } from "../outbound/url-policy";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { describeError } from "../platform/logger";
import { jsonBody, queryParams } from "../platform/middleware/body";
import { enforceRateLimit } from "../platform/rate-limit";
import { findProvider, PROVIDERS } from "./catalog";
import { DATA_SCHEMAS } from "./data";
import { CREDENTIAL_HEADERS } from "./injection";
import { listConnectionsQuery } from "./prefetch";
import {
  connectionSummary,
  decryptConnection,
  encryptConnectionData,
  findConnection,
  keyIdOf,
  SUMMARY_COLUMNS,
} from "./store";
import { readStoredTokens } from "./tokens";
import { allowsInsecureTargets, proxyThroughConnection, type TestResult, testConnection, useContext } from "./use";

/** Stand-in catalog entry for MCP and Paragon connections (their registries are separate). */
const GENERIC_PROVIDER = {
  id: "",
  auth_methods: [] as string[],
  api_base_url: undefined as string | undefined,
  user_supplied: undefined as { base_url?: boolean; oauth2?: boolean } | undefined,
  retry: undefined as { max_retries: number; backoff_ms: number } | undefined,
};

/** Connection tests allowed per user per minute (SPEC §11; RATE_LIMIT_CONNECTION_TEST in wrangler.toml). */
const CONNECTION_TEST_PERIOD_SECONDS = 60;
const MAX_METADATA_BYTES = 8 * 1024;

const headerMap = z
  .record(
    z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: "must be a valid header name" })
      .max(128),
    z.string().max(2048),
  )
  .refine((headers) => Object.keys(headers).length <= 30, { error: "at most 30 headers" })
  .refine((headers) => Object.keys(headers).every((name) => !CREDENTIAL_HEADERS.has(name.toLowerCase())), {
    error: "credentials belong in data, not in default_headers",
  });
const metadata = z
  .record(z.string().max(128), z.unknown())
  .refine((value) => JSON.stringify(value).length <= MAX_METADATA_BYTES, {
    error: `must be at most ${MAX_METADATA_BYTES} bytes of JSON`,
  });
const verifyRequest = z.strictObject({
  method: z.enum(["GET", "POST", "HEAD"]),
  path: z.string().startsWith("/").max(512),
  success_statuses: z.array(z.number().int().min(100).max(599)).min(1).max(10).optional(),
});
const settingsFields = {
  base_url: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .max(2048)
    .nullable()
    .optional(),
  default_headers: headerMap.optional(),
  timeout_ms: z.number().int().min(1000).max(120_000).optional(),
  retries: z.number().int().min(0).max(5).optional(),
  backoff_ms: z.number().int().min(0).max(60_000).optional(),
  verify_request: verifyRequest.nullable().optional(),
  metadata: metadata.optional(),
};

const createBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  connection_method: z.enum(CONNECTION_METHODS),
  provider: z.string().min(1).max(64),
  data: z.record(z.string(), z.unknown()),
  organization_id: z.uuid().optional(),
  mcp_server_url: z.url().max(2048).optional(),
  ...settingsFields,
});

const updateBody = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  /** Partial: merged over the stored data, `null` removes an optional field; the result is re-validated whole. */
  data: z.record(z.string(), z.unknown()).optional(),
  status: z.enum(["active", "disconnected"]).optional(),
  ...settingsFields,
});

const testBody = z.strictObject({
  connection_method: z.enum(CONNECTION_METHODS),
  provider: z.string().min(1).max(64),
  data: z.record(z.string(), z.unknown()),
  ...settingsFields,
});

/** Names are unique per owner among live connections (also enforced by a partial unique index). */
async function assertNameFree(db: Database, userId: string, name: string): Promise<void> {
  const clash = await db
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.userId, userId), eq(connections.name, name), isNull(connections.deletedAt)))
    .get();
  if (clash)
    throw new AppError("conflict", `A connection named "${name}" already exists`, { details: { field: "name" } });
}

/** Validates provider × method and the method's data shape; errors point at `data.<field>`. */
function validateConnectionInput(method: ConnectionMethodColumn, providerId: string, data: unknown) {
  // MCP servers and Paragon integrations have registries of their own; their provider is a free slug.
  const provider =
    method === "mcp" || method === "paragon" ? { ...GENERIC_PROVIDER, id: providerId } : findProvider(providerId);
  if (!provider || !/^[a-z][a-z0-9_]{0,63}$/.test(providerId)) {
    throw new AppError("invalid_request", `Unknown provider "${providerId}"`, {
      details: [{ path: "provider", message: "see GET /api/providers" }],
    });
  }
  if (method !== "mcp" && method !== "paragon" && !(provider.auth_methods as readonly string[]).includes(method)) {
    throw new AppError("invalid_request", `Provider ${provider.id} does not support ${method}`, {
      details: [{ path: "connection_method", message: `one of ${provider.auth_methods.join(", ")}` }],
    });
  }
  const result = DATA_SCHEMAS[method].safeParse(data);
  if (!result.success) {
    throw new AppError("invalid_request", `data does not match the ${method} shape`, {
      details: result.error.issues.map((issue) => ({
        path: ["data", ...issue.path].join("."),
        code: issue.code,
        message: issue.message,
      })),
    });
  }
  if (method === "oauth2" && provider.user_supplied?.oauth2) {
    const oauth = result.data as z.output<(typeof DATA_SCHEMAS)["oauth2"]>;
    const missing = (["client_id", "authorization_url", "token_url"] as const).filter((field) => !oauth[field]);
    if (missing.length > 0) {
      throw new AppError("invalid_request", `${provider.id} needs the OAuth app settings`, {
        details: missing.map((field) => ({ path: `data.${field}`, message: "is required" })),
      });
    }
  }
  return { provider, data: result.data };
}

function checkBaseUrl(c: Context<AppEnv>, baseUrl: string | null | undefined) {
  if (!baseUrl) return;
  const check = checkOutboundUrl(baseUrl, { allowInsecure: allowsInsecureTargets(c.var.config) });
  if (!check.ok)
    throw new AppError("invalid_request", `base_url is not allowed: ${check.message}`, {
      details: [{ path: "base_url", message: check.message }],
    });
}

function recordTestOutcome(c: Context<AppEnv>, id: string, userId: string, result: TestResult) {
  const status = result.success ? "active" : result.credentialsRejected ? "invalid" : undefined;
  return getDb(c.env.DB)
    .update(connections)
    .set({
      lastTestedAt: result.tested_at,
      lastTestSuccess: result.success,
      ...(status ? { status, statusReason: result.success ? null : result.message } : {}),
      updatedAt: Date.now(),
    })
    .where(and(eq(connections.id, id), eq(connections.userId, userId)));
}

/** valid / expiring (inside the refresh margin) / expired / missing — never the token itself. */
function tokenState(
  row: { tokensEncrypted: string | null; status: string; tokenExpiresAt: number | null },
  now: number,
) {
  if (!row.tokensEncrypted) return "missing";
  if (row.status === "expired" || (row.tokenExpiresAt !== null && row.tokenExpiresAt <= now)) return "expired";
  if (row.tokenExpiresAt !== null && row.tokenExpiresAt - now <= REFRESH_MARGIN_MS) return "expiring";
  return "valid";
}

function publicTestResult(result: TestResult) {
  const { credentialsRejected: _, ...rest } = result;
  return rest;
}

/**
 * Connections API (SPEC §6.3), mounted at `/api`. Every route is scoped to the signed-in user:
 * another user's connection answers exactly like a missing one (404).
 */
export const connectionRoutes = new Hono<AppEnv>()
  .use("/connections/*", requireSession())
  .use("/connections", requireSession())
  .use("/providers", requireSession())

  .get("/providers", (c) => {
    // Whether this deployment has each catalog OAuth app's credentials, so a UI can offer only what works.
    const vars = c.env as unknown as Record<string, string | undefined>;
    const data = PROVIDERS.map((provider) => ({
      ...provider,
      ...(provider.oauth2 ? { oauth_configured: Boolean(vars[provider.oauth2.client_id_env]) } : {}),
    }));
    return c.json({ success: true, data });
  })

  .get("/connections", queryParams(listConnectionsQuery), async (c) => {
    const { provider, connection_method, status, limit, offset } = c.req.valid("query");
    const session = currentSession(c);
    // Normally read together with the session (connections/prefetch.ts); this query is the reference.
    const prefetched = c.var.prefetchedConnections;
    if (prefetched) return c.json({ success: true, data: prefetched.map((row) => connectionSummary(row)) });
    const filters: SQL[] = [eq(connections.userId, session.userId), isNull(connections.deletedAt)];
    if (provider) filters.push(eq(connections.provider, provider));
    if (connection_method) filters.push(eq(connections.connectionMethod, connection_method));
    if (status) filters.push(eq(connections.status, status));
    const rows = await getDb(c.env.DB)
      .select(SUMMARY_COLUMNS)
      .from(connections)
      .where(and(...filters))
      .orderBy(desc(connections.createdAt), desc(connections.id))
      .limit(limit)
      .offset(offset);
    return c.json({ success: true, data: rows.map((row) => connectionSummary(row)) });
  })

  .post("/connections", jsonBody(createBody), async (c) => {
    const body = c.req.valid("json");
    const session = currentSession(c);
    const { provider, data } = validateConnectionInput(body.connection_method, body.provider, body.data);
    if (provider.user_supplied?.base_url && !body.base_url && body.connection_method !== "mcp") {
      throw new AppError("invalid_request", `${provider.id} needs a base_url`, {
        details: [{ path: "base_url", message: "is required" }],
      });
    }
    checkBaseUrl(c, body.base_url);
    if (body.organization_id && !session.organizations.some((org) => org.id === body.organization_id)) {
      throw new AppError("not_found", "Organization not found");
    }
    const db = getDb(c.env.DB);
    await assertNameFree(db, session.userId, body.name);

    const id = crypto.randomUUID();
    const keyring = keyringFor(c.var.config.keyring);
    const dataEncrypted = await encryptConnectionData(keyring, id, session.userId, data);
    const now = Date.now();
    const mcp = body.connection_method === "mcp" ? (data as { server_url: string }) : undefined;
    const paragon =
      body.connection_method === "paragon"
        ? (data as { paragon_user_id: string; integration: string; credential_id: string })
        : undefined;
    const row = await db
      .insert(connections)
      .values({
        id,
        userId: session.userId,
        organizationId: body.organization_id ?? session.organizations[0]?.id ?? null,
        name: body.name,
        provider: provider.id,
        connectionMethod: body.connection_method,
        status: body.connection_method === "oauth2" ? "disconnected" : "active",
        statusReason: body.connection_method === "oauth2" ? "Not authorized yet" : null,
        dataEncrypted,
        encryptionKeyId: keyIdOf(dataEncrypted),
        baseUrl: body.base_url ?? provider.api_base_url ?? null,
        defaultHeaders: body.default_headers ?? null,
        timeoutMs: body.timeout_ms ?? 30_000,
        retries: body.retries ?? provider.retry?.max_retries ?? 2,
        backoffMs: body.backoff_ms ?? provider.retry?.backoff_ms ?? 500,
        verifyRequest: body.verify_request ?? null,
        mcpServerUrl: mcp?.server_url ?? body.mcp_server_url ?? null,
        paragonUserId: paragon?.paragon_user_id ?? null,
        paragonIntegration: paragon?.integration ?? null,
        paragonCredentialId: paragon?.credential_id ?? null,
        metadata: body.metadata ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get()
      .catch((error: unknown) => {
        if (String((error as Error)?.cause ?? error).includes("UNIQUE constraint failed")) {
          throw new AppError("conflict", `A connection named "${body.name}" already exists`, {
            details: { field: "name" },
          });
        }
        throw error;
      });
    recordAudit(c, {
      action: "connection.create",
      outcome: "success",
      actorId: session.userId,
      targetType: "connection",
      targetId: id,
      metadata: { provider: provider.id, method: body.connection_method },
    });
    return c.json({ success: true, data: connectionSummary(row, await decryptConnection(keyring, row)) }, 201);
  })

  .post("/connections/test", jsonBody(testBody), async (c) => {
    const body = c.req.valid("json");
    const session = currentSession(c);
    await enforceRateLimit(c.env.RATE_LIMIT_CONNECTION_TEST, `user:${session.userId}`, CONNECTION_TEST_PERIOD_SECONDS);
    const { provider, data } = validateConnectionInput(body.connection_method, body.provider, body.data);
    checkBaseUrl(c, body.base_url);
    const result = await testConnection(useContext(c), {
      id: null,
      userId: session.userId,
      provider: provider.id,
      connection: { method: body.connection_method, data } as never,
      baseUrl: body.base_url ?? provider.api_base_url ?? null,
      defaultHeaders: body.default_headers ?? null,
      timeoutMs: body.timeout_ms ?? 30_000,
      retries: 0,
      backoffMs: 0,
      verifyRequest: body.verify_request ?? null,
      tokensEncrypted: null,
    });
    return c.json({ success: true, data: publicTestResult(result) });
  })

  .get("/connections/:id", async (c) => {
    const row = await findConnection(getDb(c.env.DB), currentSession(c).userId, c.req.param("id"));
    return c.json({
      success: true,
      data: connectionSummary(row, await decryptConnection(keyringFor(c.var.config.keyring), row)),
    });
  })

  .on(["PUT", "PATCH"], "/connections/:id", jsonBody(updateBody), async (c) => {
    const body = c.req.valid("json");
    const session = currentSession(c);
    const db = getDb(c.env.DB);
    const keyring = keyringFor(c.var.config.keyring);
    const row = await findConnection(db, session.userId, c.req.param("id"));
    const current = await decryptConnection(keyring, row);
    let dataEncrypted: string | undefined;
    if (body.data) {
      const merged: Record<string, unknown> = { ...(current.connection.data as Record<string, unknown>) };
      for (const [key, value] of Object.entries(body.data)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      const { data } = validateConnectionInput(row.connectionMethod, row.provider, merged);
      dataEncrypted = await encryptConnectionData(keyring, row.id, row.userId, data);
    }
    checkBaseUrl(c, body.base_url);
    if (body.name && body.name !== row.name) await assertNameFree(db, session.userId, body.name);
    const updated = await db
      .update(connections)
      .set({
        ...(body.name ? { name: body.name } : {}),
        ...(dataEncrypted
          ? {
              dataEncrypted,
              encryptionKeyId: keyIdOf(dataEncrypted),
              ...(row.status === "invalid" ? { status: "active", statusReason: null } : {}),
            }
          : {}),
        ...(body.status
          ? { status: body.status, statusReason: body.status === "disconnected" ? "Disconnected by the owner" : null }
          : {}),
        ...(body.base_url !== undefined ? { baseUrl: body.base_url } : {}),
        ...(body.default_headers ? { defaultHeaders: body.default_headers } : {}),
        ...(body.timeout_ms !== undefined ? { timeoutMs: body.timeout_ms } : {}),
        ...(body.retries !== undefined ? { retries: body.retries } : {}),
        ...(body.backoff_ms !== undefined ? { backoffMs: body.backoff_ms } : {}),
        ...(body.verify_request !== undefined ? { verifyRequest: body.verify_request } : {}),
        ...(body.metadata ? { metadata: body.metadata } : {}),
        updatedAt: Date.now(),
      })
      .where(and(eq(connections.id, row.id), eq(connections.userId, session.userId)))
      .returning()
      .get();
    recordAudit(c, {
      action: "connection.update",
      outcome: "success",
      actorId: session.userId,
      targetType: "connection",
      targetId: row.id,
      metadata: { fields: Object.keys(body) },
    });
    return c.json({ success: true, data: connectionSummary(updated, await decryptConnection(keyring, updated)) });
  })

  .delete("/connections/:id", async (c) => {
    const session = currentSession(c);
    const db = getDb(c.env.DB);
    const row = await findConnection(db, session.userId, c.req.param("id"));
    const now = Date.now();
    await db
      .update(connections)
      .set({ deletedAt: now, status: "revoked", statusReason: "Deleted by the owner", updatedAt: now })
      .where(and(eq(connections.id, row.id), eq(connections.userId, session.userId)));
    if (row.connectionMethod === "oauth2" && row.tokensEncrypted) {
      const keyring = keyringFor(c.var.config.keyring);
      c.executionCtx.waitUntil(
        decryptConnection(keyring, row)
          .then((decrypted) => revokeAtProvider(c.env, keyring, decrypted, allowsInsecureTargets(c.var.config)))
          .then((revoked) => c.var.log.info("provider grant revocation", { connection_id: row.id, revoked }))
          .catch((error: unknown) =>
            c.var.log.warn("provider grant revocation failed", { connection_id: row.id, error: describeError(error) }),
          ),
      );
    }
    recordAudit(c, {
      action: "connection.delete",
      outcome: "success",
      actorId: session.userId,
      targetType: "connection",
      targetId: row.id,
    });
    return c.json({ success: true, data: { id: row.id, deleted: true } });
  })

  .post("/connections/:id/test", async (c) => {
    const session = currentSession(c);
    const db = getDb(c.env.DB);
    const row = await findConnection(db, session.userId, c.req.param("id"));
    await enforceRateLimit(c.env.RATE_LIMIT_CONNECTION_TEST, `user:${session.userId}`, CONNECTION_TEST_PERIOD_SECONDS);
    const decrypted = await decryptConnection(keyringFor(c.var.config.keyring), row);
    const result = await testConnection(useContext(c), decrypted);
    await recordTestOutcome(c, row.id, session.userId, result);
    return c.json({ success: true, data: publicTestResult(result) });
  })

  .get("/connections/:id/status", async (c) => {
    const row = await findConnection(getDb(c.env.DB), currentSession(c).userId, c.req.param("id"));
    const now = Date.now();
    const keyring = keyringFor(c.var.config.keyring);
    const scopes = row.tokensEncrypted
      ? ((await readStoredTokens(keyring, await decryptConnection(keyring, row)))?.scope ?? null)
      : null;
    const token =
      row.connectionMethod === "oauth2" || row.connectionMethod === "oauth2_client_credentials"
        ? {
            state: tokenState(row, now),
            expires_at: row.tokenExpiresAt,
            scopes,
            last_refresh_at: row.lastRefreshAt,
            last_refresh_error: row.lastRefreshError,
            refresh_attempts: row.refreshAttempts,
            refresh_exhausted: row.refreshExhausted,
          }
        : null;
    return c.json({
      success: true,
      data: {
        id: row.id,
        status: row.status,
        status_reason: row.statusReason,
        healthy: row.status === "active" && row.lastTestSuccess !== false,
        last_used_at: row.lastUsedAt,
        last_tested_at: row.lastTestedAt,
        last_test_success: row.lastTestSuccess,
        token,
      },
    });
  })

  .all("/connections/:id/proxy/*", async (c) => {
    const session = currentSession(c);
    const prefetched = c.var.prefetchedConnection;
    if (prefetched === null) throw new AppError("not_found", "Connection not found");
    const row =
      prefetched && prefetched.userId === session.userId && prefetched.id === c.req.param("id")
        ? prefetched
        : await findConnection(getDb(c.env.DB), session.userId, c.req.param("id"));
    if (row.status === "revoked" || row.status === "disconnected" || row.status === "expired") {
      throw new AppError("connection_not_authorized", `This connection is ${row.status}; reconnect it to use it`);
    }
    const decrypted = await decryptConnection(keyringFor(c.var.config.keyring), row);
    const url = new URL(c.req.url);
    const prefix = `/api/connections/${row.id}/proxy`;
    const path = url.pathname.slice(prefix.length) || "/";
    const length = c.req.header("content-length");
    return proxyThroughConnection(useContext(c), decrypted, {
      method: c.req.method,
      path,
      search: url.search,
      headers: c.req.raw.headers,
      body: c.req.raw.body,
      contentLength: length ? Number(length) : null,
      allowNonIdempotent: c.req.header("x-proxy-retry-unsafe") === "true",
    });
  });
