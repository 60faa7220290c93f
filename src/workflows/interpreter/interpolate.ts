import { evaluateExpression } from "./evaluate";
import { type Expression, ExpressionError, type ExpressionScope, parseExpression } from "./expression";

/**
 * String templates in node configs (SPEC §7.1): `{{inputs.x}}`, `{{nodes.<id>.output.y}}` and the seeds'
 * `${…}` form. What sits between the delimiters is an expression of `expression.ts`, so `{{inputs.n > 3}}`
 * works too. Templates are kept as data in definitions and resolved at run time; a reference that does not
 * exist fails the node (`missing_reference`) instead of silently sending an empty value upstream.
 *
 * A string that is exactly one template (`"{{inputs.items}}"`) resolves to the referenced value itself (an
 * object stays an object in a JSON body); inside longer text, values are written as text (strings as-is,
 * objects and arrays as JSON).
 */

export type TemplatePart =
  | { kind: "text"; value: string }
  | { kind: "expression"; source: string; expression: Expression };

const OPENERS = [
  { open: "{{", close: "}}" },
  { open: "${", close: "}" },
] as const;

/** Finds the closing delimiter, skipping quoted strings inside the expression. */
function findClose(text: string, from: number, close: string): number {
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (text.startsWith(close, i)) return i;
  }
  return -1;
}

/**
 * Splits a string into literal text and template expressions. Throws an {@link ExpressionError}
 * (`invalid_expression`) for an unterminated template or an expression that does not parse.
 */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    const opener = OPENERS.find((candidate) => text.startsWith(candidate.open, i));
    if (!opener) {
      literal += text[i];
      i++;
      continue;
    }
    const start = i + opener.open.length;
    const end = findClose(text, start, opener.close);
    if (end < 0) throw new ExpressionError("invalid_expression", `Unterminated "${opener.open}" at position ${i}`);
    const source = text.slice(start, end).trim();
    if (literal) parts.push({ kind: "text", value: literal });
    literal = "";
    parts.push({ kind: "expression", source, expression: parseExpression(source) });
    i = end + opener.close.length;
  }
  if (literal) parts.push({ kind: "text", value: literal });
  return parts;
}

/** Whether a string contains a template at all (cheap check before parsing). */
export function hasTemplate(text: string): boolean {
  return text.includes("{{") || text.includes("${");
}

function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "null";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Resolves one string template against the run's data (see the module comment for the typing rule). */
export function resolveTemplate(text: string, scope: ExpressionScope): unknown {
  if (!hasTemplate(text)) return text;
  const parts = parseTemplate(text);
  const [only] = parts;
  if (parts.length === 1 && only?.kind === "expression")
    return evaluateExpression(only.expression, scope, { strict: true });
  return parts
    .map((part) =>
      part.kind === "text" ? part.value : asText(evaluateExpression(part.expression, scope, { strict: true })),
    )
    .join("");
}

/** Resolves every string inside a JSON value (object keys are left as written). */
export function resolveValue(value: unknown, scope: ExpressionScope): unknown {
  if (typeof value === "string") return resolveTemplate(value, scope);
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, scope));
  if (typeof value === "object" && value !== null) {
    const resolved: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) resolved[key] = resolveValue(item, scope);
    return resolved;
  }
  return value;
}

/** Every template inside a JSON value, with the path of the string holding it (for save-time checks). */
export function collectTemplates(value: unknown, path: string): Array<{ path: string; text: string }> {
  if (typeof value === "string") return hasTemplate(value) ? [{ path, text: value }] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => collectTemplates(item, `${path}[${index}]`));
  if (typeof value === "object" && value !== null)
    return Object.entries(value).flatMap(([key, item]) =>
      collectTemplates(
        item,
        /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`,
      ),
    );
  return [];
}
