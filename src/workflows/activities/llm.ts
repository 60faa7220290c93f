import type { ChatMessage, LlmOutput, ToolCall, ToolSpec } from "../interpreter";

/**
 * The `llm` activity's provider shapes (SPEC §7.1 `llm` node, and the agent loop): a provider-neutral request
 * turned into each chat API's body, and each answer turned back into `{text, tool_calls, usage, model}`. Pure:
 * the activity sends the request through the proxy core with the connection's key (the catalog entries of the
 * same ids say how the key is injected, and carry headers such as `anthropic-version`).
 */

/** The neutral request: a `llm` node's `prompt` or an agent's conversation. */
export interface LlmRequest {
  model: string;
  system?: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  tools?: ToolSpec[];
}

/** Anthropic requires `max_tokens`; used when a node does not set `maxTokens`. */
export const DEFAULT_MAX_TOKENS = 1024;

export class LlmResponseError extends Error {
  readonly code = "invalid_llm_response";
  constructor(message: string) {
    super(message);
    this.name = "LlmResponseError";
  }
}

export interface LlmProviderShape {
  /** Provider id, equal to the provider catalog entry (`src/connections/catalog`). */
  id: "openai" | "anthropic" | "google_ai" | "cohere";
  docs_url: string;
  /** Path under the provider's base URL. */
  path(model: string): string;
  buildBody(request: LlmRequest): Record<string, unknown>;
  parseResponse(body: unknown, request: LlmRequest): LlmOutput;
  /** Where the provider puts a failure's message. */
  errorMessage(body: unknown): string | undefined;
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

function parseArguments(raw: unknown): Record<string, unknown> {
  if (isObject(raw)) return raw;
  if (typeof raw !== "string" || raw.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return isObject(parsed) ? parsed : { value: parsed };
  } catch {
    throw new LlmResponseError("The model's tool call arguments are not valid JSON");
  }
}

function parseToolResult(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return content;
  }
}

const optional = (key: string, value: unknown) => (value === undefined ? {} : { [key]: value });

/** OpenAI-style `tools` (also Cohere v2's). */
function functionTools(tools: ToolSpec[] | undefined) {
  return tools?.length
    ? {
        tools: tools.map((tool) => ({
          type: "function",
          function: { name: tool.name, description: tool.description, parameters: tool.input_schema },
        })),
      }
    : {};
}

