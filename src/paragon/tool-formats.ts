import * as z from "zod";

/**
 * ActionKit tool definitions and the formats our API offers (SPEC §9 `format=`).
 *
 * ActionKit's List Tools answers `{ actions: { <integration>: [tool, …] }, errors: [] }` (tools grouped
 * by integration; the `/tools` and legacy `/actions` paths answer alike), each tool in `format=json_schema`
 * being an OpenAI-style function: `{ type: "function", function: { name, description, parameters } }`.
 * Flat arrays (`{ actions: [...] }`, `{ tools: [...] }`) are accepted too, as older answers had them.
 * `anthropic` and `openai` are derived here from json_schema by pure functions; `paragon` is
 * Paragon's own UI schema, passed through with its integration added.
 * @see https://docs.useparagon.com/actionkit/api-reference/list-tools
 * @see https://docs.useparagon.com/actionkit/schema-formats
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use (name, description, input_schema)
 * @see https://platform.openai.com/docs/guides/function-calling (type: "function", function: {...})
 */
export const TOOL_FORMATS = ["json_schema", "anthropic", "openai", "paragon"] as const;
export type ToolFormat = (typeof TOOL_FORMATS)[number];

/** A JSON Schema object as ActionKit returns it; its contents are Paragon's and not interpreted here. */
export type JsonSchemaObject = { type: "object"; [keyword: string]: unknown };

/** One ActionKit tool, normalized from the json_schema format. */
export interface ParagonTool {
  name: string;
  description: string;
  /** The integration it belongs to (`slack`, `salesforce`, `custom.tasklab`), when Paragon says. */
  integration?: string;
  parameters: JsonSchemaObject;
}

export interface ParagonToolList {
  tools: ParagonTool[];
  /** Paragon's per-integration errors (e.g. an integration whose schema could not be loaded). */
  errors: unknown[];
}

const EMPTY_OBJECT_SCHEMA: JsonSchemaObject = { type: "object", properties: {} };
const TOOL_NAME = z.string().min(1).max(256);

const schemaObject = z
  .record(z.string(), z.unknown())
  .optional()
  .transform((schema): JsonSchemaObject => (schema ? { ...schema, type: "object" } : EMPTY_OBJECT_SCHEMA));

const functionTool = z.object({
  type: z.literal("function").optional(),
  function: z.object({ name: TOOL_NAME, description: z.string().optional(), parameters: schemaObject }),
});
const flatTool = z.object({
  name: TOOL_NAME,
  description: z.string().optional(),
  parameters: schemaObject.optional(),
  input_schema: schemaObject.optional(),
});

function toTool(item: unknown, integration: string | undefined): ParagonTool | undefined {
  const wrapped = functionTool.safeParse(item);
  if (wrapped.success) {
    const fn = wrapped.data.function;
    return {
      name: fn.name,
      description: fn.description ?? "",
      ...(integration ? { integration } : {}),
      parameters: fn.parameters,
    };
  }
  const flat = flatTool.safeParse(item);
  if (!flat.success) return undefined;
  return {
    name: flat.data.name,
    description: flat.data.description ?? "",
    ...(integration ? { integration } : {}),
    parameters: flat.data.parameters ?? flat.data.input_schema ?? EMPTY_OBJECT_SCHEMA,
  };
}

/** The tools (grouped or flat) of a List Tools answer, in Paragon's order; malformed entries are skipped. */
export function parseToolList(body: unknown): ParagonToolList {
  const root = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const listed = root.tools ?? root.actions ?? (Array.isArray(body) ? body : undefined);
  const errors = Array.isArray(root.errors) ? root.errors : [];
  const tools: ParagonTool[] = [];
  const add = (items: unknown, integration?: string) => {
    if (!Array.isArray(items)) return;
    for (const item of items) {
      const tool = toTool(item, integration ?? integrationOf(item));
      if (tool) tools.push(tool);
    }
  };
  if (Array.isArray(listed)) add(listed);
  else if (typeof listed === "object" && listed !== null) {
    for (const [integration, items] of Object.entries(listed)) add(items, integration);
  }
  return { tools, errors };
}

/** `format=paragon` entries, passed through with their integration; only objects are kept. */
export function parseParagonFormatList(body: unknown): { tools: Record<string, unknown>[]; errors: unknown[] } {
  const root = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const listed = root.tools ?? root.actions;
  const tools: Record<string, unknown>[] = [];
  const add = (items: unknown, integration?: string) => {
    if (!Array.isArray(items)) return;
    for (const item of items) {
      if (typeof item !== "object" || item === null || Array.isArray(item)) continue;
      tools.push(integration ? { ...item, integration } : { ...item });
    }
  };
  if (Array.isArray(listed)) add(listed);
  else if (typeof listed === "object" && listed !== null) {
    for (const [integration, items] of Object.entries(listed)) add(items, integration);
  }
  return { tools, errors: Array.isArray(root.errors) ? root.errors : [] };
}

function integrationOf(item: unknown): string | undefined {
  if (typeof item !== "object" || item === null) return undefined;
  const value = (item as Record<string, unknown>).integration;
  return typeof value === "string" && value ? value : undefined;
}

/** json_schema: Paragon's own function shape, with the integration next to it. */
export function toJsonSchemaTool(tool: ParagonTool) {
  return {
    type: "function" as const,
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    ...(tool.integration ? { integration: tool.integration } : {}),
  };
}

/** Anthropic Messages API tool definition: exactly `name`, `description`, `input_schema`. */
export function toAnthropicTool(tool: ParagonTool) {
  return { name: tool.name, description: tool.description, input_schema: tool.parameters };
}

/** OpenAI Chat Completions function tool: exactly `type` and `function`. */
export function toOpenAiTool(tool: ParagonTool) {
  return {
    type: "function" as const,
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  };
}

/** MCP `tools/list` entry (MCP 2025-06-18 §Tools: name, description, inputSchema). */
export function toMcpTool(tool: ParagonTool) {
  return { name: tool.name, description: tool.description, inputSchema: tool.parameters };
}

export function formatTools(tools: ParagonTool[], format: Exclude<ToolFormat, "paragon">) {
  switch (format) {
    case "json_schema":
      return tools.map(toJsonSchemaTool);
    case "anthropic":
      return tools.map(toAnthropicTool);
    case "openai":
      return tools.map(toOpenAiTool);
  }
}
