import { describe, expect, it } from "vitest";
import {
  buildCancelWorkflowCall,
  buildDescribeWorkflowCall,
  buildStartWorkflowCall,
  decodeJsonPayload,
  encodeJsonPayload,
  temporalIdentity,
} from "../../../../src/workflows/temporal/start-request";

const settings = { namespace: "default", taskQueue: "edge-workflows" };
const input = {
  executionId: "exe_0195f3c2",
  kind: "workflow" as const,
  definitionId: "wf_1",
  version: 3,
  userId: "usr_1",
};

describe("Temporal start request (SPEC §7.3)", () => {
  it("builds the exact StartWorkflowExecution call", () => {
    const call = buildStartWorkflowCall(settings, input, "edge-integrations-api@app.example");
    expect(call.method).toBe("POST");
    expect(call.path).toBe("/api/v1/namespaces/default/workflows/exe_0195f3c2");
    expect(call.body).toEqual({
      namespace: "default",
      workflowId: "exe_0195f3c2",
      workflowType: { name: "runWorkflow" },
      taskQueue: { name: "edge-workflows" },
      input: {
        payloads: [
          {
            metadata: { encoding: "anNvbi9wbGFpbg==" }, // base64("json/plain")
            data: btoa(JSON.stringify(input)),
          },
        ],
      },
      identity: "edge-integrations-api@app.example",
      requestId: "start-exe_0195f3c2",
      workflowIdReusePolicy: "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE",
      workflowIdConflictPolicy: "WORKFLOW_ID_CONFLICT_POLICY_FAIL",
    });
  });

  it("starts runAgent for an agent execution", () => {
    const call = buildStartWorkflowCall(settings, { ...input, kind: "agent" }, "id");
    expect(call.body?.workflowType).toEqual({ name: "runAgent" });
  });

  it("keeps the requestId stable across deliveries of the same execution", () => {
    const first = buildStartWorkflowCall(settings, input, "id").body?.requestId;
    const second = buildStartWorkflowCall(settings, input, "id").body?.requestId;
    expect(first).toBe(second);
    expect(buildStartWorkflowCall(settings, { ...input, executionId: "exe_other" }, "id").body?.requestId).not.toBe(
      first,
    );
  });

  it("carries only ids in the payload, whatever else the caller's object holds", () => {
    const leaky = { ...input, inputs: { apiKey: "sk-live-secret" }, credential: "Bearer abc" };
    const body = buildStartWorkflowCall(settings, leaky, "id").body;
    expect(JSON.stringify(body)).not.toContain("secret");
    const [payload] = body?.input.payloads ?? [];
    expect(payload && decodeJsonPayload(payload)).toEqual(input);
  });

  it("percent-encodes namespace and workflow id path segments", () => {
    const call = buildStartWorkflowCall(
      { ...settings, namespace: "team.prod" },
      { ...input, executionId: "a/b c" },
      "id",
    );
    expect(call.path).toBe("/api/v1/namespaces/team.prod/workflows/a%2Fb%20c");
  });

  it("round-trips UTF-8 through a json/plain payload", () => {
    const value = { name: "Zoë ✓", n: 1 };
    expect(decodeJsonPayload(encodeJsonPayload(value))).toEqual(value);
  });

  it("refuses to decode a payload that is not json/plain", () => {
    expect(() => decodeJsonPayload({ metadata: { encoding: btoa("binary/plain") }, data: "" })).toThrow(/encoding/);
  });

  it("builds RequestCancelWorkflowExecution and DescribeWorkflowExecution calls", () => {
    expect(buildCancelWorkflowCall(settings, "exe_1", "id", "user asked")).toEqual({
      method: "POST",
      path: "/api/v1/namespaces/default/workflows/exe_1/cancel",
      body: {
        namespace: "default",
        workflowExecution: { workflowId: "exe_1" },
        identity: "id",
        requestId: "cancel-exe_1",
        reason: "user asked",
      },
    });
    expect(buildDescribeWorkflowCall(settings, "exe_1")).toEqual({
      method: "GET",
      path: "/api/v1/namespaces/default/workflows/exe_1",
    });
  });

  it("names the app, not a user, as the identity", () => {
    expect(temporalIdentity(new URL("https://api.example.com/x"))).toBe("edge-integrations-api@api.example.com");
  });
});
