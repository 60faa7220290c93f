import { type Schema, type SchemaDraft, Validator } from "@cfworker/json-schema";
import type { Tool } from "@modelcontextprotocol/client";
import { LruMap } from "../platform/lru-map";

/**
 * A tool as we store it in `mcp_tools` and return it (SPEC §6.7: `{name, description, input_schema}`, plus what a
 * UI or an agent needs to use it well: `title`, `output_schema`, `annotations` — MCP "Tools", `Tool` type).
 */
export interface McpToolRecord {
  name: string;
  title?: string;
  description: string;
  input_schema: Record<string, unknown>;
  output_schema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

/** Bounds on what one server may make us store. */
export const MAX_TOOLS = 1000;
const MAX_DESCRIPTION_LENGTH = 8000;
const MAX_SCHEMA_BYTES = 64 * 1024;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The SDK's `Tool` in our storage shape; a missing input schema means "an object, anything goes". */
export function toToolRecord(tool: Tool): McpToolRecord {
  const record: McpToolRecord = {
    name: tool.name,
    description: (tool.description ?? "").slice(0, MAX_DESCRIPTION_LENGTH),
    input_schema: isObject(tool.inputSchema) ? boundedSchema(tool.inputSchema) : { type: "object" },
  };
  if (tool.title) record.title = tool.title;
  if (isObject(tool.outputSchema)) record.output_schema = boundedSchema(tool.outputSchema);
  if (isObject(tool.annotations) && Object.keys(tool.annotations).length > 0)
    record.annotations = { ...tool.annotations };
  return record;
}

/** A schema too large to store is replaced by its least restrictive form rather than truncated into nonsense. */
function boundedSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return JSON.stringify(schema).length <= MAX_SCHEMA_BYTES ? schema : { type: "object" };
}

/** One reason arguments do not fit a schema, in JSON Pointer terms (RFC 6901). */
export interface ArgumentIssue {
  path: string;
  keyword: string;
  message: string;
}

export type ArgumentCheck = { ok: true } | { ok: false; issues: ArgumentIssue[] };

const DIALECTS: Record<string, SchemaDraft> = {
  "http://json-schema.org/draft-04/schema": "4",
  "http://json-schema.org/draft-07/schema": "7",
  "https://json-schema.org/draft/2019-09/schema": "2019-09",
  "https://json-schema.org/draft/2020-12/schema": "2020-12",
};

/**
 * The JSON Schema dialect of a tool schema: the one its `$schema` names, else 2020-12 — the default dialect of the
 * MCP 2025-11-25 specification ("JSON Schema Usage": schemas without `$schema` are 2020-12).
 */
export function schemaDialect(schema: Record<string, unknown>): SchemaDraft {
  const declared =
    typeof schema.$schema === "string"
      ? schema.$schema
          .replace(/#$/, "")
          .replace(/^http:\/\/json-schema.org\/draft\/20/, "https://json-schema.org/draft/20")
      : "";
  return DIALECTS[declared] ?? "2020-12";
}

const MAX_ISSUES = 20;
/** Bound on the per-isolate cache of compiled validators (one per distinct tool schema). */
const VALIDATOR_CACHE_ENTRIES = 256;

/**
 * Validators by the JSON text of their schema, per isolate: compiling one (copying the schema, resolving its `$ref`
 * ids) cost more than validating small arguments, and a connection's tools are called again and again. Keyed by the
 * text, not by a connection, so a refreshed tool with a changed schema gets a new validator and identical schemas of
 * different connections share one; a validator holds no state between validations. The least recently used go first.
 */
const validators = new LruMap<string, Validator | null>(VALIDATOR_CACHE_ENTRIES);

function validatorFor(schema: Record<string, unknown>): Validator | null {
  const key = JSON.stringify(schema);
  let validator = validators.get(key);
  if (validator === undefined) {
    try {
      // The validator annotates the schema it is given (resolved $ref ids); keep the stored copy clean.
      validator = new Validator(structuredClone(schema) as Schema, schemaDialect(schema), false);
    } catch {
      validator = null;
    }
    validators.set(key, validator);
  }
  return validator;
}

/**
 * Checks tool arguments against the tool's input schema before anything is sent upstream (SPEC §6.7), with
 * `@cfworker/json-schema` — a full validator that compiles nothing at run time (no `eval`/`new Function`, which
 * workerd forbids). MCP `tools/call` arguments are always an object (`CallToolRequest.params.arguments`).
 */
export function checkToolArguments(schema: Record<string, unknown>, args: unknown): ArgumentCheck {
  if (!isObject(args)) {
    return { ok: false, issues: [{ path: "", keyword: "type", message: "arguments must be a JSON object" }] };
  }
  const validator = validatorFor(schema);
  if (!validator) {
    return { ok: false, issues: [{ path: "", keyword: "$schema", message: "the tool's input schema cannot be used" }] };
  }
  const result = validator.validate(args);
  if (result.valid) return { ok: true };
  return {
    ok: false,
    issues: result.errors
      .slice(0, MAX_ISSUES)
      .map((unit) => ({ path: unit.instanceLocation.replace(/^#/, ""), keyword: unit.keyword, message: unit.error })),
  };
}
