import { introspectWorkflow } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { mcpModern, obtainTokens, rpcResult } from "../conformance/oauth-flow";
import { expectData } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { createWorkflow } from "../helpers/workflows";

/**
 * `/mcp` tools over the real workflows feature (SPEC §8 tools, §7 executions): the user's workflows,
 * input_schema validation, an execution run to completion on the embedded engine, isolation between
 * users, and an audit record for every call.
 */
beforeEach(() => {
  interceptOutbound({ "hooks.example.test": async () => Response.json({ ok: true }) });
});

const greet = {
  name: "Greet",
  input_schema: { type: "object", required: ["name"], properties: { name: { type: "string", minLength: 1 } } },
  nodes: [
    {
      id: "notify",
      type: "webhook",
      config: { url: "https://hooks.example.test/x", method: "POST", body: { text: "hi {{inputs.name}}" } },
    },
  ],
  edges: [],
};

type ToolAnswer = { structuredContent?: Record<string, unknown>; isError?: boolean };
async function callTool(token: string, name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
  const response = await mcpModern(token, "tools/call", { name, arguments: args });
  expect(response.status).toBe(200);
  const { result, error } = await rpcResult<ToolAnswer>(response);
  expect(error).toBeUndefined();
  return result as ToolAnswer;
}

describe("MCP tools over the workflows feature", () => {
  it("lists the user's workflows with their input_schema and runs one to completion", async () => {
    const { browser, tokens } = await obtainTokens();
    const workflow = await createWorkflow(browser, greet);
    const sent = vi.spyOn(env.JOBS, "send");

    const listed = await callTool(tokens.access_token, "list_workflows", {});
    expect(listed.structuredContent).toEqual({
      workflows: [{ id: workflow.id, name: "Greet", description: null, version: 1, input_schema: greet.input_schema }],
    });

    const refused = await callTool(tokens.access_token, "execute_workflow", {
      workflow_id: workflow.id,
      inputs: { name: 5 },
    });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.structuredContent)).toContain("invalid_inputs");

    const introspector = await introspectWorkflow(env.EXECUTION_WORKFLOW);
    try {
      await introspector.modifyAll(async (m) => {
        await m.disableSleeps();
      });
      const started = await callTool(tokens.access_token, "execute_workflow", {
        workflow_id: workflow.id,
        inputs: { name: "Ada" },
      });
      const executionId = started.structuredContent?.execution_id as string;
      expect(started.structuredContent).toMatchObject({ status: "queued", definition_id: workflow.id });
      const instance = await vi.waitFor(async () => {
        const [created] = await introspector.get();
        if (!created) throw new Error("no Workflow instance yet");
        return created;
      });
      await instance.waitForStatus("complete");
      const status = await callTool(tokens.access_token, "get_execution_status", { execution_id: executionId });
      expect(status.structuredContent).toMatchObject({
        execution_id: executionId,
        status: "completed",
        progress: { completed: 1, total: 1 },
      });
      // The same execution is visible in the REST API (and so in the web app).
      expect(await expectData(await browser.request(`/api/executions/${executionId}`))).toMatchObject({
        status: "completed",
      });
    } finally {
      await introspector.dispose();
    }

    const audits = sent.mock.calls
      .map(
        ([message]) => message as { kind?: string; payload?: { action?: string; targetId?: string; outcome?: string } },
      )
      .filter((message) => message.payload?.action === "mcp.tool_call");
    expect(audits.map((message) => [message.payload?.targetId, message.payload?.outcome])).toEqual([
      ["list_workflows", "success"],
      ["execute_workflow", "failure"],
      ["execute_workflow", "success"],
      ["get_execution_status", "success"],
    ]);
  });

  it("never shows or runs another user's workflow (not_found)", async () => {
    const owner = await obtainTokens();
    const workflow = await createWorkflow(owner.browser, greet);
    const stranger = await obtainTokens();
    expect((await callTool(stranger.tokens.access_token, "list_workflows", {})).structuredContent).toEqual({
      workflows: [],
    });
    const run = await callTool(stranger.tokens.access_token, "execute_workflow", {
      workflow_id: workflow.id,
      inputs: { name: "x" },
    });
    expect(run.structuredContent).toEqual({ error: { code: "not_found", message: "Workflow not found" } });
  });
});
