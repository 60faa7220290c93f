import { runActivityAttempts } from "./attempts";
import { DEFAULT_RETRY_POLICY } from "./retry";
import type { ActivityType, AgentDefinition, AgentTool, InterpreterHost, NodeResult, RunResult } from "./types";

/** SPEC §7.1 `max_steps`: LLM turns an agent may take; the default and the ceiling. */
export const DEFAULT_AGENT_MAX_STEPS = 10;
export const MAX_AGENT_MAX_STEPS = 50;

/** A tool call the model asked for. `arguments` is the parsed JSON object. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * A provider-neutral chat message: what the agent loop keeps and the `llm` activity translates to each
 * provider's wire format (`src/workflows/activities/llm`).
 */
export type ChatMessage =
  | { role: "user"; content: string }
  | { role: "assistant"; content: string; tool_calls?: ToolCall[] }
  | { role: "tool"; tool_call_id: string; name: string; content: string };

/** A tool as offered to the model: name, description and a JSON Schema of its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

/** Token counts, summed over an agent's turns. */
export interface LlmUsage {
  input_tokens: number;
  output_tokens: number;
}

/** The output of the `llm` activity (SPEC §7.1 `{text, usage, model}`, plus the tool calls asked for). */
export interface LlmOutput {
  text: string;
  tool_calls: ToolCall[];
  usage: LlmUsage;
  model: string;
}

/** The config of an agent's `llm` activity: a conversation instead of a node's `prompt`. */
export interface AgentLlmConfig {
  provider: string;
  model: string;
  connectionId: string;
  system?: string;
  temperature?: number;
  messages: ChatMessage[];
  tools: ToolSpec[];
}

/** An agent run's output. */
export interface AgentOutput {
  text: string;
  steps: number;
  usage: LlmUsage;
  model: string;
}

const TOOL_ACTIVITY: Record<AgentTool["type"], ActivityType> = {
  workflow: "workflow",
  mcp: "mcp_tool",
  paragon: "paragon_action",
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads an `llm` activity output defensively; an engine may hand back anything it deserialized. */
export function parseLlmOutput(value: unknown): LlmOutput | null {
  if (!isRecord(value) || typeof value.text !== "string") return null;
  const calls = Array.isArray(value.tool_calls) ? value.tool_calls : [];
  const toolCalls: ToolCall[] = [];
  for (const call of calls) {
    if (!isRecord(call) || typeof call.id !== "string" || typeof call.name !== "string") return null;
    toolCalls.push({ id: call.id, name: call.name, arguments: isRecord(call.arguments) ? call.arguments : {} });
  }
  const usage = isRecord(value.usage) ? value.usage : {};
  return {
    text: value.text,
    tool_calls: toolCalls,
    usage: {
      input_tokens: typeof usage.input_tokens === "number" ? usage.input_tokens : 0,
      output_tokens: typeof usage.output_tokens === "number" ? usage.output_tokens : 0,
    },
    model: typeof value.model === "string" ? value.model : "",
  };
}

/** The activity config for one tool call: the tool's saved config plus the model's arguments. */
export function toolActivityConfig(tool: AgentTool, call: ToolCall): Record<string, unknown> {
  switch (tool.type) {
    case "mcp":
      return { ...tool.config, tool: tool.config.tool ?? tool.name, parameters: call.arguments };
    case "paragon":
      return { ...tool.config, action: tool.config.action ?? tool.name, parameters: call.arguments };
    case "workflow":
      return { ...tool.config, inputs: call.arguments };
  }
}

function toolSpecs(tools: AgentTool[]): ToolSpec[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description ?? "",
    input_schema: isRecord(tool.config.input_schema) ? tool.config.input_schema : { type: "object" },
  }));
}

/**
 * Runs an agent (SPEC §7.3): the model is called with the conversation and the tools; each tool call it
 * makes runs as an activity and its result (or its error, so the model can recover) is fed back; the loop
 * ends when the model answers without tool calls, and fails with `max_steps_exceeded` after `max_steps`
 * model turns. Each turn is a node `step_<n>_llm`, each tool call `step_<n>_tool_<m>`, so events and results
 * read like a workflow's. Deterministic given the activity results.
 */
