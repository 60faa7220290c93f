import { describe, expect, it } from "vitest";
import { findProvider } from "../../../src/connections/catalog";
import {
  DEFAULT_MAX_TOKENS,
  LLM_PROVIDER_IDS,
  LLM_PROVIDERS,
  type LlmRequest,
  llmRequestFromConfig,
} from "../../../src/workflows/activities/llm";
import type { ChatMessage } from "../../../src/workflows/interpreter";

const tools = [
  { name: "lookup", description: "Look up", input_schema: { type: "object", properties: { q: { type: "string" } } } },
];
const conversation: ChatMessage[] = [
  { role: "user", content: "Find x" },
  {
    role: "assistant",
    content: "Looking",
    tool_calls: [
      { id: "c1", name: "lookup", arguments: { q: "x" } },
      { id: "c2", name: "lookup", arguments: { q: "y" } },
    ],
  },
  { role: "tool", tool_call_id: "c1", name: "lookup", content: '{"hit":1}' },
  { role: "tool", tool_call_id: "c2", name: "lookup", content: "plain" },
];
const request: LlmRequest = {
  model: "m-1",
  system: "Be brief.",
  messages: conversation,
  temperature: 0.2,
  maxTokens: 50,
  tools,
};

describe("llm providers: every provider is a catalog provider", () => {
  it.each(LLM_PROVIDER_IDS)("%s has a catalog entry with an API key injection", (id) => {
    expect(findProvider(id)?.auth_methods).toContain("api_key");
  });
});

describe("llm providers: request bodies", () => {
  it("OpenAI chat completions: system message, tool_calls with string arguments, tool messages, max_completion_tokens", () => {
    expect(LLM_PROVIDERS.openai.path("m-1")).toBe("/v1/chat/completions");
    expect(LLM_PROVIDERS.openai.buildBody(request)).toEqual({
      model: "m-1",
      temperature: 0.2,
      max_completion_tokens: 50,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Find x" },
        {
          role: "assistant",
          content: "Looking",
          tool_calls: [
            { id: "c1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } },
            { id: "c2", type: "function", function: { name: "lookup", arguments: '{"q":"y"}' } },
          ],
        },
        { role: "tool", tool_call_id: "c1", content: '{"hit":1}' },
        { role: "tool", tool_call_id: "c2", content: "plain" },
      ],
      tools: [
        { type: "function", function: { name: "lookup", description: "Look up", parameters: tools[0]?.input_schema } },
      ],
    });
  });

  it("Anthropic messages: top-level system, required max_tokens, tool_use blocks, tool results grouped in one user turn", () => {
    expect(LLM_PROVIDERS.anthropic.path("m-1")).toBe("/v1/messages");
    expect(LLM_PROVIDERS.anthropic.buildBody(request)).toEqual({
      model: "m-1",
      max_tokens: 50,
      system: "Be brief.",
      temperature: 0.2,
      messages: [
        { role: "user", content: "Find x" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Looking" },
            { type: "tool_use", id: "c1", name: "lookup", input: { q: "x" } },
            { type: "tool_use", id: "c2", name: "lookup", input: { q: "y" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "c1", content: '{"hit":1}' },
            { type: "tool_result", tool_use_id: "c2", content: "plain" },
          ],
        },
      ],
      tools: [{ name: "lookup", description: "Look up", input_schema: tools[0]?.input_schema }],
    });
    expect(LLM_PROVIDERS.anthropic.buildBody({ model: "m", messages: [{ role: "user", content: "hi" }] })).toEqual({
      model: "m",
      max_tokens: DEFAULT_MAX_TOKENS,
      messages: [{ role: "user", content: "hi" }],
    });
  });

  it("Google AI generateContent: model in the path, systemInstruction, functionCall / functionResponse parts", () => {
    expect(LLM_PROVIDERS.google_ai.path("gemini-2.5-flash")).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(LLM_PROVIDERS.google_ai.path("models/gemini x")).toBe("/v1beta/models/gemini%20x:generateContent");
    expect(LLM_PROVIDERS.google_ai.buildBody(request)).toEqual({
      systemInstruction: { parts: [{ text: "Be brief." }] },
      generationConfig: { temperature: 0.2, maxOutputTokens: 50 },
      contents: [
        { role: "user", parts: [{ text: "Find x" }] },
        {
          role: "model",
          parts: [
            { text: "Looking" },
            { functionCall: { name: "lookup", args: { q: "x" } } },
            { functionCall: { name: "lookup", args: { q: "y" } } },
          ],
        },
        {
          role: "user",
          parts: [
            { functionResponse: { name: "lookup", response: { result: { hit: 1 } } } },
            { functionResponse: { name: "lookup", response: { result: "plain" } } },
          ],
        },
      ],
      tools: [
        { functionDeclarations: [{ name: "lookup", description: "Look up", parameters: tools[0]?.input_schema }] },
      ],
    });
  });

  it("Cohere chat v2: system role, tool_plan with tool_calls, tool messages, stream false", () => {
    expect(LLM_PROVIDERS.cohere.path("m-1")).toBe("/v2/chat");
    expect(LLM_PROVIDERS.cohere.buildBody(request)).toEqual({
      model: "m-1",
      stream: false,
      temperature: 0.2,
      max_tokens: 50,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Find x" },
        {
          role: "assistant",
          tool_plan: "Looking",
          tool_calls: [
            { id: "c1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } },
            { id: "c2", type: "function", function: { name: "lookup", arguments: '{"q":"y"}' } },
          ],
        },
        { role: "tool", tool_call_id: "c1", content: '{"hit":1}' },
        { role: "tool", tool_call_id: "c2", content: "plain" },
      ],
      tools: [
        { type: "function", function: { name: "lookup", description: "Look up", parameters: tools[0]?.input_schema } },
      ],
    });
  });

  it("turns a node's prompt into one user message", () => {
    expect(
      llmRequestFromConfig({ provider: "openai", model: "m", connectionId: "c", prompt: "Hi", maxTokens: 5 }),
    ).toEqual({
      model: "m",
      messages: [{ role: "user", content: "Hi" }],
      maxTokens: 5,
    });
  });
});

