import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { scopesRequiredBy } from "../../../src/mcp/tool-scopes";
import { buildMcpServer, type ToolCallRecord, withJsonSchemaConvertedOnce } from "../../../src/mcp/tools";
import type { ExecutionSummary, WorkflowToolsPort } from "../../../src/mcp/workflow-tools-port";

const principal = {
  userId: "u1",
  clientId: "c1",
  grantId: "g1",
  scopes: ["workflows:read", "workflows:execute"],
  token: "t",
  expiresAt: 0,
};

const execution = (status: ExecutionSummary["status"], completed: number): ExecutionSummary => ({
  id: "e1",
  kind: "workflow",
  definitionId: "w1",
  status,
  output: status === "completed" ? { greeting: "hi" } : null,
  error: null,
  progress: { completed, total: 3 },
  createdAt: 1,
  completedAt: status === "completed" ? 2 : null,
});

/** A port with one workflow whose execution advances one node per poll. */
function fakePort() {
  const started: Array<Record<string, unknown>> = [];
  let polls = 0;
  const port: WorkflowToolsPort = {
    listWorkflows: async () => [{ id: "w1", name: "Greet", description: null, version: 2, inputSchema: SCHEMA }],
    getWorkflow: async (userId, id) =>
      userId === "u1" && id === "w1" ? { id, name: "Greet", description: null, version: 2, inputSchema: SCHEMA } : null,
    startWorkflowExecution: async (_u, _w, inputs) => {
      started.push(inputs);
      return execution("running", 0);
    },
    getExecution: async (userId) => {
      if (userId !== "u1") return null;
      polls += 1;
      return polls >= 3 ? execution("completed", 3) : execution("running", polls);
    },
    listAgents: async () => [],
    startAgentExecution: async () => null,
  };
  return { port, started };
}

const SCHEMA = {
  type: "object",
  properties: { name: { type: "string", minLength: 1 } },
  required: ["name"],
  additionalProperties: false,
};

async function connect(port: WorkflowToolsPort, records: ToolCallRecord[]) {
  let now = 0;
  const server = buildMcpServer({
    principal,
    workflows: port,
    extraTools: [
      {
        name: "github__create_issue",
        description: "Create an issue",
        inputSchema: { type: "object", properties: { title: { type: "string" } }, required: ["title"] },
        requiredScopes: ["connections:use"],
        call: async (args) => ({ content: [{ type: "text", text: `created ${String(args.title)}` }] }),
      },
    ],
    onToolCall: (record) => records.push(record),
    sleep: async (ms) => {
      now += ms;
    },
    now: () => now,
  });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: "unit", version: "1.0.0" });
  await client.connect(clientTransport);
  return client;
}

describe("MCP tools (SPEC §8)", () => {
  it("list_workflows advertises each workflow's input_schema", async () => {
    const client = await connect(fakePort().port, []);
    const result = await client.callTool({ name: "list_workflows", arguments: {} });
    expect(result.structuredContent).toEqual({
      workflows: [{ id: "w1", name: "Greet", description: null, version: 2, input_schema: SCHEMA }],
    });
  });

  it("execute_workflow refuses inputs that do not match the input_schema, without starting anything", async () => {
    const { port, started } = fakePort();
    const records: ToolCallRecord[] = [];
    const client = await connect(port, records);
    const result = await client.callTool({
      name: "execute_workflow",
      arguments: { workflow_id: "w1", inputs: { name: 3 } },
    });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.structuredContent)).toContain("invalid_inputs");
    expect(started).toEqual([]);
    expect(records).toEqual([{ tool: "execute_workflow", outcome: "failure", durationMs: 0 }]);
  });

  it("execute_workflow answers not_found for a workflow that is not the user's", async () => {
    const client = await connect(fakePort().port, []);
    const result = await client.callTool({ name: "execute_workflow", arguments: { workflow_id: "other", inputs: {} } });
    expect(result.structuredContent).toEqual({ error: { code: "not_found", message: "Workflow not found" } });
  });

  it("execute_workflow with wait_seconds waits for the result and reports progress", async () => {
    const { port, started } = fakePort();
    const records: ToolCallRecord[] = [];
    const client = await connect(port, records);
    const progress: number[] = [];
    const result = await client.callTool(
      { name: "execute_workflow", arguments: { workflow_id: "w1", inputs: { name: "Ada" }, wait_seconds: 10 } },
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(started).toEqual([{ name: "Ada" }]);
    expect(result.structuredContent).toMatchObject({
      execution_id: "e1",
      status: "completed",
      output: { greeting: "hi" },
    });
    expect(progress).toEqual([0, 1, 2]);
    expect(records).toEqual([{ tool: "execute_workflow", outcome: "success", durationMs: 3000 }]);
  });

  it("execute_workflow stops waiting at wait_seconds and returns the running execution", async () => {
    const { port } = fakePort();
    const client = await connect(port, []);
    const result = await client.callTool({
      name: "execute_workflow",
      arguments: { workflow_id: "w1", inputs: { name: "Ada" }, wait_seconds: 1 },
    });
    expect(result.structuredContent).toMatchObject({ status: "running" });
  });

  it("refuses a wait_seconds beyond the bound (schema validation)", async () => {
    const client = await connect(fakePort().port, []);
    const result = await client.callTool({
      name: "execute_workflow",
      arguments: { workflow_id: "w1", inputs: {}, wait_seconds: 3600 },
    });
    expect(result.isError).toBe(true);
  });

  it("execute_agent answers not_found for an unknown agent and starts a known one", async () => {
    const { port } = fakePort();
    const inputs: string[] = [];
    const withAgent: WorkflowToolsPort = {
      ...port,
      startAgentExecution: async (_user, agentId, input) => {
        if (agentId !== "a1") return null;
        inputs.push(input);
        return { ...execution("running", 0), kind: "agent", definitionId: "a1" };
      },
    };
    const client = await connect(withAgent, []);
    const missing = await client.callTool({ name: "execute_agent", arguments: { agent_id: "nope", input: "hi" } });
    expect(missing.structuredContent).toEqual({ error: { code: "not_found", message: "Agent not found" } });
    const started = await client.callTool({ name: "execute_agent", arguments: { agent_id: "a1", input: "hi" } });
    expect(started.structuredContent).toMatchObject({ kind: "agent", definition_id: "a1", status: "running" });
    expect(inputs).toEqual(["hi"]);
  });

  it("registers the gateway's per-user tools next to ours", async () => {
    const client = await connect(fakePort().port, []);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain("github__create_issue");
    const result = await client.callTool({ name: "github__create_issue", arguments: { title: "Bug" } });
    expect(result.content).toEqual([{ type: "text", text: "created Bug" }]);
  });
});

