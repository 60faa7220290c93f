import { describe, expect, it } from "vitest";
import { curlSnippet, fetchSnippet, proxyUrl } from "../../../web/src/connections/snippets";

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