function functionToolCalls(calls: ToolCall[]) {
  return calls.map((call) => ({
    id: call.id,
    type: "function",
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
}

function parseFunctionToolCalls(value: unknown): ToolCall[] {
  return asArray(value).map((call) => {
    if (!isObject(call) || !isObject(call.function) || typeof call.function.name !== "string")
      throw new LlmResponseError("A tool call has no function name");
    return { id: str(call.id) ?? "", name: call.function.name, arguments: parseArguments(call.function.arguments) };
  });
}

/** @see https://platform.openai.com/docs/api-reference/chat/create */
const openai: LlmProviderShape = {
  id: "openai",
  docs_url: "https://platform.openai.com/docs/api-reference/chat/create",
  path: () => "/v1/chat/completions",
  buildBody(request) {
    const messages: unknown[] = request.system ? [{ role: "system", content: request.system }] : [];
    for (const message of request.messages) {
      if (message.role === "assistant")
        messages.push({
          role: "assistant",
          content: message.content || null,
          ...(message.tool_calls?.length && { tool_calls: functionToolCalls(message.tool_calls) }),
        });
      else if (message.role === "tool")
        messages.push({ role: "tool", tool_call_id: message.tool_call_id, content: message.content });
      else messages.push({ role: "user", content: message.content });
    }
    return {
      model: request.model,
      messages,
      ...optional("temperature", request.temperature),
      // `max_tokens` is deprecated for chat completions and refused by reasoning models.
      ...optional("max_completion_tokens", request.maxTokens),
      ...functionTools(request.tools),
    };
  },
  parseResponse(body, request) {
    const choice = isObject(body) ? asArray(body.choices)[0] : undefined;
    if (!isObject(choice) || !isObject(choice.message))
      throw new LlmResponseError("The answer has no choices[0].message");
    const usage = isObject(body) && isObject(body.usage) ? body.usage : {};
    return {
      text: str(choice.message.content) ?? "",
      tool_calls: parseFunctionToolCalls(choice.message.tool_calls),
      usage: { input_tokens: num(usage.prompt_tokens), output_tokens: num(usage.completion_tokens) },
      model: (isObject(body) && str(body.model)) || request.model,
    };
  },
  errorMessage: (body) => (isObject(body) && isObject(body.error) ? str(body.error.message) : undefined),
};

/** Consecutive tool results become one user turn: both Anthropic and Gemini expect the turns to alternate. */
function groupToolResults<T>(messages: ChatMessage[], toPart: (message: Extract<ChatMessage, { role: "tool" }>) => T) {
  const turns: Array<{ message: ChatMessage } | { toolParts: T[] }> = [];
  for (const message of messages) {
    const last = turns[turns.length - 1];
    if (message.role === "tool") {
      if (last && "toolParts" in last) last.toolParts.push(toPart(message));
      else turns.push({ toolParts: [toPart(message)] });
    } else turns.push({ message });
  }
  return turns;
}

/** @see https://docs.anthropic.com/en/api/messages */
const anthropic: LlmProviderShape = {
  id: "anthropic",
  docs_url: "https://docs.anthropic.com/en/api/messages",
  path: () => "/v1/messages",
  buildBody(request) {
    const messages = groupToolResults(request.messages, (message) => ({
      type: "tool_result",
      tool_use_id: message.tool_call_id,
      content: message.content,
    })).map((turn) => {
      if ("toolParts" in turn) return { role: "user", content: turn.toolParts };
      const { message } = turn;
      if (message.role === "assistant") {
        const blocks: unknown[] = message.content ? [{ type: "text", text: message.content }] : [];
        for (const call of message.tool_calls ?? [])
          blocks.push({ type: "tool_use", id: call.id, name: call.name, input: call.arguments });
        return { role: "assistant", content: blocks };
      }
      return { role: "user", content: (message as { content: string }).content };
    });
    return {
      model: request.model,
      max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
      messages,
      ...optional("system", request.system),
      ...optional("temperature", request.temperature),
      ...(request.tools?.length && {
        tools: request.tools.map((tool) => ({
          name: tool.name,
          description: tool.description,
          input_schema: tool.input_schema,
        })),
      }),
    };
  },
  parseResponse(body, request) {
    if (!isObject(body) || !Array.isArray(body.content)) throw new LlmResponseError("The answer has no content blocks");
    let text = "";
    const toolCalls: ToolCall[] = [];
    for (const block of body.content) {
      if (!isObject(block)) continue;
      if (block.type === "text") text += str(block.text) ?? "";
      if (block.type === "tool_use")
        toolCalls.push({
          id: str(block.id) ?? "",
          name: str(block.name) ?? "",
          arguments: parseArguments(block.input),
        });
    }
    const usage = isObject(body.usage) ? body.usage : {};
    return {
      text,
      tool_calls: toolCalls,
      usage: { input_tokens: num(usage.input_tokens), output_tokens: num(usage.output_tokens) },
      model: str(body.model) ?? request.model,
    };
  },
  errorMessage: (body) => (isObject(body) && isObject(body.error) ? str(body.error.message) : undefined),
};

/** @see https://ai.google.dev/api/generate-content */
const googleAi: LlmProviderShape = {
  id: "google_ai",
  docs_url: "https://ai.google.dev/api/generate-content",
  path: (model) => `/v1beta/models/${encodeURIComponent(model.replace(/^models\//, ""))}:generateContent`,
  buildBody(request) {
    const contents = groupToolResults(request.messages, (message) => ({
      functionResponse: { name: message.name, response: { result: parseToolResult(message.content) } },
    })).map((turn) => {
      if ("toolParts" in turn) return { role: "user", parts: turn.toolParts };
      const { message } = turn;
      if (message.role === "assistant") {
        const parts: unknown[] = message.content ? [{ text: message.content }] : [];
        for (const call of message.tool_calls ?? [])
          parts.push({ functionCall: { name: call.name, args: call.arguments } });
        return { role: "model", parts };
      }
      return { role: "user", parts: [{ text: (message as { content: string }).content }] };
    });
    const generationConfig = {
      ...optional("temperature", request.temperature),
      ...optional("maxOutputTokens", request.maxTokens),
    };
    return {
      contents,
      ...(request.system && { systemInstruction: { parts: [{ text: request.system }] } }),
      ...(Object.keys(generationConfig).length > 0 && { generationConfig }),
      ...(request.tools?.length && {
        tools: [
          {
            functionDeclarations: request.tools.map((tool) => ({
              name: tool.name,
              description: tool.description,
              parameters: tool.input_schema,
            })),
          },
        ],
      }),
    };
  },
  parseResponse(body, request) {
    const candidate = isObject(body) ? asArray(body.candidates)[0] : undefined;
    if (!isObject(candidate)) throw new LlmResponseError("The answer has no candidates");
    let text = "";
    const toolCalls: ToolCall[] = [];
    const parts = isObject(candidate.content) ? asArray(candidate.content.parts) : [];
    for (const part of parts) {
      if (!isObject(part)) continue;
      if (typeof part.text === "string" && part.thought !== true) text += part.text;
      if (isObject(part.functionCall)) {
        const call = part.functionCall;
        // Gemini ids its calls only in newer models; a stable position-based id keeps the loop deterministic.
        toolCalls.push({
          id: str(call.id) ?? `call_${toolCalls.length + 1}`,
          name: str(call.name) ?? "",
          arguments: parseArguments(call.args),
        });
      }
    }
    const usage = isObject(body) && isObject(body.usageMetadata) ? body.usageMetadata : {};
    return {
      text,
      tool_calls: toolCalls,
      usage: { input_tokens: num(usage.promptTokenCount), output_tokens: num(usage.candidatesTokenCount) },
      model: (isObject(body) && str(body.modelVersion)) || request.model,
    };
  },
  errorMessage: (body) => (isObject(body) && isObject(body.error) ? str(body.error.message) : undefined),
};

/** @see https://docs.cohere.com/reference/chat */
const cohere: LlmProviderShape = {
  id: "cohere",
  docs_url: "https://docs.cohere.com/reference/chat",
  path: () => "/v2/chat",
  buildBody(request) {
    const messages: unknown[] = request.system ? [{ role: "system", content: request.system }] : [];
    for (const message of request.messages) {
      if (message.role === "assistant") {
        const calls = message.tool_calls ?? [];
        messages.push(
          calls.length > 0
            ? {
                role: "assistant",
                ...(message.content && { tool_plan: message.content }),
                tool_calls: functionToolCalls(calls),
              }
            : { role: "assistant", content: message.content },
        );
      } else if (message.role === "tool")
        messages.push({ role: "tool", tool_call_id: message.tool_call_id, content: message.content });
      else messages.push({ role: "user", content: message.content });
    }
    return {
      model: request.model,
      messages,
      stream: false,
      ...optional("temperature", request.temperature),
      ...optional("max_tokens", request.maxTokens),
      ...functionTools(request.tools),
    };
  },
  parseResponse(body, request) {
    if (!isObject(body) || !isObject(body.message)) throw new LlmResponseError("The answer has no message");
    const text = asArray(body.message.content)
      .map((part) => (isObject(part) && part.type === "text" ? (str(part.text) ?? "") : ""))
      .join("");
    const usage = isObject(body.usage) ? body.usage : {};
    const tokens = isObject(usage.tokens) ? usage.tokens : isObject(usage.billed_units) ? usage.billed_units : {};
    return {
      text,
      tool_calls: parseFunctionToolCalls(body.message.tool_calls),
      usage: { input_tokens: num(tokens.input_tokens), output_tokens: num(tokens.output_tokens) },
      model: request.model, // the v2 chat answer does not name the model
    };
  },
  errorMessage: (body) => (isObject(body) ? str(body.message) : undefined),
};

/** The supported providers, by id (the `llm` node's `provider`, the agent's `provider`). */
export const LLM_PROVIDERS: Readonly<Record<LlmProviderShape["id"], LlmProviderShape>> = {
  openai,
  anthropic,
  google_ai: googleAi,
  cohere,
};

export const LLM_PROVIDER_IDS = Object.keys(LLM_PROVIDERS) as LlmProviderShape["id"][];

export function findLlmProvider(id: string): LlmProviderShape | undefined {
  return Object.hasOwn(LLM_PROVIDERS, id) ? LLM_PROVIDERS[id as LlmProviderShape["id"]] : undefined;
}

/**
 * The neutral request of an `llm` activity config: a node's `{model, prompt, system?, temperature?, maxTokens?}`
 * or an agent turn's `{model, messages, tools, system?, temperature?}`.
 */
export function llmRequestFromConfig(config: Record<string, unknown>): LlmRequest {
  const messages: ChatMessage[] = Array.isArray(config.messages)
    ? (config.messages as ChatMessage[])
    : [
        {
          role: "user",
          content: typeof config.prompt === "string" ? config.prompt : JSON.stringify(config.prompt ?? ""),
        },
      ];
  return {
    model: String(config.model ?? ""),
    messages,
    ...(typeof config.system === "string" && { system: config.system }),
    ...(typeof config.temperature === "number" && { temperature: config.temperature }),
    ...(typeof config.maxTokens === "number" && { maxTokens: config.maxTokens }),
    ...(Array.isArray(config.tools) && { tools: config.tools as ToolSpec[] }),
  };
}
