import { describe, expect, it } from "vitest";
import {
  curlSnippet,
  fetchSnippet,
  proxyUrl,
  toolCallCurlSnippet,
  toolCallFetchSnippet,
  toolCallUrl,
} from "../../../web/src/connections/snippets";

const input = { origin: "https://api.example.com", connectionId: "0b4c-id", path: "/v1/search?q=a&b=1" };

describe("proxy snippets on the connection page", () => {
  it("address the connection's proxy with the upstream path", () => {
    expect(proxyUrl(input)).toBe("https://api.example.com/api/connections/0b4c-id/proxy/v1/search?q=a&b=1");
    expect(proxyUrl({ ...input, path: "v1/me" })).toBe("https://api.example.com/api/connections/0b4c-id/proxy/v1/me");
  });

  it("quote the URL for the shell, so & and ' in a path do not break the command", () => {
    const curl = curlSnippet({ ...input, path: "/it's?x=1&y=2" });
    expect(curl).toContain(`curl 'https://api.example.com/api/connections/0b4c-id/proxy/it'\\''s?x=1&y=2'`);
    expect(curl).toContain('-H "Authorization: Bearer $EDGE_API_KEY"');
  });

  it("authenticate the fetch with the API key from the environment, never a literal secret", () => {
    const code = fetchSnippet(input);
    expect(code).toContain('fetch("https://api.example.com/api/connections/0b4c-id/proxy/v1/search?q=a&b=1"');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the snippet's own template literal, as printed
    expect(code).toContain("Authorization: `Bearer ${process.env.EDGE_API_KEY}`");
  });
});

describe("tool-call snippets of an MCP connection (it has no proxy)", () => {
  const call = {
    origin: "https://api.example.com",
    connectionId: "0b4c-id",
    tool: "it's/add",
    args: { a: 1, q: "x'y" },
  };

  it("post to the tool's call endpoint, with the tool name escaped", () => {
    expect(toolCallUrl(call)).toBe("https://api.example.com/api/connections/0b4c-id/tools/it's%2Fadd/call");
  });

  it("quote the URL and the JSON body for the shell, and authenticate with the API key variable", () => {
    const curl = toolCallCurlSnippet(call);
    expect(curl).toContain(`curl -X POST 'https://api.example.com/api/connections/0b4c-id/tools/it'\\''s%2Fadd/call'`);
    expect(curl).toContain('-H "Authorization: Bearer $EDGE_API_KEY"');
    expect(curl).toContain(`-d '{"arguments":{"a":1,"q":"x'\\''y"}}'`);
  });

  it("send the arguments as the fetch body, never a literal secret", () => {
    const code = toolCallFetchSnippet(call);
    expect(code).toContain('method: "POST"');
    expect(code).toContain('body: JSON.stringify({"arguments":{"a":1,"q":"x\'y"}})');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the snippet's own template literal, as printed
    expect(code).toContain("Authorization: `Bearer ${process.env.EDGE_API_KEY}`");
  });
});
