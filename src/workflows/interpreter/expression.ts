/**
 * The condition language of workflow edges (SPEC §7.1: "a small, safe expression language — never
 * `eval`/`Function`"), also used inside `{{…}}` / `${…}` templates.
 *
 * Grammar (precedence from loosest to tightest):
 * ```
 * expr       := or
 * or         := and ("||" and)*
 * and        := compare ("&&" compare)*
 * compare    := unary (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in") unary)?
 * unary      := ("!" | "-") unary | primary
 * primary    := number | string | true | false | null | path | "(" expr ")" | "[" (expr ("," expr)*)? "]"
 * path       := name ("." segment | "[" (integer | string) "]")*
 * ```
 * A path starts at `inputs`, `nodes`, `vars` or `workflow`; any other first name is looked up in `inputs`,
 * then `vars` (the seeds write `totalAmount > 10000`). There are no calls, assignments or arithmetic beyond
 * negation, so an expression can only read the run's data. Property reads use own properties only, and
 * `__proto__`, `prototype` and `constructor` are refused outright, so nothing reaches a prototype.
 * Equality is strict and structural (no coercion: `1 == "1"` is false); ordering compares two numbers or
 * two strings, anything else is false.
 */

/** Longest accepted expression, in characters. */
export const MAX_EXPRESSION_LENGTH = 1000;
/** Deepest accepted nesting of parentheses, brackets and unary operators. */
export const MAX_EXPRESSION_DEPTH = 32;

/** The roots a path can start from. */
export const SCOPE_ROOTS = ["inputs", "nodes", "vars", "workflow"] as const;

const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(["__proto__", "prototype", "constructor"]);

/** The data an expression reads. */
export interface ExpressionScope {
  inputs: unknown;
  nodes: Record<string, unknown>;
  vars: Record<string, unknown>;
  workflow?: unknown;
}

/** A parse or evaluation failure; `code` is `invalid_expression` or `missing_reference`. */
export class ExpressionError extends Error {
  readonly code: "invalid_expression" | "missing_reference";
  constructor(code: "invalid_expression" | "missing_reference", message: string) {
    super(message);
    this.name = "ExpressionError";
    this.code = code;
  }
}

export type PathSegment = string | number;

/** The parsed form of an expression. */
export type Expression =
  | { kind: "literal"; value: null | boolean | number | string }
  | { kind: "path"; root: string; segments: PathSegment[]; text: string }
  | { kind: "array"; items: Expression[] }
  | { kind: "unary"; op: "!" | "-"; operand: Expression }
  | { kind: "binary"; op: BinaryOperator; left: Expression; right: Expression };

type BinaryOperator = "||" | "&&" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "in";

type Token =
  | { type: "number"; value: number; at: number }
  | { type: "string"; value: string; at: number }
  | { type: "name"; value: string; at: number }
  | { type: "punct"; value: string; at: number }
  | { type: "end"; at: number };

const PUNCTUATION = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", ",", ".", "-"];
const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_-]/;
const SEGMENT_PART = /[A-Za-z0-9_-]/;
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", '"': '"', "'": "'" };

function invalid(message: string): ExpressionError {
  return new ExpressionError("invalid_expression", message);
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const previous = tokens[tokens.length - 1];
    const afterDot = previous?.type === "punct" && previous.value === ".";
    if (afterDot && SEGMENT_PART.test(ch)) {
      // A segment after "." may be any key characters, including a node id starting with a digit.
      let end = i;
      while (end < source.length && SEGMENT_PART.test(source[end] as string)) end++;
      tokens.push({ type: "name", value: source.slice(i, end), at: i });
      i = end;
      continue;
    }
    if (/[0-9]/.test(ch)) {
      const match = /^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(source.slice(i));
      if (!match) throw invalid(`Invalid number at position ${i}`);
      const value = Number(match[0]);
      if (!Number.isFinite(value)) throw invalid(`Number out of range at position ${i}`);
      tokens.push({ type: "number", value, at: i });
      i += match[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let value = "";
      let j = i + 1;
      for (;;) {
        if (j >= source.length) throw invalid(`Unterminated string starting at position ${i}`);
        const c = source[j] as string;
        if (c === ch) break;
        if (c === "\\") {
          const escaped = ESCAPES[source[j + 1] ?? ""];
          if (escaped === undefined) throw invalid(`Unknown escape at position ${j}`);
          value += escaped;
          j += 2;
          continue;
        }
        value += c;
        j++;
      }
      tokens.push({ type: "string", value, at: i });
      i = j + 1;
      continue;
    }
    if (NAME_START.test(ch)) {
      let end = i + 1;
      while (end < source.length && NAME_PART.test(source[end] as string)) end++;
      tokens.push({ type: "name", value: source.slice(i, end), at: i });
      i = end;
      continue;
    }
    const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (!punct) throw invalid(`Unexpected character ${JSON.stringify(ch)} at position ${i}`);
    tokens.push({ type: "punct", value: punct, at: i });
    i += punct.length;
  }
  tokens.push({ type: "end", at: source.length });
  return tokens;
}

class Parser {
  private position = 0;
  private depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  parse(): Expression {
    const expression = this.or();
    const next = this.peek();
    if (next.type !== "end") throw invalid(`Unexpected ${describe(next)} at position ${next.at}`);
    return expression;
  }

