import { describe, expect, it } from "vitest";
import { checkToolArguments, schemaDialect } from "../../../src/mcp-client/tools";

const addSchema = {
  type: "object",
  properties: { a: { type: "number" }, b: { type: "number" } },
  required: ["a", "b"],
};

describe("checkToolArguments (SPEC §6.7: arguments validated before any upstream call)", () => {
  it.each([
    ["valid arguments", addSchema, { a: 1, b: 2 }, true],
    ["a wrong type", addSchema, { a: "1", b: 2 }, false],
    ["a missing required property", addSchema, { a: 1 }, false],
    ["arguments that are not an object", addSchema, ["a"], false],
    ["anything for the least restrictive schema", { type: "object" }, { x: [1, { y: null }] }, true],
    [
      "a $ref into $defs",
      { type: "object", properties: { p: { $ref: "#/$defs/pos" } }, $defs: { pos: { type: "integer", minimum: 1 } } },
      { p: 0 },
      false,
    ],
  ])("%s", (_name, schema, args, ok) => {
    expect(checkToolArguments(schema, args).ok).toBe(ok);
  });

  it("reports issues as JSON Pointers with the failing keyword", () => {
    const check = checkToolArguments(addSchema, { a: "x" });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "/a", keyword: "type" }),
        expect.objectContaining({ keyword: "required" }),
      ]),
    );
  });

  it("gives the same answers from the cached validator, and leaves the stored schema untouched", () => {
    const schema = { type: "object", properties: { p: { $ref: "#/$defs/s" } }, $defs: { s: { type: "string" } } };
    const before = structuredClone(schema);
    for (let i = 0; i < 3; i++) {
      expect(checkToolArguments(schema, { p: "ok" }).ok).toBe(true);
      expect(checkToolArguments(schema, { p: 1 }).ok).toBe(false);
    }
    expect(schema).toEqual(before);
  });

  it("validates against a refreshed tool's new schema, not a cached old one", () => {
    const v1 = { type: "object", properties: { n: { type: "string" } } };
    const v2 = { type: "object", properties: { n: { type: "number" } } };
    expect(checkToolArguments(v1, { n: "a" }).ok).toBe(true);
    expect(checkToolArguments(v2, { n: "a" }).ok).toBe(false);
    expect(checkToolArguments(v2, { n: 1 }).ok).toBe(true);
  });
});

describe("schemaDialect (MCP 2025-11-25 'JSON Schema Usage': 2020-12 unless $schema says otherwise)", () => {
  it.each([
    [{}, "2020-12"],
    [{ $schema: "https://json-schema.org/draft/2020-12/schema" }, "2020-12"],
    [{ $schema: "http://json-schema.org/draft-07/schema#" }, "7"],
    [{ $schema: "http://json-schema.org/draft-04/schema#" }, "4"],
    [{ $schema: "http://json-schema.org/draft/2019-09/schema" }, "2019-09"],
    [{ $schema: "https://example.com/unknown" }, "2020-12"],
  ])("%j → %s", (schema, dialect) => {
    expect(schemaDialect(schema)).toBe(dialect);
  });
});
