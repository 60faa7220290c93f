import { describe, expect, it } from "vitest";
import { findMcpProvider, MCP_PROVIDERS, parseMcpProviderEntry } from "../../../src/mcp-client/providers";

describe("MCP provider registry", () => {
  it("has the required servers", () => {
    const ids = MCP_PROVIDERS.map((entry) => entry.id);
    for (const id of [
      "github",
      "linear",
      "notion",
      "sentry",
      "stripe",
      "cloudflare_docs",
      "filesystem",
      "postgres",
      "custom_mcp",
    ])
      expect(ids, id).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  for (const entry of MCP_PROVIDERS) {
    it(`${entry.id} is well-formed`, () => {
      expect(parseMcpProviderEntry(entry).success).toBe(true);
      if (entry.default_server_url) expect(new URL(entry.default_server_url).protocol).toBe("https:");
      expect(entry.auth_types.length).toBeGreaterThan(0);
      expect(findMcpProvider(entry.id)).toBe(entry);
    });
  }

  const broken: [string, Record<string, unknown>][] = [
    ["plain http default URL", { default_server_url: "http://mcp.example.com/mcp" }],
    ["hosted without URL", { default_server_url: null, self_hosted: false }],
    ["self-hosted with URL", { self_hosted: true }],
    ["unknown auth type", { auth_types: ["magic"] }],
    ["no auth types", { auth_types: [] }],
    ["api_key without header", { auth_types: ["api_key"] }],
    ["unknown field", { secret: "x" }],
  ];
  for (const [name, change] of broken) {
    it(`refuses an entry with ${name}`, () => {
      const base = findMcpProvider("notion");
      expect(parseMcpProviderEntry({ ...base, ...change }).success).toBe(false);
    });
  }
});