  private peek(): Token {
    return this.tokens[this.position] as Token;
  }
  private take(): Token {
    return this.tokens[this.position++] as Token;
  }
  private isPunct(value: string): boolean {
    const token = this.peek();
    return token.type === "punct" && token.value === value;
  }
  private expectPunct(value: string): void {
    const token = this.take();
    if (token.type !== "punct" || token.value !== value)
      throw invalid(`Expected "${value}" but found ${describe(token)} at position ${token.at}`);
  }
  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_EXPRESSION_DEPTH) throw invalid(`Expression nests deeper than ${MAX_EXPRESSION_DEPTH}`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private or(): Expression {
    let left = this.and();
    while (this.isPunct("||")) {
      this.take();
      left = { kind: "binary", op: "||", left, right: this.and() };
    }
    return left;
  }

  private and(): Expression {
    let left = this.compare();
    while (this.isPunct("&&")) {
      this.take();
      left = { kind: "binary", op: "&&", left, right: this.compare() };
    }
    return left;
  }

  private compare(): Expression {
    const left = this.unary();
    const token = this.peek();
    let op: BinaryOperator | undefined;
    if (token.type === "punct" && ["==", "!=", "<", "<=", ">", ">="].includes(token.value))
      op = token.value as BinaryOperator;
    else if (token.type === "name" && token.value === "in") op = "in";
    if (!op) return left;
    this.take();
    const right = this.unary();
    const after = this.peek();
    if (after.type === "punct" && ["==", "!=", "<", "<=", ">", ">="].includes(after.value))
      throw invalid(`Chained comparison at position ${after.at}: add parentheses`);
    return { kind: "binary", op, left, right };
  }

  private unary(): Expression {
    if (this.isPunct("!") || this.isPunct("-")) {
      const op = (this.take() as { value: "!" | "-" }).value;
      return this.nested(() => ({ kind: "unary", op, operand: this.unary() }));
    }
    return this.primary();
  }

  private primary(): Expression {
    const token = this.take();
    if (token.type === "number" || token.type === "string") return { kind: "literal", value: token.value };
    if (token.type === "punct" && token.value === "(") {
      const inner = this.nested(() => this.or());
      this.expectPunct(")");
      return inner;
    }
    if (token.type === "punct" && token.value === "[") {
      return this.nested(() => {
        const items: Expression[] = [];
        if (!this.isPunct("]")) {
          items.push(this.or());
          while (this.isPunct(",")) {
            this.take();
            items.push(this.or());
          }
        }
        this.expectPunct("]");
        return { kind: "array", items };
      });
    }
    if (token.type === "name") {
      if (token.value === "true") return { kind: "literal", value: true };
      if (token.value === "false") return { kind: "literal", value: false };
      if (token.value === "null") return { kind: "literal", value: null };
      if (token.value === "in") throw invalid(`Unexpected "in" at position ${token.at}`);
      return this.path(token.value, token.at);
    }
    throw invalid(`Unexpected ${describe(token)} at position ${token.at}`);
  }

  private path(root: string, start: number): Expression {
    checkSegment(root);
    const segments: PathSegment[] = [];
    for (;;) {
      if (this.isPunct(".")) {
        this.take();
        const name = this.take();
        if (name.type !== "name") throw invalid(`Expected a property name at position ${name.at}`);
        checkSegment(name.value);
        segments.push(name.value);
      } else if (this.isPunct("[")) {
        this.take();
        const key = this.take();
        if (key.type === "number" && Number.isInteger(key.value)) segments.push(key.value);
        else if (key.type === "string") {
          checkSegment(key.value);
          segments.push(key.value);
        } else throw invalid(`Expected an index or a quoted key at position ${key.at}`);
        this.expectPunct("]");
      } else break;
    }
    if (this.isPunct("(")) throw invalid(`Function calls are not allowed (position ${this.peek().at})`);
    const end = this.peek().at;
    return { kind: "path", root, segments, text: this.source.slice(start, end).trim() };
  }
}

function checkSegment(name: string): void {
  if (FORBIDDEN_SEGMENTS.has(name)) throw invalid(`The property name "${name}" is not allowed`);
}

function describe(token: Token): string {
  if (token.type === "end") return "end of expression";
  if (token.type === "string") return "a string";
  return `"${token.value}"`;
}

/**
 * Parses an expression into its tree, or throws an {@link ExpressionError} (`invalid_expression`) naming the
 * position of the problem. Parsing is bounded: at most {@link MAX_EXPRESSION_LENGTH} characters and
 * {@link MAX_EXPRESSION_DEPTH} levels of nesting.
 */
export function parseExpression(source: string): Expression {
  if (source.length > MAX_EXPRESSION_LENGTH)
    throw invalid(`Expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  if (source.trim() === "") throw invalid("Expression is empty");
  return new Parser(tokenize(source), source).parse();
}

/** The paths an expression reads, for validation at save time (`nodes.x` must name a node). */
export function referencedPaths(expression: Expression): Array<{ root: string; segments: PathSegment[] }> {
  switch (expression.kind) {
    case "literal":
      return [];
    case "path":
      return [{ root: expression.root, segments: expression.segments }];
    case "array":
      return expression.items.flatMap(referencedPaths);
    case "unary":
      return referencedPaths(expression.operand);
    case "binary":
      return [...referencedPaths(expression.left), ...referencedPaths(expression.right)];
  }
}
