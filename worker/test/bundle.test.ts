import { fileURLToPath } from "node:url";
import { bundleWorkflowCode } from "@temporalio/worker";
import { describe, expect, it } from "vitest";

// The workflow code, the interpreter included, must load in Temporal's deterministic sandbox: the worker's
// bundler refuses modules that are not allowed there (node built-ins, Workers APIs).
describe("workflow bundle", () => {
  it("bundles runWorkflow and runAgent with the shared interpreter", async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL("../src/workflows.ts", import.meta.url)),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never,
    });
    expect(code).toContain("runWorkflowDefinition");
    expect(code).toContain("runAgent");
  });
});
