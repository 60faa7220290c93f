// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the seeds' ${…} templates are data here, not JavaScript template literals
import { describe, expect, it } from "vitest";
import {
  collectTemplates,
  type ExpressionScope,
  parseJsonPath,
  parseTemplate,
  queryJsonPath,
  resolveTemplate,
  resolveValue,
} from "../../../src/workflows/interpreter";

const scope: ExpressionScope = {
  inputs: { name: "Ada", count: 3, user: { id: 7 }, list: [1, 2], nothing: null },
  nodes: { fetch: { output: { status: 200, body: { title: "Hi }" } } } },
  vars: { summary: { text: "short" } },
  workflow: { name: "Demo" },
};

describe("templates: resolving {{…}} and ${…}", () => {
  it.each<[string, unknown]>([
    ["plain text", "plain text"],
    ["Hello {{inputs.name}}!", "Hello Ada!"],
    ["Hello ${inputs.name}!", "Hello Ada!"], // the seeds' form
    ["{{ inputs.name }}", "Ada"],
    ["{{inputs.count}}", 3], // a whole-string template keeps the value's type
    ["{{inputs.user}}", { id: 7 }],
    ["{{inputs.list}}", [1, 2]],
    ["n={{inputs.count}}", "n=3"],
    ["u={{inputs.user}}", 'u={"id":7}'],
    ["v={{inputs.nothing}}", "v=null"],
    ["{{nodes.fetch.output.body.title}}", "Hi }"],
    ["{{vars.summary.text}} / ${workflow.name}", "short / Demo"],
    ["{{inputs.count > 2}}", true],
    ["{{ '}}' }}", "}}"], // a closing delimiter inside a quoted string does not end the template
    ["{{name}}", "Ada"], // bare names read inputs
    ["$5 and {single}", "$5 and {single}"],
  ])("%s → %j", (template, expected) => {
    expect(resolveTemplate(template, scope)).toEqual(expected);
  });

  it("fails with missing_reference naming the path", () => {
    expect(() => resolveTemplate("Hi {{inputs.nope}}", scope)).toThrow(
      expect.objectContaining({ code: "missing_reference", message: "Missing reference: inputs.nope" }),
    );
    expect(() => resolveTemplate("{{nodes.other.output}}", scope)).toThrow(/Missing reference: nodes.other.output/);
  });

  it.each([["{{inputs.name"], ["${inputs.name"], ["{{ inputs..name }}"], ["{{ inputs.name() }}"], ["{{}}"]])(
    "refuses the malformed template %s",
    (template) => {
      expect(() => parseTemplate(template)).toThrow(expect.objectContaining({ code: "invalid_expression" }));
    },
  );

  it("resolves every string inside objects and arrays, not the keys", () => {
    expect(
      resolveValue({ "{{inputs.name}}": "{{inputs.name}}", list: ["a {{inputs.count}}", 5, true, null] }, scope),
    ).toEqual({ "{{inputs.name}}": "Ada", list: ["a 3", 5, true, null] });
  });

  it("collects templates with their paths", () => {
    expect(collectTemplates({ url: "x{{a}}", body: { "a b": ["${c}", "plain"] } }, "config")).toEqual([
      { path: "config.url", text: "x{{a}}" },
      { path: 'config.body["a b"][0]', text: "${c}" },
    ]);
  });
});

describe("JSONPath subset (RFC 9535)", () => {
  const doc = {
    files: [
      { id: "a", name: "one", tags: ["x"] },
      { id: "b", name: "two", tags: ["y", "z"] },
    ],
    "display name": "D",
    "it's": 1,
    count: 0,
    empty: null,
  };

  it.each<[string, unknown]>([
    ["$", doc],
    ["$.files[0].id", "a"],
    ["$.files[1]['name']", "two"],
    ['$["display name"]', "D"],
    ["$['it\\'s']", 1],
    ["$.count", 0],
    ["$.empty", null],
    ["$.files[*].id", ["a", "b"]], // §2.3.2 wildcard: every match, in order
    ["$.files.*.name", ["one", "two"]],
    ["$.files[*].tags[*]", ["x", "y", "z"]],
    ["$.files[5]", undefined],
    ["$.nope.deeper", undefined],
    ["$.nope[*]", []],
    ["$.files.length", undefined], // no array methods: only members and indexes
    ["$.toString", undefined], // own members only
  ])("%s", (path, expected) => {
    expect(queryJsonPath(path, doc)).toEqual(expected);
  });

  it.each([
    ["files", /starts with "\$"/],
    ["$.", /Expected a member name/],
    ["$[-1]", /Unsupported syntax/], // negative indexes are not in the subset
    ["$[0:2]", /Unsupported syntax/], // slices are not
    ["$..id", /Expected a member name/], // nor recursive descent
    ["$[?(@.id)]", /Unsupported syntax/], // nor filters
    ["$['unterminated]", /Unsupported syntax/],
  ])("refuses %s", (path, message) => {
    expect(() => parseJsonPath(path)).toThrow(message);
    expect(() => parseJsonPath(path)).toThrow(expect.objectContaining({ code: "invalid_jsonpath" }));
  });

  it("refuses a path longer than 512 characters", () => {
    expect(() => parseJsonPath(`$${".a".repeat(300)}`)).toThrow(/longer than/);
  });
});
