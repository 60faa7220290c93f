import { type Expression, ExpressionError, type ExpressionScope, type PathSegment, SCOPE_ROOTS } from "./expression";

/**
 * Evaluation of parsed expressions (see `expression.ts` for the language): own properties only, no coercion,
 * short-circuit `&&` / `||`. A missing path reads as `null`, or throws `missing_reference` in strict mode.
 */

function invalid(message: string): ExpressionError {
  return new ExpressionError("invalid_expression", message);
}

const MISSING = Symbol("missing");

function ownProperty(value: unknown, key: PathSegment): unknown {
  if (Array.isArray(value)) {
    if (key === "length") return value.length;
    const index = typeof key === "number" ? key : /^\d+$/.test(key) ? Number(key) : Number.NaN;
    return Number.isInteger(index) && index >= 0 && index < value.length ? value[index] : MISSING;
  }
  if (typeof value === "string") return key === "length" ? value.length : MISSING;
  if (typeof value === "object" && value !== null) {
    const name = String(key);
    return Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : MISSING;
  }
  return MISSING;
}

/** Reads a path from the scope; `MISSING` when any step does not exist. */
function readPath(scope: ExpressionScope, root: string, segments: PathSegment[]): unknown {
  let value: unknown;
  if ((SCOPE_ROOTS as readonly string[]).includes(root)) value = (scope as unknown as Record<string, unknown>)[root];
  else {
    value = ownProperty(scope.inputs, root);
    if (value === MISSING) value = ownProperty(scope.vars, root);
  }
  for (const segment of segments) {
    if (value === MISSING || value === undefined) return MISSING;
    value = ownProperty(value, segment);
  }
  return value === undefined ? MISSING : value;
}

/** Options of {@link evaluateExpression}. */
export interface EvaluateOptions {
  /** A path that does not exist throws `missing_reference` (templates) instead of reading as `null` (conditions). */
  strict?: boolean;
}

/** Evaluates a parsed expression against the run's data. */
export function evaluateExpression(expression: Expression, scope: ExpressionScope, options: EvaluateOptions = {}) {
  return evaluate(expression, scope, options.strict === true);
}

function evaluate(expression: Expression, scope: ExpressionScope, strict: boolean): unknown {
  switch (expression.kind) {
    case "literal":
      return expression.value;
    case "path": {
      const value = readPath(scope, expression.root, expression.segments);
      if (value !== MISSING) return value;
      if (strict) throw new ExpressionError("missing_reference", `Missing reference: ${expression.text}`);
      return null;
    }
    case "array":
      return expression.items.map((item) => evaluate(item, scope, strict));
    case "unary": {
      const operand = evaluate(expression.operand, scope, strict);
      if (expression.op === "!") return !isTruthy(operand);
      if (typeof operand !== "number") throw invalid("Unary minus needs a number");
      return -operand;
    }
    case "binary":
      return evaluateBinary(expression, scope, strict);
  }
}

function evaluateBinary(
  expression: Extract<Expression, { kind: "binary" }>,
  scope: ExpressionScope,
  strict: boolean,
): boolean {
  const left = evaluate(expression.left, scope, strict);
  if (expression.op === "&&") return isTruthy(left) && isTruthy(evaluate(expression.right, scope, strict));
  if (expression.op === "||") return isTruthy(left) || isTruthy(evaluate(expression.right, scope, strict));
  const right = evaluate(expression.right, scope, strict);
  switch (expression.op) {
    case "==":
      return deepEqual(left, right);
    case "!=":
      return !deepEqual(left, right);
    case "in":
      if (Array.isArray(right)) return right.some((item) => deepEqual(item, left));
      if (typeof right === "string") return typeof left === "string" && right.includes(left);
      if (typeof right === "object" && right !== null)
        return (typeof left === "string" || typeof left === "number") && Object.hasOwn(right, String(left));
      return false;
    default:
      return compareOrdered(expression.op, left, right);
  }
}

function compareOrdered(op: "<" | "<=" | ">" | ">=", left: unknown, right: unknown): boolean {
  const comparable =
    (typeof left === "number" && typeof right === "number") || (typeof left === "string" && typeof right === "string");
  if (!comparable) return false;
  const [a, b] = [left as number | string, right as number | string];
  if (op === "<") return a < b;
  if (op === "<=") return a <= b;
  if (op === ">") return a > b;
  return a >= b;
}

/** JavaScript truthiness, spelled out: false, 0, NaN, "", null and undefined are false. */
export function isTruthy(value: unknown): boolean {
  return Boolean(value);
}

/** Structural equality of JSON values (no coercion). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every(
      (key) =>
        Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
    )
  );
}
