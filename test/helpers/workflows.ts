import { introspectWorkflow } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import { expectData } from "./http";
import type { Browser } from "./session";

export interface ExecutionView {
  id: string;
  kind: string;
  definition_id: string;
  version: number;
  status: string;
  status_reason: string | null;
  engine: string;
  inputs: unknown;
  output: unknown;
  error: { node_id?: string; code: string; message: string } | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  nodes?: Array<{
    node_id: string;
    status: string;
    output?: unknown;
    error?: { code: string; message: string };
    attempts: number;
  }>;
}

export async function createWorkflow(browser: Browser, body: Record<string, unknown>) {
  return expectData<{ id: string; version: number } & Record<string, unknown>>(
    await browser.json("/api/workflows", "POST", body),
    201,
  );
}

/**
 * Runs `execute` while introspecting the embedded engine (sleeps between retries disabled — no test waits for
 * time), waits until the instance ends, and returns the execution as the API shows it.
 */
export async function executeAndWait(
  browser: Browser,
  execute: () => Promise<Response>,
  until: "complete" | "errored" | "terminated" = "complete",
): Promise<ExecutionView> {
  const introspector = await introspectWorkflow(env.EXECUTION_WORKFLOW);
  try {
    await introspector.modifyAll(async (m) => {
      await m.disableSleeps();
    });
    const queued = await expectData<ExecutionView>(await execute(), 202);
    expect(queued.status).toBe("queued");
    // The engine is started right after the 202 (waitUntil): wait for the instance to exist.
    const instance = await vi.waitFor(async () => {
      const [created] = await introspector.get();
      if (!created) throw new Error("no Workflow instance yet");
      return created;
    });
    await instance.waitForStatus(until);
    return expectData<ExecutionView>(await browser.request(`/api/executions/${queued.id}`));
  } finally {
    await introspector.dispose();
  }
}

/** Waits until `count` Workflow instances exist for the introspector and returns them. */
export async function instancesOf(introspector: Awaited<ReturnType<typeof introspectWorkflow>>, count: number) {
  return vi.waitFor(async () => {
    const instances = await introspector.get();
    if (instances.length < count) throw new Error(`${instances.length} of ${count} Workflow instances`);
    return instances;
  });
}
