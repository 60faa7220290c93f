import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../src/db/client";
import { sweepExpired } from "../../../src/db/retention";
import { workerTokenUses } from "../../../src/db/schema";
import { workerAuth } from "../../../src/internal/auth";
import {
  INTERNAL_RETENTION_RULES,
  recordTokenUseAndLoadExecution,
  tokenUseRetentionUntilMs,
} from "../../../src/internal/jti-ledger";
import type { AppEnv } from "../../../src/platform/context";
import { handleError } from "../../../src/platform/error-handler";
import { requestContext } from "../../../src/platform/middleware/request-context";
import { workerToken } from "../../helpers/worker-token";

// workerAuth on a minimal app with the platform's request context and error handler, real D1 for the jti ledger.
// No execution exists here: a token that passes every check reaches the execution lookup and gets 404
// (test/integration/temporal-internal.test.ts covers real executions).
const app = new Hono<AppEnv>()
  .use(requestContext())
  .use("/internal/v1/executions/:id/*", workerAuth())
  .get("/internal/v1/executions/:id/ping", (c) => c.json({ success: true, data: { jti: c.var.workerToken.jti } }));
app.onError(handleError);

const ping = async (executionId: string, headers: Record<string, string> = {}): Promise<Response> =>
  app.fetch(new Request(`http://localhost:8787/internal/v1/executions/${executionId}/ping`, { headers }), env);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("workerAuth", () => {
  it("lets a valid token for this execution through to the execution lookup, once", async () => {
    const token = await workerToken({ executionId: "exe_a" });
    const first = await ping("exe_a", bearer(token));
    expect(first.status).toBe(404);
    const replay = await ping("exe_a", bearer(token));
    expect(replay.status).toBe(401);
    expect(replay.headers.get("www-authenticate")).toBe('Bearer realm="internal", error="invalid_token"');
  });

  it("answers 403 for another execution's valid token", async () => {
    const response = await ping("exe_b", bearer(await workerToken({ executionId: "exe_a" })));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  });

  it("answers a bare 401 challenge without a token (RFC 6750 §3.1), a session cookie is no token", async () => {
    const attempts: Array<Record<string, string>> = [{}, { cookie: "session=abc" }, { authorization: "Basic dTpw" }];
    for (const headers of attempts) {
      const response = await ping("exe_a", headers);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="internal"');
    }
  });

  it("answers the same 401 whatever check failed", async () => {
    const now = Math.floor(Date.now() / 1000);
    const tokens = await Promise.all([
      workerToken({ executionId: "exe_a", key: "intruder" }),
      workerToken({ executionId: "exe_a", claims: { aud: "http://elsewhere/internal" } }),
      workerToken({ executionId: "exe_a", claims: { iss: "someone" } }),
      workerToken({ executionId: "exe_a", iat: now - 400, lifetimeSeconds: 60 }),
      workerToken({ executionId: "exe_a", lifetimeSeconds: 301 }),
      workerToken({ executionId: "exe_a", omit: ["jti"] }),
    ]);
    const bodies = await Promise.all(
      tokens.map(async (token) => {
        const response = await ping("exe_a", bearer(token));
        const body = (await response.json()) as { error: { code: string; message: string } };
        return [response.status, body.error.code, body.error.message];
      }),
    );
    expect(new Set(bodies.map((body) => JSON.stringify(body)))).toEqual(
      new Set([JSON.stringify([401, "unauthenticated", "Invalid worker token"])]),
    );
  });

  it("refuses concurrent uses of one token but one (strongly consistent ledger)", async () => {
    const token = await workerToken({ executionId: "exe_c" });
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () => ping("exe_c", bearer(token)).then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 404)).toHaveLength(1);
    expect(statuses.filter((status) => status === 401)).toHaveLength(4);
  });

  it("answers 503 when worker authentication is not configured", async () => {
    const response = await app.fetch(
      new Request("http://localhost:8787/internal/v1/executions/exe_a/ping", {
        headers: bearer(await workerToken({ executionId: "exe_a" })),
      }),
      { ...env, WORKER_JWKS: undefined },
    );
    expect(response.status).toBe(503);
  });
});

describe("jti ledger", () => {
  it("keeps a use until the token's expiry plus leeway; the retention sweep then deletes it", async () => {
    const db = getDb(env.DB);
    const now = Date.now();
    const old = { jti: "old-jti", executionId: "e", iat: 0, exp: Math.floor(now / 1000) - 120 };
    expect((await recordTokenUseAndLoadExecution(db, old)).use).toBe("first_use");
    const fresh = { ...old, jti: "new-jti", exp: Math.floor(now / 1000) + 60 };
    expect(await recordTokenUseAndLoadExecution(db, fresh)).toEqual({ use: "first_use", execution: undefined });
    expect((await recordTokenUseAndLoadExecution(db, fresh)).use).toBe("replayed");
    expect(await sweepExpired(db, INTERNAL_RETENTION_RULES, now)).toEqual([
      { rule: "worker_token_uses.expired", deleted: 1, backlog: false },
    ]);
    const rows = await db.select().from(workerTokenUses);
    expect(rows.map((row) => row.jti)).toContain("new-jti");
    expect(rows.map((row) => row.jti)).not.toContain("old-jti");
    expect(tokenUseRetentionUntilMs({ exp: 100 })).toBe(111_000);
  });
});
