import { describe, expect, it } from "vitest";
import { decideRetargeting, type RetargetingInput } from "../../../src/connections/retargeting";
import { transitionStatus } from "../../../src/connections/status";

// Regression for issue 14 finding 5 ("editing base_url moves a stored secret to a new host"): a change of
// destination must come with the secrets again (OWASP ASVS V8.3, data bound to its destination), and OAuth
// tokens issued for the old destination never follow (RFC 6749 §10.3: access tokens are bearer credentials).
const API = "https://api.example.com";
const apiKey = (data: Record<string, unknown> = {}) => ({ api_key: "sk-stored", ...data });
const base = (overrides: Partial<RetargetingInput>): RetargetingInput => ({
  method: "api_key",
  before: { baseUrl: API, data: apiKey() },
  after: { baseUrl: API, data: apiKey() },
  supplied: undefined,
  hasTokens: false,
  ...overrides,
});

describe("decideRetargeting (issue 14 #5)", () => {
  it.each([
    {
      name: "a rename (nothing moves)",
      input: base({}),
      decision: { changed: [], missingSecrets: [], dropTokens: false },
    },
    {
      name: "base_url moved without the key",
      input: base({ after: { baseUrl: "https://evil.example", data: apiKey() } }),
      decision: { changed: ["base_url"], missingSecrets: ["data.api_key"], dropTokens: false },
    },
    {
      name: "base_url moved with the key supplied again",
      input: base({
        after: { baseUrl: "https://evil.example", data: apiKey({ api_key: "sk-again" }) },
        supplied: { api_key: "sk-again" },
      }),
      decision: { changed: ["base_url"], missingSecrets: [], dropTokens: false },
    },
    {
      name: "base_url cleared to the catalog default",
      input: base({ after: { baseUrl: null, data: apiKey() } }),
      decision: { changed: ["base_url"], missingSecrets: ["data.api_key"], dropTokens: false },
    },
    {
      name: "the key moved from a header to the query string",
      input: base({ after: { baseUrl: API, data: apiKey({ key_location: "query", key_name: "key" }) } }),
      decision: {
        changed: ["data.key_location", "data.key_name"],
        missingSecrets: ["data.api_key"],
        dropTokens: false,
      },
    },
    {
      name: "key_location set to its default (header) explicitly",
      input: base({ after: { baseUrl: API, data: apiKey({ key_location: "header" }) } }),
      decision: { changed: [], missingSecrets: [], dropTokens: false },
    },
    {
      name: "key_name changed with an api_secret stored too",
      input: base({
        before: { baseUrl: API, data: apiKey({ api_secret: "s" }) },
        after: { baseUrl: API, data: apiKey({ api_secret: "s", key_name: "X-Other" }) },
        supplied: { key_name: "X-Other", api_key: "sk" },
      }),
      decision: { changed: ["data.key_name"], missingSecrets: ["data.api_secret"], dropTokens: false },
    },
    {
      name: "only the secret replaced (no destination change)",
      input: base({ after: { baseUrl: API, data: apiKey({ api_key: "new" }) }, supplied: { api_key: "new" } }),
      decision: { changed: [], missingSecrets: [], dropTokens: false },
    },
    {
      name: "an oauth2 token_url moved with a stored client secret",
      input: base({
        method: "oauth2",
        before: { baseUrl: API, data: { client_id: "c", client_secret: "s", token_url: "https://a/token" } },
        after: { baseUrl: API, data: { client_id: "c", client_secret: "s", token_url: "https://evil/token" } },
        hasTokens: true,
      }),
      decision: { changed: ["data.token_url"], missingSecrets: ["data.client_secret"], dropTokens: true },
    },
    {
      name: "a catalog oauth2 connection's base_url moved (no stored secret: a new authorization only)",
      input: base({
        method: "oauth2",
        before: { baseUrl: API, data: {} },
        after: { baseUrl: "https://x", data: {} },
        hasTokens: true,
      }),
      decision: { changed: ["base_url"], missingSecrets: [], dropTokens: true },
    },
    {
      name: "a client-credentials token_url moved with the secret supplied again",
      input: base({
        method: "oauth2_client_credentials",
        before: { baseUrl: API, data: { client_id: "c", client_secret: "s", token_url: "https://a/token" } },
        after: { baseUrl: API, data: { client_id: "c", client_secret: "s2", token_url: "https://b/token" } },
        supplied: { token_url: "https://b/token", client_secret: "s2" },
        hasTokens: true,
      }),
      decision: { changed: ["data.token_url"], missingSecrets: [], dropTokens: true },
    },
    {
      name: "an MCP server_url moved with a stored bearer token",
      input: base({
        method: "mcp",
        before: { baseUrl: null, data: { server_url: "https://mcp.a/mcp", auth_type: "bearer", token: "t" } },
        after: { baseUrl: null, data: { server_url: "https://mcp.evil/mcp", auth_type: "bearer", token: "t" } },
      }),
      decision: { changed: ["data.server_url"], missingSecrets: ["data.token"], dropTokens: false },
    },
    {
      name: "a bearer connection's base_url moved",
      input: base({
        method: "bearer",
        before: { baseUrl: API, data: { token: "t" } },
        after: { baseUrl: "https://evil", data: { token: "t" } },
      }),
      decision: { changed: ["base_url"], missingSecrets: ["data.token"], dropTokens: false },
    },
    {
      name: "a basic connection's base_url moved (the password is the secret)",
      input: base({
        method: "basic",
        before: { baseUrl: API, data: { username: "u", password: "p" } },
        after: { baseUrl: "https://evil", data: { username: "u", password: "p" } },
        supplied: { username: "u" },
      }),
      decision: { changed: ["base_url"], missingSecrets: ["data.password"], dropTokens: false },
    },
  ])("$name", ({ input, decision }) => {
    expect(decideRetargeting(input)).toEqual(decision);
  });

  it("an OAuth connection whose destination changed must be authorized again (status machine)", () => {
    expect(transitionStatus({ status: "active" }, { type: "destination_changed" })).toEqual({
      ok: true,
      status: "disconnected",
      statusReason: "Not authorized yet",
    });
    expect(
      transitionStatus(
        { status: "disconnected", statusReason: "Not authorized yet" },
        { type: "reactivated_by_owner" },
      ),
    ).toMatchObject({ ok: false });
  });
});
