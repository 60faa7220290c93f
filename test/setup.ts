import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, vi } from "vitest";

// Every test file gets isolated storage; bring its D1 to the current schema (idempotent).
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});
