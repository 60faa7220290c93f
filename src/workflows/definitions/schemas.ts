import * as z from "zod";
import { LLM_PROVIDER_IDS } from "../activities/llm";
import { MAX_AGENT_MAX_STEPS, MAX_EXPRESSION_LENGTH } from "../interpreter";
import { connectionIdField } from "./nodes";

/**
 * The outer wire shapes of definitions (SPEC §7.1). Node configs are checked per type in `validate.ts`, so a
 * bad config is reported against its node instead of as one opaque union error.
 */

export const MAX_NODES = 200;
export const MAX_EDGES = 1000;
export const MAX_AGENT_TOOLS = 50;

/** The JSON Schema inputs are validated against (with `@cfworker/json-schema` when executing). */
const inputSchema = z
  .record(z.string(), z.unknown())
  .refine((schema) => schema.type === undefined || schema.type === "object", {
    error: 'input_schema describes the inputs object: its "type" must be "object"',
  });

export const workflowShapeSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  input_schema: inputSchema.optional(),
  nodes: z
    .array(
      z.strictObject({
        id: z.string().max(64),
        type: z.string().max(64),
        label: z.string().max(200).optional(),
        config: z.record(z.string(), z.unknown()),
      }),
    )
    .max(MAX_NODES),
  edges: z
    .array(
      z.strictObject({
        source: z.string().max(64),
        target: z.string().max(64),
        condition: z.string().max(MAX_EXPRESSION_LENGTH).optional(),
      }),
    )
    .max(MAX_EDGES)
    .default([]),
});

/** OpenAI, Anthropic, Gemini and Cohere all accept tool names of this form. */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const toolInputSchema = { input_schema: z.record(z.string(), z.unknown()).optional() };

const agentToolSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("workflow"),
    name: z.string().regex(TOOL_NAME),
    description: z.string().max(1024).optional(),
    config: z.strictObject({ workflowId: connectionIdField, ...toolInputSchema }),
  }),
  z.strictObject({
    type: z.literal("mcp"),
    name: z.string().regex(TOOL_NAME),
    description: z.string().max(1024).optional(),
    config: z.strictObject({
      connectionId: connectionIdField,
      tool: z.string().min(1).max(200).optional(),
      ...toolInputSchema,
    }),
  }),
  z.strictObject({
    type: z.literal("paragon"),
    name: z.string().regex(TOOL_NAME),
    description: z.string().max(1024).optional(),
    config: z.strictObject({
      integration: z.string().min(1).max(100),
      action: z.string().min(1).max(200).optional(),
      ...toolInputSchema,
    }),
  }),
]);

export const agentSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).optional(),
    provider: z.enum(LLM_PROVIDER_IDS),
    model: z.string().min(1).max(200),
    connection_id: connectionIdField,
    instructions: z.string().max(100_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
    max_steps: z.number().int().min(1).max(MAX_AGENT_MAX_STEPS).optional(),
    tools: z.array(agentToolSchema).max(MAX_AGENT_TOOLS).default([]),
  })
  .superRefine((agent, ctx) => {
    const seen = new Set<string>();
    agent.tools.forEach((tool, index) => {
      if (seen.has(tool.name))
        ctx.addIssue({ code: "custom", path: ["tools", index, "name"], message: `duplicate tool name "${tool.name}"` });
      seen.add(tool.name);
    });
  });

export type AgentInput = z.input<typeof agentSchema>;
export type ValidAgent = z.output<typeof agentSchema>;
