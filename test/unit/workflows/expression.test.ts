import { describe, expect, it } from "vitest";
import {
  type ExpressionScope,
  evaluateExpression,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
  parseExpression,
  referencedPaths,
} from "../../../src/workflows/interpreter";

const scope: ExpressionScope = {
  inputs: { amount: 12_000, name: "Ada", tags: ["vip", "eu"], flag: false, nested: { "display name": "x" } },
  nodes: {
    fetch: { output: { status: 200, body: { items: [{ id: 1 }, { id: 2 }], ok: true } } },
    "2nd-step": { output: 7 },
  },
  vars: { total: 3, amount: 1 },
  workflow: { name: "Demo" },
};

const evaluate = (source: string) => evaluateExpression(parseExpression(source), scope);

describe("expression language: values and operators", () => {
  it.each<[string, unknown]>([
    ["true", true],
    ["false", false],
    ["null", null],
    ["42", 42],
    ["-1.5", -1.5],
    ["2e3", 2000],
    ['"a\\"b"', 'a"b'],
    ["'single'", "single"],
    ["inputs.amount", 12_000],
    ["amount", 12_000], // bare names read inputs first (the seeds' `totalAmount > 10000`)
    ["total", 3], // then vars
    ["vars.amount", 1],
    ["nodes.fetch.output.status", 200],
    ["nodes.fetch.output.body.items[1].id", 2],
    ["nodes.fetch.output.body.items.0.id", 1],
    ["nodes.fetch.output.body.items.length", 2],
    ["nodes.2nd-step.output", 7], // node ids may start with a digit and contain "-"
    ["inputs.nested['display name']", "x"],
    ["workflow.name", "Demo"],
    ["inputs.missing", null], // conditions read a missing path as null
    ["inputs.amount > 10000", true],
    ["inputs.amount >= 12000 && inputs.name == 'Ada'", true],
    ["inputs.amount < 10 || inputs.flag", false],
    ["!inputs.flag", true],
    ["!(inputs.amount > 1)", false],
    ["1 == 1 && 2 != 3", true],
    ['1 == "1"', false], // no coercion
    ["'b' > 'a'", true],
    ["'10' > 9", false], // mixed types never order
    ["null < 1", false],
    ["'vip' in inputs.tags", true],
    ["'us' in inputs.tags", false],
    ["'da' in inputs.name", true],
    ["'items' in nodes.fetch.output.body", true],
    ["inputs.name in ['Ada', 'Bob']", true],
    ["[1, [2]] == [1, [2]]", true],
    ["nodes.fetch.output.body == nodes.fetch.output.body", true],
    ["inputs.tags == ['vip']", false],
    ["1 in 5", false],
  ])("%s → %j", (source, expected) => {
    expect(evaluate(source)).toEqual(expected);
  });

  it("binds && tighter than ||", () => {
    expect(evaluate("true || false && false")).toBe(true);
    expect(evaluate("(true || false) && false")).toBe(false);
  });

  it("short-circuits: the right side of a decided && is not evaluated", () => {
    expect(evaluateExpression(parseExpression("false && inputs.nope.deeper"), scope, { strict: true })).toBe(false);
  });

  it("throws missing_reference for a missing path in strict mode (templates)", () => {
    expect(() => evaluateExpression(parseExpression("inputs.missing.x"), scope, { strict: true })).toThrow(
      expect.objectContaining({ code: "missing_reference", message: "Missing reference: inputs.missing.x" }),
    );
  });

  it("lists the paths an expression reads", () => {
    expect(referencedPaths(parseExpression("nodes.a.output.x > 1 && !vars.y"))).toEqual([
      { root: "nodes", segments: ["a", "output", "x"] },
      { root: "vars", segments: ["y"] },
    ]);
  });
});

describe("expression language: refusals of hostile or broken input", () => {
  it.each<[string, string, RegExp]>([
    ["a function call", "inputs.name.toUpperCase()", /Function calls are not allowed/],
    ["a bare call", "eval('1')", /Function calls are not allowed/],
    ["__proto__", "inputs.__proto__", /"__proto__" is not allowed/],
    ["constructor", "inputs.constructor", /"constructor" is not allowed/],
    ["prototype via brackets", "inputs['prototype']", /"prototype" is not allowed/],
    ["assignment", "inputs.x = 1", /Unexpected character "="/],
    ["arithmetic", "1 + 1", /Unexpected character "\+"/],
    ["a template literal", "`x`", /Unexpected character "`"/],
    ["a semicolon", "true; false", /Unexpected character ";"/],
    ["an unterminated string", "'abc", /Unterminated string/],
    ["an unknown escape", "'\\x41'", /Unknown escape/],
    ["an empty expression", "   ", /empty/],
    ["a dangling operator", "1 ==", /Unexpected end of expression/],
    ["unbalanced parentheses", "(1 == 1", /Expected "\)"/],
    ["a chained comparison", "1 < 2 < 3", /Chained comparison/],
    ["a computed index", "inputs.tags[inputs.i]", /Expected an index or a quoted key/],
    ["a leading-zero number", "01", /Unexpected "1"|Unexpected/],
    ["trailing garbage", "true false", /Unexpected "false"/],
    ["a keyword in the wrong place", "in", /Unexpected "in"/],
  ])("refuses %s", (_, source, message) => {
    expect(() => parseExpression(source)).toThrow(message);
    expect(() => parseExpression(source)).toThrow(expect.objectContaining({ code: "invalid_expression" }));
  });

  it(`refuses an expression longer than ${MAX_EXPRESSION_LENGTH} characters`, () => {
    expect(() => parseExpression(`"${"a".repeat(MAX_EXPRESSION_LENGTH)}"`)).toThrow(/longer than/);
  });

  it(`refuses nesting deeper than ${MAX_EXPRESSION_DEPTH}`, () => {
    expect(() => parseExpression(`${"(".repeat(40)}1${")".repeat(40)}`)).toThrow(/nests deeper/);
    expect(() => parseExpression(`${"!".repeat(40)}true`)).toThrow(/nests deeper/);
    expect(parseExpression(`${"(".repeat(10)}1${")".repeat(10)}`)).toEqual({ kind: "literal", value: 1 });
  });

  it("never reads inherited properties", () => {
    expect(evaluate("inputs.toString")).toBe(null);
    expect(evaluate("inputs.hasOwnProperty")).toBe(null);
    expect(evaluate("'toString' in inputs")).toBe(false);
  });

  it("refuses unary minus on a non-number at evaluation", () => {
    expect(() => evaluate("-inputs.name")).toThrow(/Unary minus needs a number/);
  });
});