describe("llm providers: answers", () => {
  const plain = { model: "m-1", messages: [{ role: "user", content: "x" }] } satisfies LlmRequest;
  it.each<[keyof typeof LLM_PROVIDERS, unknown, unknown]>([
    [
      "openai",
      {
        model: "gpt-x-2026",
        choices: [
          {
            message: {
              role: "assistant",
              content: null,
              tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }],
            },
            finish_reason: "tool_calls",
          },
        ],
        usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
      },
      {
        text: "",
        tool_calls: [{ id: "call_1", name: "lookup", arguments: { q: "x" } }],
        usage: { input_tokens: 11, output_tokens: 7 },
        model: "gpt-x-2026",
      },
    ],
    [
      "anthropic",
      {
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "claude-x",
        content: [
          { type: "text", text: "Let me look." },
          { type: "tool_use", id: "toolu_1", name: "lookup", input: { q: "x" } },
        ],
        stop_reason: "tool_use",
        usage: { input_tokens: 20, output_tokens: 9 },
      },
      {
        text: "Let me look.",
        tool_calls: [{ id: "toolu_1", name: "lookup", arguments: { q: "x" } }],
        usage: { input_tokens: 20, output_tokens: 9 },
        model: "claude-x",
      },
    ],
    [
      "google_ai",
      {
        candidates: [
          {
            content: {
              role: "model",
              parts: [
                { text: "thinking", thought: true },
                { text: "Here" },
                { functionCall: { name: "lookup", args: { q: "x" } } },
              ],
            },
            finishReason: "STOP",
          },
        ],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 },
        modelVersion: "gemini-x-001",
      },
      {
        text: "Here",
        tool_calls: [{ id: "call_1", name: "lookup", arguments: { q: "x" } }],
        usage: { input_tokens: 5, output_tokens: 3 },
        model: "gemini-x-001",
      },
    ],
    [
      "cohere",
      {
        id: "r1",
        finish_reason: "COMPLETE",
        message: {
          role: "assistant",
          content: [
            { type: "text", text: "Hello" },
            { type: "text", text: "!" },
          ],
        },
        usage: { billed_units: { input_tokens: 4, output_tokens: 2 }, tokens: { input_tokens: 40, output_tokens: 2 } },
      },
      { text: "Hello!", tool_calls: [], usage: { input_tokens: 40, output_tokens: 2 }, model: "m-1" },
    ],
  ])("%s", (provider, body, expected) => {
    expect(LLM_PROVIDERS[provider].parseResponse(body, plain)).toEqual(expected);
  });

  it.each<[keyof typeof LLM_PROVIDERS, unknown]>([
    ["openai", { choices: [] }],
    ["anthropic", { content: "text" }],
    ["google_ai", { candidates: [] }],
    ["cohere", {}],
    [
      "openai",
      { choices: [{ message: { tool_calls: [{ id: "1", function: { name: "t", arguments: "{not json" } }] } }] },
    ],
  ])("%s refuses a malformed answer with invalid_llm_response", (provider, body) => {
    expect(() => LLM_PROVIDERS[provider].parseResponse(body, plain)).toThrow(
      expect.objectContaining({ code: "invalid_llm_response" }),
    );
  });

  it.each<[keyof typeof LLM_PROVIDERS, unknown, string]>([
    ["openai", { error: { message: "Incorrect API key", type: "invalid_request_error" } }, "Incorrect API key"],
    ["anthropic", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, "Overloaded"],
    [
      "google_ai",
      { error: { code: 400, message: "API key not valid", status: "INVALID_ARGUMENT" } },
      "API key not valid",
    ],
    ["cohere", { message: "invalid api token" }, "invalid api token"],
  ])("%s error message", (provider, body, message) => {
    expect(LLM_PROVIDERS[provider].errorMessage(body)).toBe(message);
  });
});
