import { Hono } from "hono";
import { recordAudit } from "../audit/record";
import { currentSession, sessionAuth } from "../auth/session-auth";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { describeError } from "../platform/logger";
import { jsonBody, queryParams } from "../platform/middleware/body";
import { PROVIDERS } from "./catalog";
import {
  type CredentialProviders,
  credentialProviderFor,
  requestCredentialContext,
  type TokenHealth,
} from "./credentials";
import { checkBaseUrl, validateConnectionInput } from "./input";
import { decideRetargeting } from "./retargeting";
import { createConnectionBody, updateConnectionBody } from "./schemas";
import { connectionList, listConnectionsQuerySchema } from "./session-companions";
import {
  assertNameFree,
  decryptConnection,
  encryptConnectionData,
  findConnection,
  insertConnection,
  listConnections,
  softDeleteConnection,
  updateConnection,
} from "./store";
import { connectionSummary } from "./summary";

/**
 * Connections API (SPEC §6.3): the catalog, CRUD and status, mounted at `/api`. Every route is scoped to
 * the signed-in user: another user's connection answers exactly like a missing one (404). Using a
 * connection (proxy, tests) is the proxy's (`src/proxy/routes.ts`); what depends on a connection method
 * (token health, revocation on delete) comes from the credential providers passed in.
 */