export async function runAgentDefinition(
  agent: AgentDefinition,
  input: unknown,
  host: InterpreterHost,
): Promise<RunResult> {
  const maxSteps = Math.min(MAX_AGENT_MAX_STEPS, Math.max(1, Math.floor(agent.max_steps ?? DEFAULT_AGENT_MAX_STEPS)));
  const nodes: NodeResult[] = [];
  const messages: ChatMessage[] = [
    { role: "user", content: typeof input === "string" ? input : JSON.stringify(input ?? null) },
  ];
  const tools = toolSpecs(agent.tools);
  const usage: LlmUsage = { input_tokens: 0, output_tokens: 0 };

  for (let step = 1; step <= maxSteps; step++) {
    const llmNodeId = `step_${step}_llm`;
    const config: AgentLlmConfig = {
      provider: agent.provider,
      model: agent.model,
      connectionId: agent.connection_id,
      messages: [...messages],
      tools,
      ...(agent.instructions !== undefined && { system: agent.instructions }),
      ...(agent.temperature !== undefined && { temperature: agent.temperature }),
    };
    const outcome = await runActivityAttempts(
      host,
      llmNodeId,
      "llm",
      config as unknown as Record<string, unknown>,
      DEFAULT_RETRY_POLICY,
    );
    if (!outcome.ok) {
      nodes.push({ node_id: llmNodeId, status: "failed", error: outcome.error, attempts: outcome.attempts });
      return { status: "failed", error: { ...outcome.error, node_id: llmNodeId }, nodes };
    }
    const reply = parseLlmOutput(outcome.output);
    if (!reply) {
      const error = {
        code: "invalid_llm_output",
        message: "The llm activity returned an unexpected shape",
        retryable: false,
      };
      nodes.push({ node_id: llmNodeId, status: "failed", error, attempts: outcome.attempts });
      await host.emit({
        id: `${llmNodeId}:failed`,
        type: "node_failed",
        node_id: llmNodeId,
        error,
        attempts: outcome.attempts,
        final: true,
      });
      return { status: "failed", error: { ...error, node_id: llmNodeId }, nodes };
    }
    usage.input_tokens += reply.usage.input_tokens;
    usage.output_tokens += reply.usage.output_tokens;
    nodes.push({ node_id: llmNodeId, status: "completed", output: reply, attempts: outcome.attempts });
    await host.emit({
      id: `${llmNodeId}:completed`,
      type: "node_completed",
      node_id: llmNodeId,
      output: reply,
      attempts: outcome.attempts,
    });

    if (reply.tool_calls.length === 0) {
      const output: AgentOutput = { text: reply.text, steps: step, usage, model: reply.model || agent.model };
      return { status: "completed", output, nodes };
    }
    messages.push({ role: "assistant", content: reply.text, tool_calls: reply.tool_calls });
    for (const [index, call] of reply.tool_calls.entries()) {
      const toolNodeId = `step_${step}_tool_${index + 1}`;
      const content = await runToolCall(host, agent.tools, toolNodeId, call, nodes);
      messages.push({ role: "tool", tool_call_id: call.id, name: call.name, content: JSON.stringify(content) });
    }
  }
  const error = {
    code: "max_steps_exceeded",
    message: `The agent was still calling tools after max_steps (${maxSteps}) model turns`,
    retryable: false,
  };
  return { status: "failed", error: { ...error, node_id: `step_${maxSteps}_llm` }, nodes };
}

/** Runs one tool call and returns what is fed back to the model: the tool's output, or `{error}`. */
async function runToolCall(
  host: InterpreterHost,
  tools: AgentTool[],
  nodeId: string,
  call: ToolCall,
  nodes: NodeResult[],
): Promise<unknown> {
  const tool = tools.find((candidate) => candidate.name === call.name);
  if (!tool) {
    const error = { code: "unknown_tool", message: `The agent has no tool named "${call.name}"`, retryable: false };
    nodes.push({ node_id: nodeId, status: "failed", error, attempts: 0 });
    await host.emit({ id: `${nodeId}:failed`, type: "node_failed", node_id: nodeId, error, attempts: 0, final: true });
    return { error: error.message };
  }
  const outcome = await runActivityAttempts(
    host,
    nodeId,
    TOOL_ACTIVITY[tool.type],
    toolActivityConfig(tool, call),
    DEFAULT_RETRY_POLICY,
  );
  if (!outcome.ok) {
    nodes.push({ node_id: nodeId, status: "failed", error: outcome.error, attempts: outcome.attempts });
    return { error: outcome.error.message };
  }
  nodes.push({ node_id: nodeId, status: "completed", output: outcome.output, attempts: outcome.attempts });
  await host.emit({
    id: `${nodeId}:completed`,
    type: "node_completed",
    node_id: nodeId,
    output: outcome.output,
    attempts: outcome.attempts,
  });
  return outcome.output;
}
