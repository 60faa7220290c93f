import { defineConfig } from "vitest/config";

// Plain Node tests (no workerd): the worker runs on Node. No Temporal server is needed or started.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
  },
});