describe("withJsonSchemaConvertedOnce (tools/list without a zod conversion per request)", () => {
  const OPTIONS = { target: "draft-2020-12" } as const;
  const shape = () =>
    z.object({ workflow_id: z.string().min(1).max(100), inputs: z.record(z.string(), z.unknown()).default({}) });

  it("lists exactly what zod itself converts, converting once", async () => {
    const schema = shape();
    const standard = schema["~standard"];
    let conversions = 0;
    schema["~standard"] = {
      ...standard,
      jsonSchema: {
        ...standard.jsonSchema,
        input: (options) => {
          conversions += 1;
          return standard.jsonSchema.input(options);
        },
      },
    };
    const once = withJsonSchemaConvertedOnce(schema);
    const expected = shape()["~standard"].jsonSchema.input(OPTIONS);
    expect(once["~standard"].jsonSchema.input(OPTIONS)).toEqual(expected);
    expect(once["~standard"].jsonSchema.input(OPTIONS)).toEqual(expected);
    expect(conversions).toBe(1);
  });

  it("hands every caller its own copy", () => {
    const once = withJsonSchemaConvertedOnce(shape());
    const first = once["~standard"].jsonSchema.input(OPTIONS);
    (first as { properties: Record<string, unknown> }).properties.injected = { type: "string" };
    expect(once["~standard"].jsonSchema.input(OPTIONS)).not.toHaveProperty("properties.injected");
  });

  it("keeps zod's validation, defaults included", async () => {
    const once = withJsonSchemaConvertedOnce(shape());
    expect(await once["~standard"].validate({ workflow_id: "w1" })).toEqual({
      value: { workflow_id: "w1", inputs: {} },
    });
    expect(once.safeParse({ workflow_id: "" }).success).toBe(false);
  });

  it("lists the same tool schemas on every request", async () => {
    const first = (await (await connect(fakePort().port, [])).listTools()).tools;
    const second = (await (await connect(fakePort().port, [])).listTools()).tools;
    expect(second).toEqual(first);
    expect(first.find((tool) => tool.name === "execute_workflow")?.inputSchema).toMatchObject({
      type: "object",
      properties: { workflow_id: { type: "string", minLength: 1, maxLength: 100 } },
      required: ["workflow_id"],
    });
  });
});

describe("scopesRequiredBy (per-tool scopes, MCP 2025-11-25 scope challenge)", () => {
  const extra = new Map([["github__create_issue", ["connections:use" as const]]]);
  it.each([
    ["tools/list needs no tool scope", { method: "tools/list" }, []],
    ["list_workflows", { method: "tools/call", params: { name: "list_workflows" } }, ["workflows:read"]],
    ["execute_workflow", { method: "tools/call", params: { name: "execute_workflow" } }, ["workflows:execute"]],
    ["execute_agent", { method: "tools/call", params: { name: "execute_agent" } }, ["agents:execute"]],
    ["a gateway tool", { method: "tools/call", params: { name: "github__create_issue" } }, ["connections:use"]],
    ["an unknown tool (answered by the server)", { method: "tools/call", params: { name: "nope" } }, []],
    [
      "a 2025-03-26 batch needs the union",
      [
        { method: "tools/call", params: { name: "list_agents" } },
        { method: "tools/call", params: { name: "execute_workflow" } },
      ],
      ["agents:read", "workflows:execute"],
    ],
    ["a non-object body", "garbage", []],
  ])("%s", (_rule, body, scopes) => {
    expect(scopesRequiredBy(body, extra)).toEqual(scopes);
  });
});
