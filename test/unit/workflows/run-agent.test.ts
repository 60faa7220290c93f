import { describe, expect, it } from "vitest";
import {
  ActivityError,
  type AgentDefinition,
  type ChatMessage,
  parseLlmOutput,
  runAgentDefinition,
} from "../../../src/workflows/interpreter";
import { scriptedHost } from "./host";

const agent: AgentDefinition = {
  name: "Helper",
  provider: "openai",
  model: "gpt-test",
  connection_id: "conn-1",
  instructions: "Be brief.",
  max_steps: 3,
  tools: [
    {
      type: "mcp",
      name: "lookup",
      description: "Look a thing up",
      config: { connectionId: "mcp-1", input_schema: { type: "object", properties: { q: { type: "string" } } } },
    },
    { type: "workflow", name: "send_email", config: { workflowId: "wf-1" } },
  ],
};

const reply = (
  text: string,
  toolCalls: Array<{ id: string; name: string; arguments?: Record<string, unknown> }> = [],
) => ({
  text,
  tool_calls: toolCalls.map((call) => ({ arguments: {}, ...call })),
  usage: { input_tokens: 10, output_tokens: 5 },
  model: "gpt-test-2026",
});

describe("runAgentDefinition: the agent loop", () => {
  it("answers directly when the model calls no tool", async () => {
    const { host, calls } = scriptedHost(() => reply("Hi!"));
    const result = await runAgentDefinition(agent, "Hello", host);
    expect(result).toMatchObject({
      status: "completed",
      output: { text: "Hi!", steps: 1, usage: { input_tokens: 10, output_tokens: 5 }, model: "gpt-test-2026" },
    });
    expect(calls).toEqual([
      {
        nodeId: "step_1_llm",
        type: "llm",
        attempt: 1,
        config: {
          provider: "openai",
          model: "gpt-test",
          connectionId: "conn-1",
          system: "Be brief.",
          messages: [{ role: "user", content: "Hello" }],
          tools: [
            {
              name: "lookup",
              description: "Look a thing up",
              input_schema: { type: "object", properties: { q: { type: "string" } } },
            },
            { name: "send_email", description: "", input_schema: { type: "object" } },
          ],
        },
      },
    ]);
  });

  it("runs tool calls, feeds their results back and calls the model again", async () => {
    const { host, calls } = scriptedHost(({ nodeId, config }) => {
      if (nodeId === "step_1_llm") return reply("", [{ id: "call_a", name: "lookup", arguments: { q: "x" } }]);
      if (nodeId === "step_1_tool_1")
        return { content: [{ type: "text", text: `found ${JSON.stringify(config.parameters)}` }] };
      return reply("Done.");
    });
    const result = await runAgentDefinition(agent, { question: "x?" }, host);
    expect(result).toMatchObject({
      status: "completed",
      output: { text: "Done.", steps: 2, usage: { input_tokens: 20, output_tokens: 10 } },
    });
    expect(calls.map((call) => [call.nodeId, call.type])).toEqual([
      ["step_1_llm", "llm"],
      ["step_1_tool_1", "mcp_tool"],
      ["step_2_llm", "llm"],
    ]);
    expect(calls[1]?.config).toEqual({
      connectionId: "mcp-1",
      input_schema: { type: "object", properties: { q: { type: "string" } } },
      tool: "lookup",
      parameters: { q: "x" },
    });
    const secondTurn = calls[2]?.config.messages as ChatMessage[];
    expect(secondTurn).toEqual([
      { role: "user", content: '{"question":"x?"}' },
      { role: "assistant", content: "", tool_calls: [{ id: "call_a", name: "lookup", arguments: { q: "x" } }] },
      {
        role: "tool",
        tool_call_id: "call_a",
        name: "lookup",
        content: '{"content":[{"type":"text","text":"found {\\"q\\":\\"x\\"}"}]}',
      },
    ]);
  });

  it("feeds back an unknown tool and a failing tool as errors instead of failing the run", async () => {
    const { host, calls } = scriptedHost(({ nodeId }) => {
      if (nodeId === "step_1_llm")
        return reply("", [
          { id: "c1", name: "nope" },
          { id: "c2", name: "send_email", arguments: { to: "a@b.test" } },
        ]);
      if (nodeId === "step_1_tool_2")
        throw new ActivityError("not_configured", "Workflow tools are off", { retryable: false });
      return reply("Sorry.");
    });
    const result = await runAgentDefinition(agent, "go", host);
    expect(result.status).toBe("completed");
    expect(calls.find((call) => call.nodeId === "step_1_tool_2")).toMatchObject({
      type: "workflow",
      config: { workflowId: "wf-1", inputs: { to: "a@b.test" } },
    });
    const toolMessages = ((calls[2]?.config.messages ?? []) as ChatMessage[]).filter(
      (message) => message.role === "tool",
    );
    expect(toolMessages.map((message) => message.content)).toEqual([
      '{"error":"The agent has no tool named \\"nope\\""}',
      '{"error":"Workflow tools are off"}',
    ]);
    expect(result.nodes.map((node) => [node.node_id, node.status])).toEqual([
      ["step_1_llm", "completed"],
      ["step_1_tool_1", "failed"],
      ["step_1_tool_2", "failed"],
      ["step_2_llm", "completed"],
    ]);
  });

  it("stops after max_steps model turns with max_steps_exceeded", async () => {
    const { host, calls } = scriptedHost(({ type }) =>
      type === "llm" ? reply("", [{ id: "c", name: "lookup" }]) : { ok: true },
    );
    const result = await runAgentDefinition(agent, "loop forever", host);
    expect(calls.filter((call) => call.type === "llm")).toHaveLength(3);
    expect(result).toMatchObject({ status: "failed", error: { code: "max_steps_exceeded", node_id: "step_3_llm" } });
  });

  it.each<[number | undefined, number]>([
    [undefined, 10],
    [0, 1],
    [500, 50],
  ])("max_steps %j is bounded to %d turns", async (maxSteps, turns) => {
    const { host, calls } = scriptedHost(({ type }) =>
      type === "llm" ? reply("", [{ id: "c", name: "lookup" }]) : {},
    );
    await runAgentDefinition({ ...agent, max_steps: maxSteps }, "x", host);
    expect(calls.filter((call) => call.type === "llm")).toHaveLength(turns);
  });

  it("fails when the model call fails for good, after its retries", async () => {
    const { host, calls } = scriptedHost(() => {
      throw new ActivityError("upstream_error", "503", { retryable: true });
    });
    const result = await runAgentDefinition(agent, "x", host);
    expect(calls).toHaveLength(3);
    expect(result).toMatchObject({ status: "failed", error: { node_id: "step_1_llm", code: "upstream_error" } });
  });

  it("fails with invalid_llm_output on a malformed activity output", async () => {
    const { host } = scriptedHost(() => ({ choices: [] }));
    expect(await runAgentDefinition(agent, "x", host)).toMatchObject({
      status: "failed",
      error: { code: "invalid_llm_output" },
    });
  });

  it.each<[unknown, boolean]>([
    [{ text: "a" }, true],
    [{ text: "a", tool_calls: [{ id: "1", name: "t" }] }, true],
    [{ text: "a", tool_calls: [{ id: 1, name: "t" }] }, false],
    [{ text: 1 }, false],
    [null, false],
    ["text", false],
  ])("parseLlmOutput(%j) accepts: %s", (value, accepted) => {
    expect(parseLlmOutput(value) !== null).toBe(accepted);
  });
});
