import { Hono } from "hono";
import pkg from "../../package.json";
import type { AppEnv } from "../platform/context";

/** How long the readiness check waits for D1 before reporting it unreachable. */
export const HEALTH_D1_TIMEOUT_MS = 2000;

/**
 * Liveness and readiness.
 * - `GET /api/ping`: constant answer, no I/O (liveness; also the benchmark floor).
 * - `GET /api/health`: checks D1 with a bounded query; 200 when every dependency answers, 503 otherwise.
 */
export const healthRoutes = new Hono<AppEnv>()
  .get("/ping", (c) => c.json({ success: true, data: { status: "ok" } }))
  .get("/health", async (c) => {
    const started = Date.now();
    let d1: { ok: boolean; latency_ms: number; error?: string };
    try {
      await withTimeout(c.env.DB.prepare("select 1").first(), HEALTH_D1_TIMEOUT_MS);
      d1 = { ok: true, latency_ms: Date.now() - started };
    } catch (error) {
      c.var.log.error("health check: D1 unreachable", { error: String(error) });
      d1 = { ok: false, latency_ms: Date.now() - started, error: "unreachable" };
    }
    const ok = d1.ok;
    return c.json(
      {
        success: ok,
        data: {
          status: ok ? "ok" : "degraded",
          version: pkg.version,
          environment: c.var.config.environment,
          checks: { d1 },
        },
      },
      ok ? 200 : 503,
      { "cache-control": "no-store" },
    );
  });

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  const { promise: timeout, reject } = Promise.withResolvers<never>();
  const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
