import { describe, expect, it } from "vitest";
import {
  checkClientIdMetadataUrl,
  clientMetadataCacheSeconds,
  fetchClientMetadataDocument,
  MAX_CLIENT_METADATA_DOCUMENT_BYTES,
  validateClientMetadataDocument,
} from "../../../src/oauth-server/client-metadata-document";
import { clientWarnings } from "../../../src/oauth-server/client-trust";

const CLIENT_ID = "https://client.example.com/oauth/metadata.json";
const doc = {
  client_id: CLIENT_ID,
  client_name: "Example Client",
  redirect_uris: ["https://client.example.com/callback", "http://127.0.0.1/callback"],
};

describe("checkClientIdMetadataUrl (CIMD draft §3)", () => {
  it.each([
    ["an https URL with a path", CLIENT_ID, true],
    ["a port is allowed", "https://client.example.com:8443/meta", true],
    ["a query is allowed (discouraged)", "https://client.example.com/meta?v=1", true],
    ["http", "http://client.example.com/meta", false],
    ["no path", "https://client.example.com", false],
    ["only a slash", "https://client.example.com/", false],
    ["a dot-dot segment", "https://client.example.com/a/../meta", false],
    ["a single-dot segment", "https://client.example.com/./meta", false],
    ["an encoded dot-dot segment", "https://client.example.com/a/%2e%2e/meta", false],
    ["a fragment", "https://client.example.com/meta#x", false],
    ["userinfo", "https://user@client.example.com/meta", false],
    ["an upper-case scheme", "HTTPS://client.example.com/meta", false],
    ["not a URL", "client-123", false],
  ])("%s: %s → %s", (_rule, input, ok) => {
    expect(checkClientIdMetadataUrl(input).ok).toBe(ok);
  });
});

describe("validateClientMetadataDocument (CIMD draft §4)", () => {
  it("accepts a minimal document and normalises it", () => {
    expect(validateClientMetadataDocument(CLIENT_ID, doc)).toEqual({
      ok: true,
      document: {
        clientId: CLIENT_ID,
        clientName: "Example Client",
        redirectUris: doc.redirect_uris,
        grantTypes: ["authorization_code"],
        clientUri: null,
      },
    });
  });
  it.each<[string, unknown]>([
    [
      "client_id differs from the URL (draft §4.1: must match exactly)",
      { ...doc, client_id: "https://client.example.com/other" },
    ],
    ["client_id differs only by a trailing slash", { ...doc, client_id: `${CLIENT_ID}/` }],
    ["no client_name", { client_id: CLIENT_ID, redirect_uris: doc.redirect_uris }],
    ["no redirect_uris", { client_id: CLIENT_ID, client_name: "x" }],
    ["a shared-secret auth method (draft §4.1)", { ...doc, token_endpoint_auth_method: "client_secret_basic" }],
    ["a javascript: redirect URI", { ...doc, redirect_uris: ["javascript:alert(1)"] }],
    ["an http non-loopback redirect URI", { ...doc, redirect_uris: ["http://client.example.com/cb"] }],
    ["the implicit grant", { ...doc, grant_types: ["implicit"] }],
    ["not an object", ["x"]],
  ])("refuses %s", (_rule, body) => {
    expect(validateClientMetadataDocument(CLIENT_ID, body).ok).toBe(false);
  });
});

describe("clientMetadataCacheSeconds (RFC 9111 §4.2.1, private cache)", () => {
  const now = Date.parse("2026-12-01T12:00:00Z");
  it.each<[string, Record<string, string>, number]>([
    ["max-age", { "cache-control": "public, max-age=600" }, 600],
    [
      "max-age wins over Expires (RFC 9111 §5.3)",
      { "cache-control": "max-age=60", expires: "Tue, 01 Dec 2026 13:00:00 GMT" },
      60,
    ],
    ["no-store (RFC 9111 §5.2.2.5)", { "cache-control": "no-store, max-age=600" }, 0],
    ["no-cache (RFC 9111 §5.2.2.4)", { "cache-control": "no-cache" }, 0],
    [
      "Expires relative to Date",
      { date: "Tue, 01 Dec 2026 12:00:00 GMT", expires: "Tue, 01 Dec 2026 12:10:00 GMT" },
      600,
    ],
    ["an invalid Expires means expired (RFC 9111 §5.3)", { expires: "0" }, 0],
    ["a malformed max-age", { "cache-control": "max-age=abc" }, 0],
    ["capped at a day", { "cache-control": "max-age=31536000" }, 86_400],
    ["no caching headers: the default", {}, 300],
  ])("%s", (_rule, headers, seconds) => {
    expect(clientMetadataCacheSeconds(new Headers(headers), now)).toBe(seconds);
  });
});

