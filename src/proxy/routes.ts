import { Hono } from "hono";
import { currentSession, requireSession, sessionAuth } from "../auth/session-auth";
import { checkBaseUrl, validateConnectionInput } from "../connections/input";
import { testConnectionBody } from "../connections/schemas";
import { proxiedConnection } from "../connections/session-companions";
import { applyStatusEvent, decryptConnection, findConnection, updateConnection } from "../connections/store";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { jsonBody } from "../platform/middleware/body";
import { enforceRateLimit } from "../platform/rate-limit";
import { proxyThroughConnection, requestUseContext } from "./core";
import { publicTestResult, type TestResult, testConnection } from "./test-connection";

/** Connection tests allowed per user per minute (SPEC §11; RATE_LIMIT_CONNECTION_TEST in wrangler.toml). */
const CONNECTION_TEST_PERIOD_SECONDS = 60;

/** The proxy route's paths: they stream bodies through instead of the JSON-sized body limit. */
export const PROXY_PATH_PATTERN = /^\/api\/connections\/[^/]+\/proxy(\/|$)/;

function testOutcomeEvent(result: TestResult) {
  if (result.success) return { type: "test_passed" } as const;
  return result.credentialsRejected ? ({ type: "credentials_rejected", message: result.message } as const) : undefined;
}

/**
 * Using connections over HTTP (SPEC §6.3, §6.6), mounted at `/api`: the credential-injecting proxy and
 * connection tests (saved, or before saving).
 */
export const proxyRoutes = new Hono<AppEnv>()
  .use("/connections/test", requireSession())
  .use("/connections/:id/test", requireSession())
  .use("/connections/:id/proxy/*", sessionAuth({ required: true, companions: [proxiedConnection] }))

  .post("/connections/test", jsonBody(testConnectionBody), async (c) => {
    const body = c.req.valid("json");
    const session = currentSession(c);
    await enforceRateLimit(c.env.RATE_LIMIT_CONNECTION_TEST, `user:${session.userId}`, CONNECTION_TEST_PERIOD_SECONDS);
    const { provider, connection } = validateConnectionInput(body.connection_method, body.provider, body.data);
    checkBaseUrl(c.var.config, body.base_url);
    const result = await testConnection(requestUseContext(c), {
      id: null,
      userId: session.userId,
      provider: provider.id,
      status: "active",
      connection,
      baseUrl: body.base_url ?? provider.apiBaseUrl ?? null,
      defaultHeaders: body.default_headers ?? null,
      timeoutMs: body.timeout_ms ?? 30_000,
      retries: 0,
      backoffMs: 0,
      verifyRequest: body.verify_request ?? null,
      tokensEncrypted: null,
      refreshExhausted: false,
    });
    return c.json({ success: true, data: publicTestResult(result) });
  })

  .post("/connections/:id/test", async (c) => {
    const session = currentSession(c);
    const context = requestUseContext(c);
    const row = await findConnection(context.db, session.userId, c.req.param("id"));
    await enforceRateLimit(c.env.RATE_LIMIT_CONNECTION_TEST, `user:${session.userId}`, CONNECTION_TEST_PERIOD_SECONDS);
    const result = await testConnection(context, await decryptConnection(context.keyring, row));
    const event = testOutcomeEvent(result);
    const outcome = { lastTestedAt: result.tested_at, lastTestSuccess: result.success, updatedAt: context.now() };
    // A test that could not reach the provider says nothing about the credentials: the status stays.
    if (event) await applyStatusEvent(context.db, row, event, outcome);
    else await updateConnection(context.db, row, outcome, { now: outcome.updatedAt });
    return c.json({ success: true, data: publicTestResult(result) });
  })

  .all("/connections/:id/proxy/*", async (c) => {
    const session = currentSession(c);
    const context = requestUseContext(c);
    const prefetched = c.var.prefetchedConnection;
    if (prefetched === null) throw new AppError("not_found", "Connection not found");
    const row =
      prefetched && prefetched.userId === session.userId && prefetched.id === c.req.param("id")
        ? prefetched
        : await findConnection(context.db, session.userId, c.req.param("id"));
    if (row.status === "revoked" || row.status === "disconnected" || row.status === "expired") {
      throw new AppError("connection_not_authorized", `This connection is ${row.status}; reconnect it to use it`);
    }
    const decrypted = await decryptConnection(context.keyring, row);
    const url = new URL(c.req.url);
    const prefix = `/api/connections/${row.id}/proxy`;
    const length = c.req.header("content-length");
    return proxyThroughConnection(context, decrypted, {
      method: c.req.method,
      path: url.pathname.slice(prefix.length) || "/",
      search: url.search,
      headers: c.req.raw.headers,
      body: c.req.raw.body,
      contentLength: length ? Number(length) : null,
      allowNonIdempotent: c.req.header("x-proxy-retry-unsafe") === "true",
    });
  });
