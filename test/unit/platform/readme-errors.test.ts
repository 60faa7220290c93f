import { describe, expect, it } from "vitest";
import readme from "../../../README.md?raw";
import { ERROR_TABLE } from "../../../src/platform/errors";

describe("README error table", () => {
  it.each(Object.keys(ERROR_TABLE))("documents %s", (code) => {
    const section = readme.slice(readme.indexOf("### Errors"), readme.indexOf("## Benchmarks"));
    expect(section).toContain(`\`${code}\``);
  });
});