export function createConnectionRoutes(credentials: CredentialProviders) {
  // Scoped to exactly this sub-app's paths: other sub-apps under /connections (the proxy) resolve the
  // session with companions of their own, and the first sessionAuth to run is the one that reads D1.
  const session = sessionAuth({ required: true, companions: [connectionList] });
  return new Hono<AppEnv>()
    .use("/providers", session)
    .use("/connections", session)
    .use("/connections/:id", session)
    .use("/connections/:id/status", session)

    .get("/providers", (c) => {
      // Whether this deployment has each catalog OAuth app's credentials, so a UI can offer only what works.
      const vars = c.env as unknown as Record<string, string | undefined>;
      const data = PROVIDERS.map((provider) => ({
        ...provider,
        ...(provider.oauth2 ? { oauth_configured: Boolean(vars[provider.oauth2.client_id_env]) } : {}),
      }));
      return c.json({ success: true, data });
    })

    .get("/connections", queryParams(listConnectionsQuerySchema), async (c) => {
      // Normally read together with the session (session-companions.ts); the same query stands alone otherwise.
      const rows =
        c.var.prefetchedConnections ??
        (await listConnections(requestCredentialContext(c).db, currentSession(c).userId, c.req.valid("query")));
      return c.json({ success: true, data: rows.map((row) => connectionSummary(row)) });
    })

    .post("/connections", jsonBody(createConnectionBody), async (c) => {
      const body = c.req.valid("json");
      const session = currentSession(c);
      const context = requestCredentialContext(c);
      const { provider, connection } = validateConnectionInput(
        body.connection_method,
        body.provider,
        dataWithServerUrl(body),
      );
      if (provider.needsBaseUrl && !body.base_url) {
        throw new AppError("invalid_request", `${provider.id} needs a base_url`, {
          details: [{ path: "base_url", message: "is required" }],
        });
      }
      checkBaseUrl(context.config, body.base_url);
      checkBaseUrl(context.config, body.mcp_server_url, "mcp_server_url");
      if (connection.method === "mcp") checkBaseUrl(context.config, connection.data.server_url, "data.server_url");
      if (body.organization_id && !session.organizations.some((org) => org.id === body.organization_id)) {
        throw new AppError("not_found", "Organization not found");
      }
      await assertNameFree(context.db, session.userId, body.name);
      const id = crypto.randomUUID();
      const now = context.now();
      const usable = {
        id: null,
        userId: session.userId,
        provider: provider.id,
        status: "active" as const,
        connection,
        baseUrl: body.base_url ?? null,
        defaultHeaders: body.default_headers ?? null,
        timeoutMs: body.timeout_ms ?? 30_000,
        retries: body.retries ?? 2,
        backoffMs: body.backoff_ms ?? 500,
        verifyRequest: null,
        tokensEncrypted: null,
        refreshExhausted: false,
      };
      const prepared = (await credentialProviderFor(credentials, usable).prepareCreate?.(context, usable)) ?? {};
      let row = await insertConnection(context.db, {
        id,
        userId: session.userId,
        organizationId: body.organization_id ?? session.organizations[0]?.id ?? null,
        name: body.name,
        provider: provider.id,
        connectionMethod: connection.method,
        awaitsAuthorization: connection.method === "oauth2" || prepared.awaitsAuthorization === true,
        dataEncrypted: await encryptConnectionData(context.keyring, id, session.userId, connection.data),
        baseUrl: body.base_url ?? provider.apiBaseUrl ?? null,
        defaultHeaders: body.default_headers ?? null,
        timeoutMs: body.timeout_ms ?? 30_000,
        retries: body.retries ?? provider.retry?.max_retries ?? 2,
        backoffMs: body.backoff_ms ?? provider.retry?.backoff_ms ?? 500,
        verifyRequest: body.verify_request ?? null,
        mcpServerUrl: connection.method === "mcp" ? connection.data.server_url : (body.mcp_server_url ?? null),
        paragonUserId: connection.method === "paragon" ? connection.data.paragon_user_id : null,
        paragonIntegration: connection.method === "paragon" ? connection.data.integration : null,
        paragonCredentialId: connection.method === "paragon" ? connection.data.credential_id : null,
        metadata: body.metadata ?? null,
        ...prepared.columns,
        createdAt: now,
        updatedAt: now,
      });
      if (prepared.afterCreate) row = await updateConnection(context.db, row, {}, { event: prepared.afterCreate, now });
      recordAudit(c, {
        action: "connection.create",
        outcome: "success",
        actorId: session.userId,
        targetType: "connection",
        targetId: id,
        metadata: { provider: provider.id, method: connection.method },
      });
      return c.json(
        { success: true, data: connectionSummary(row, await decryptConnection(context.keyring, row)) },
        201,
      );
    })

    .get("/connections/:id", async (c) => {
      const context = requestCredentialContext(c);
      const row = await findConnection(context.db, currentSession(c).userId, c.req.param("id"));
      return c.json({ success: true, data: connectionSummary(row, await decryptConnection(context.keyring, row)) });
    })

    .on(["PUT", "PATCH"], "/connections/:id", jsonBody(updateConnectionBody), async (c) => {
      const body = c.req.valid("json");
      const session = currentSession(c);
      const context = requestCredentialContext(c);
      const row = await findConnection(context.db, session.userId, c.req.param("id"));
      const current = await decryptConnection(context.keyring, row);
      let dataEncrypted: string | undefined;
      let newData: Record<string, unknown> = current.connection.data;
      let mcpServerMove: { mcpServerUrl: string; mcpTools: null; capabilities: null } | undefined;
      if (body.data) {
        const merged: Record<string, unknown> = { ...current.connection.data };
        for (const [key, value] of Object.entries(body.data)) {
          if (value === null) delete merged[key];
          else merged[key] = value;
        }
        const { connection } = validateConnectionInput(row.connectionMethod, row.provider, merged);
        newData = connection.data;
        dataEncrypted = await encryptConnectionData(context.keyring, row.id, row.userId, connection.data);
        // An MCP connection moved to another server: its column follows, and the old server's tools go.
        if (connection.method === "mcp" && connection.data.server_url !== row.mcpServerUrl)
          mcpServerMove = { mcpServerUrl: connection.data.server_url, mcpTools: null, capabilities: null };
      }
      checkBaseUrl(context.config, body.base_url);
      if (
        typeof newData.server_url === "string" &&
        newData.server_url !== (current.connection.data as Record<string, unknown>).server_url
      )
        checkBaseUrl(context.config, newData.server_url, "data.server_url");
      const retarget = decideRetargeting({
        method: row.connectionMethod,
        before: { baseUrl: row.baseUrl, data: current.connection.data },
        after: { baseUrl: body.base_url !== undefined ? body.base_url : row.baseUrl, data: newData },
        supplied: body.data,
        hasTokens: row.tokensEncrypted !== null,
      });
      if (retarget.missingSecrets.length > 0) {
        throw new AppError(
          "secrets_required",
          `Changing where this connection's credentials are sent needs them again: supply ${retarget.missingSecrets.join(", ")} in the same request`,
          { details: { changed: retarget.changed, required: retarget.missingSecrets } },
        );
      }
      if (body.name && body.name !== row.name) await assertNameFree(context.db, session.userId, body.name);
      // Tokens issued for the old destination never follow the connection: an authorization-code connection
      // must be authorized again; a client-credentials token is fetched again with the new settings.
      const reauthorize =
        retarget.dropTokens &&
        (row.connectionMethod === "oauth2" || (row.connectionMethod === "mcp" && newData.auth_type === "oauth2"));
      const event = reauthorize
        ? ({ type: "destination_changed" } as const)
        : body.status
          ? ({ type: body.status === "disconnected" ? "disconnected_by_owner" : "reactivated_by_owner" } as const)
          : dataEncrypted
            ? ({ type: "secrets_replaced" } as const)
            : undefined;
      const updated = await updateConnection(
        context.db,
        row,
        {
          ...(body.name ? { name: body.name } : {}),
          ...(dataEncrypted ? { dataEncrypted } : {}),
          ...(retarget.dropTokens ? { tokensEncrypted: null, tokenExpiresAt: null } : {}),
          ...mcpServerMove,
          ...(body.base_url !== undefined ? { baseUrl: body.base_url } : {}),
          ...(body.default_headers ? { defaultHeaders: body.default_headers } : {}),
          ...(body.timeout_ms !== undefined ? { timeoutMs: body.timeout_ms } : {}),
          ...(body.retries !== undefined ? { retries: body.retries } : {}),
          ...(body.backoff_ms !== undefined ? { backoffMs: body.backoff_ms } : {}),
          ...(body.verify_request !== undefined ? { verifyRequest: body.verify_request } : {}),
          ...(body.metadata ? { metadata: body.metadata } : {}),
        },
        { event, now: context.now() },
      );
      recordAudit(c, {
        action: "connection.update",
        outcome: "success",
        actorId: session.userId,
        targetType: "connection",
        targetId: row.id,
        metadata: { fields: Object.keys(body) },
      });
      return c.json({
        success: true,
        data: connectionSummary(updated, await decryptConnection(context.keyring, updated)),
      });
    })

    .delete("/connections/:id", async (c) => {
      const session = currentSession(c);
      const context = requestCredentialContext(c);
      const row = await findConnection(context.db, session.userId, c.req.param("id"));
      await softDeleteConnection(context.db, row, context.now());
      if (row.tokensEncrypted) {
        c.executionCtx.waitUntil(
          decryptConnection(context.keyring, row)
            .then((decrypted) => credentialProviderFor(credentials, decrypted).revoke?.(context, decrypted) ?? false)
            .then((revoked) => context.log.info("provider grant revocation", { connection_id: row.id, revoked }))
            .catch((error: unknown) =>
              context.log.warn("provider grant revocation failed", {
                connection_id: row.id,
                error: describeError(error),
              }),
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

    .get("/connections/:id/status", async (c) => {
      const context = requestCredentialContext(c);
      const row = await findConnection(context.db, currentSession(c).userId, c.req.param("id"));
      const decrypted = await decryptConnection(context.keyring, row);
      const health: TokenHealth | undefined = await credentialProviderFor(credentials, decrypted).tokenHealth?.(
        context,
        decrypted,
      );
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
          token: health
            ? {
                ...health,
                last_refresh_at: row.lastRefreshAt,
                last_refresh_error: row.lastRefreshError,
                refresh_attempts: row.refreshAttempts,
                refresh_exhausted: row.refreshExhausted,
              }
            : null,
        },
      });
    });
}

/**
 * SPEC §6.7: an MCP connection names its server with the top-level `mcp_server_url`; a `data.server_url` (the
 * seeds' shape) is accepted and must equal it. The stored data always carries the server URL.
 */
function dataWithServerUrl(body: {
  connection_method: string;
  data: Record<string, unknown>;
  mcp_server_url?: string;
}) {
  if (body.connection_method !== "mcp" || !body.mcp_server_url) return body.data;
  if (body.data.server_url !== undefined && body.data.server_url !== body.mcp_server_url) {
    throw new AppError("invalid_request", "data.server_url must equal mcp_server_url", {
      details: [{ path: "data.server_url", message: "must equal mcp_server_url" }],
    });
  }
  return { ...body.data, server_url: body.mcp_server_url };
}