describe("fetchClientMetadataDocument (CIMD draft §4, SSRF policy)", () => {
  const serve =
    (body: BodyInit | null, init: ResponseInit = {}) =>
    async () =>
      new Response(body, { status: 200, headers: { "content-type": "application/json" }, ...init });

  it("fetches, validates and reports the cache lifetime", async () => {
    const result = await fetchClientMetadataDocument(CLIENT_ID, {
      fetch: serve(JSON.stringify(doc), { headers: { "cache-control": "max-age=120" } }),
    });
    expect(result).toMatchObject({ ok: true, cacheSeconds: 120, document: { clientName: "Example Client" } });
  });
  it("accepts a document larger than 5 KB (real ones are)", async () => {
    const big = { ...doc, padding: "x".repeat(20_000) };
    expect((await fetchClientMetadataDocument(CLIENT_ID, { fetch: serve(JSON.stringify(big)) })).ok).toBe(true);
  });
  it("refuses a document over the byte limit, even without Content-Length", async () => {
    const big = JSON.stringify({ ...doc, padding: "x".repeat(MAX_CLIENT_METADATA_DOCUMENT_BYTES) });
    const stream = new Blob([big]).stream();
    const result = await fetchClientMetadataDocument(CLIENT_ID, { fetch: serve(stream) });
    expect(result).toEqual({ ok: false, message: expect.stringContaining("larger than") });
  });
  it.each([
    ["a loopback host (SSRF)", "https://127.0.0.1/meta"],
    ["a private address (SSRF)", "https://10.0.0.5/meta"],
    ["a cloud metadata address (SSRF)", "https://169.254.169.254/latest"],
    ["an internal name (SSRF)", "https://metadata.google.internal/meta"],
  ])("never contacts %s", async (_rule, url) => {
    let called = false;
    const result = await fetchClientMetadataDocument(url, {
      fetch: async () => {
        called = true;
        return new Response("{}");
      },
    });
    expect(result.ok).toBe(false);
    expect(called).toBe(false);
  });
  it("does not follow redirects (the document's identity is its URL)", async () => {
    let redirectMode: RequestInit["redirect"];
    const result = await fetchClientMetadataDocument(CLIENT_ID, {
      fetch: async (_url, init) => {
        redirectMode = init?.redirect;
        return new Response(null, { status: 302, headers: { location: "https://evil.example/meta" } });
      },
    });
    expect(redirectMode).toBe("manual");
    expect(result).toEqual({ ok: false, message: expect.stringContaining("HTTP 302") });
  });
  it("times out a slow server", async () => {
    const result = await fetchClientMetadataDocument(CLIENT_ID, {
      timeoutMs: 20,
      fetch: (_url, init) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason))),
    });
    expect(result).toEqual({ ok: false, message: expect.stringContaining("did not arrive within 20 ms") });
  });
  it("refuses malformed JSON with a clear message", async () => {
    expect(await fetchClientMetadataDocument(CLIENT_ID, { fetch: serve("{not json") })).toEqual({
      ok: false,
      message: "the client's metadata document is not JSON",
    });
  });
});

describe("clientWarnings (RFC 7591 §5; CIMD draft §6)", () => {
  const trusted = new Set(["claude.ai"]);
  it.each([
    ["a DCR client's name is self-asserted", "dcr", "c1", ["https://a.example/cb"], ["self_asserted_name"]],
    [
      "a CIMD client from an unknown host",
      "cimd",
      CLIENT_ID,
      ["https://client.example.com/cb"],
      ["unknown_metadata_host"],
    ],
    ["a CIMD client from a trusted host", "cimd", "https://claude.ai/oauth/client.json", ["https://claude.ai/cb"], []],
    [
      "a localhost-only client",
      "dcr",
      "c1",
      ["http://127.0.0.1/cb", "http://localhost:3000/cb"],
      ["self_asserted_name", "localhost_only"],
    ],
    ["an admin-managed client", "confidential", "c1", ["http://127.0.0.1/cb"], []],
  ] as const)("%s", (_rule, kind, clientId, redirectUris, expected) => {
    expect(clientWarnings({ kind, clientId, redirectUris, trustedHosts: trusted })).toEqual(expected);
  });
});
