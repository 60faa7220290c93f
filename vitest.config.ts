import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd against the real Worker (src/index.ts) and real D1/KV/Queue/rate-limit
// bindings from wrangler.toml. Storage is isolated per test file. Only the outside world is faked
// (test/fakes/), by intercepting the Worker's outbound fetch.
// Fixed test keys (never used outside tests): primary "t2", older "t1" still decrypts.
const TEST_ENCRYPTION_KEYS =
  "t2:dGVzdC1rZXktdHdvLXRlc3Qta2V5LXR3by10ZXN0LWs=,t1:dGVzdC1rZXktb25lLXRlc3Qta2V5LW9uZS10ZXN0LWs=";
// The secrets reach the Worker as the bindings below (wrangler.toml's top level declares no `[secrets]`).
const TEST_SESSION_SECRET = "test-session-secret-test-session-secret";
// Test-only ES256 key for OAuth access tokens (src/oauth-server/signing-keys.ts).
const TEST_OAUTH_SIGNING_KEYS =
  '[{"kty":"EC","x":"EFP4-Wk4J24YRGNtiICD5q-Khwd7jFJNmbkGUMVBX98","y":"oUz6BtXtMe6PLqK5NjZa85gs_FeJJgiOpVsPq0u9MWI","crv":"P-256","d":"T9RxnUU45o-yvH_4rhvWGqeJDq6ukfK4a99G6wNTUag","kid":"test-1"}]';

export default defineConfig(async () => {
  const migrations = await readD1Migrations(new URL("./migrations", import.meta.url).pathname);
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ENVIRONMENT: "test",
            APP_URL: "http://localhost:8787",
            LOG_LEVEL: "error",
            ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
            SESSION_SECRET: TEST_SESSION_SECRET,
            OAUTH_SIGNING_KEYS: TEST_OAUTH_SIGNING_KEYS,
            TEST_MIGRATIONS: migrations,
            // Public half of the test worker key in test/helpers/worker-token.ts (internal API, SPEC §7.4).
            WORKER_JWKS:
              '{"keys":[{"kty":"EC","x":"DxfbzAXSjdVEyeHgIL_qlrQKgxPilH3_supn_zZQZvU","y":"_hp8lvM1qNn7b8EHlbH8ZeSgtaik_JyQ5rI0RjO6b44","crv":"P-256","kid":"test-worker-1","alg":"ES256","use":"sig"}]}',
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
      setupFiles: ["./test/setup.ts"],
    },
  };
});
