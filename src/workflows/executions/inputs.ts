import { Validator } from "@cfworker/json-schema";

export interface InputProblem {
  path: string;
  keyword: string;
  message: string;
}

/**
 * Checks inputs against a workflow's `input_schema` (JSON Schema 2020-12, `@cfworker/json-schema`); an empty list
 * when they fit or when the workflow declares no schema.
 */
export function inputProblems(definition: Record<string, unknown>, inputs: unknown): InputProblem[] {
  const schema = definition.input_schema;
  if (typeof schema !== "object" || schema === null) return [];
  const result = new Validator(schema as Record<string, unknown>, "2020-12", false).validate(inputs);
  return result.valid
    ? []
    : result.errors.map((error) => ({ path: error.instanceLocation, keyword: error.keyword, message: error.error }));
}
