import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/platform/errors";
import { cancelTemporalExecution } from "../../src/workflows/temporal/cancel";
import { createTemporalClient } from "../../src/workflows/temporal/client";
import { createFakeTemporal, FAKE_TEMPORAL_URL } from "../fakes/temporal";
import { interceptOutbound } from "../helpers/outbound";

const temporalEnv = { ...env, TEMPORAL_HTTP_URL: FAKE_TEMPORAL_URL } as Env;
const input = {
  executionId: crypto.randomUUID(),
  kind: "workflow" as const,
  definitionId: "wf",
  version: 1,
  userId: "u",
};

async function setup() {
  const fake = createFakeTemporal();
  interceptOutbound({ [fake.host]: fake.fetch });
  const client = createTemporalClient(
    { httpUrl: new URL(FAKE_TEMPORAL_URL), namespace: "default", taskQueue: "edge-workflows" },
    { identity: "test" },
  );
  await client.startWorkflow(input);
  return fake;
}

describe("cancel through Temporal (SPEC §7.3)", () => {
  it("requests cancellation of the running workflow", async () => {
    const fake = await setup();
    expect(await cancelTemporalExecution(temporalEnv, input.executionId)).toBe("requested");
    expect(fake.cancels()[0]?.body).toEqual({
      namespace: "default",
      workflowExecution: { workflowId: input.executionId },
      identity: "edge-integrations-api@localhost:8787",
      requestId: `cancel-${input.executionId}`,
      reason: "cancelled by its owner",
    });
    expect(fake.workflow(input.executionId)?.cancelRequested).toBe(true);
  });

  it("says not_started when Temporal has no open workflow for it", async () => {
    const fake = await setup();
    expect(await cancelTemporalExecution(temporalEnv, crypto.randomUUID())).toBe("not_started");
    fake.close(input.executionId, "WORKFLOW_EXECUTION_STATUS_COMPLETED");
    expect(await cancelTemporalExecution(temporalEnv, input.executionId)).toBe("not_started");
  });

  it("answers a retryable 503 while Temporal is down", async () => {
    const fake = await setup();
    fake.state.down = "network";
    const error = await cancelTemporalExecution(temporalEnv, input.executionId).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "service_unavailable", headers: { "retry-after": "5" } });
  });
});
