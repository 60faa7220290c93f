import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { findProvider } from "../../../src/connections/catalog";
import {
  type ApiKeyInjection,
  apiKeyCredentials,
  apiKeyInjection,
  basicCredentials,
  bearerCredentials,
  type CredentialContext,
  DEFAULT_API_KEY_INJECTION,
  providerApiKeyInjection,
  type UsableConnection,
  type UsableConnectionOf,
} from "../../../src/connections/credentials";
import type { ConnectionData } from "../../../src/connections/data";
import { keyringFor } from "../../../src/crypto/keyring";
import { getDb } from "../../../src/db/client";
import { getConfig } from "../../../src/platform/config";
import { createLogger } from "../../../src/platform/logger";

const NOW = 1_800_000_000_000;
const config = getConfig(env);
const context: CredentialContext = {
  env,
  config,
  log: createLogger(),
  db: getDb(env.DB),
  keyring: keyringFor(config.keyring),
  now: () => NOW,
};

/** A saved, active connection with only what using it needs. */
function usable<D extends ConnectionData>(connection: D): UsableConnectionOf<D["method"]> {
  const base: UsableConnection = {
    id: "conn_1",
    userId: "user_1",
    provider: "custom_api",
    status: "active",
    connection,
    baseUrl: "https://api.example.com",
    defaultHeaders: null,
    timeoutMs: 30_000,
    retries: 2,
    backoffMs: 500,
    verifyRequest: null,
    tokensEncrypted: null,
    refreshExhausted: false,
  };
  return base as UsableConnectionOf<D["method"]>;
}

function request(url = "https://api.example.com/v1/items?page=2") {
  return { url: new URL(url), headers: new Headers({ accept: "application/json" }) };
}

/** Provider defaults the catalog shapes can take (SPEC §6.4 `api_key`). */
const X_API_KEY: ApiKeyInjection = { location: "header", name: "x-api-key" };
const TOKEN_HEADER: ApiKeyInjection = { location: "header", name: "X-Auth", prefix: "Token " };
const QUERY_KEY: ApiKeyInjection = { location: "query", name: "key" };

describe("apiKeyInjection: each of location, name, prefix from the connection, else the provider, else the generic default (SPEC §6.3, §6.6)", () => {
  it.each<{
    rule: string;
    data: Parameters<typeof apiKeyInjection>[0];
    provider?: ApiKeyInjection;
    expected: ApiKeyInjection;
  }>([
    // Generic default (custom_api): Authorization: Bearer <key>, RFC 6750 §2.1.
    {
      rule: "no settings, generic default → Authorization: Bearer",
      data: {},
      expected: { location: "header", name: "Authorization", prefix: "Bearer " },
    },
    {
      rule: "header location restated, generic default → Authorization: Bearer",
      data: { key_location: "header" },
      expected: { location: "header", name: "Authorization", prefix: "Bearer " },
    },
    {
      rule: "query location, generic default → ?api_key=<key> without a prefix",
      data: { key_location: "query" },
      expected: { location: "query", name: "api_key" },
    },
    {
      rule: "query location and a custom name → that name, no prefix",
      data: { key_location: "query", key_name: "apikey" },
      expected: { location: "query", name: "apikey" },
    },
    {
      rule: "query location named Authorization → no Bearer prefix (that rule is for the header)",
      data: { key_location: "query", key_name: "Authorization" },
      expected: { location: "query", name: "Authorization" },
    },
    {
      rule: "query location with an explicit prefix → the prefix",
      data: { key_location: "query", key_prefix: "k_" },
      expected: { location: "query", name: "api_key", prefix: "k_" },
    },
    {
      rule: "custom header name → no prefix",
      data: { key_name: "X-Api-Key" },
      expected: { location: "header", name: "X-Api-Key" },
    },
    {
      rule: "custom header name with an explicit prefix → the prefix",
      data: { key_name: "X-Api-Key", key_prefix: "Key " },
      expected: { location: "header", name: "X-Api-Key", prefix: "Key " },
    },
    {
      rule: "Authorization named explicitly → Bearer",
      data: { key_name: "Authorization" },
      expected: { location: "header", name: "Authorization", prefix: "Bearer " },
    },
    {
      rule: "authorization in lowercase (RFC 9110 §5.1: names are case-insensitive) → Bearer",
      data: { key_location: "header", key_name: "authorization" },
      expected: { location: "header", name: "authorization", prefix: "Bearer " },
    },
    {
      rule: "Authorization with another scheme as prefix → that prefix",
      data: { key_prefix: "Token " },
      expected: { location: "header", name: "Authorization", prefix: "Token " },
    },
    {
      rule: "an empty prefix switches the Bearer prefix off",
      data: { key_prefix: "" },
      expected: { location: "header", name: "Authorization" },
    },
    // A provider default without a prefix (Anthropic's x-api-key).
    {
      rule: "no settings, x-api-key provider → x-api-key without a prefix",
      data: {},
      provider: X_API_KEY,
      expected: { location: "header", name: "x-api-key" },
    },
    {
      rule: "x-api-key provider, Authorization named explicitly → Bearer",
      data: { key_name: "Authorization" },
      provider: X_API_KEY,
      expected: { location: "header", name: "Authorization", prefix: "Bearer " },
    },
    {
      rule: "x-api-key provider, query location → ?api_key=",
      data: { key_location: "query" },
      provider: X_API_KEY,
      expected: { location: "query", name: "api_key" },
    },
    {
      rule: "x-api-key provider, explicit prefix → the prefix",
      data: { key_prefix: "sk " },
      provider: X_API_KEY,
      expected: { location: "header", name: "x-api-key", prefix: "sk " },
    },
    // A provider default with its own prefix on its own header.
    {
      rule: "no settings, provider with a prefix → its header and prefix",
      data: {},
      provider: TOKEN_HEADER,
      expected: { location: "header", name: "X-Auth", prefix: "Token " },
    },
    {
      rule: "provider's own header restated → keeps the provider's prefix",
      data: { key_location: "header", key_name: "X-Auth" },
      provider: TOKEN_HEADER,
      expected: { location: "header", name: "X-Auth", prefix: "Token " },
    },
    {
      rule: "provider's own header in another case (RFC 9110 §5.1) → keeps the provider's prefix",
      data: { key_location: "header", key_name: "x-auth" },
      provider: TOKEN_HEADER,
      expected: { location: "header", name: "x-auth", prefix: "Token " },
    },
    {
      rule: "another header than the provider's → the provider's prefix does not follow",
      data: { key_name: "X-Other" },
      provider: TOKEN_HEADER,
      expected: { location: "header", name: "X-Other" },
    },
    {
      rule: "provider's header, prefix overridden → the override",
      data: { key_prefix: "Bearer " },
      provider: TOKEN_HEADER,
      expected: { location: "header", name: "X-Auth", prefix: "Bearer " },
    },
    {
      rule: "provider with a prefix, query location → ?api_key= without the header's prefix",
      data: { key_location: "query" },
      provider: TOKEN_HEADER,
      expected: { location: "query", name: "api_key" },
    },
    // A provider default in the query string (Google-style ?key=).
    {
      rule: "no settings, query provider → its parameter",
      data: {},
      provider: QUERY_KEY,
      expected: { location: "query", name: "key" },
    },
    {
      rule: "query provider, another parameter name → that name",
      data: { key_name: "token" },
      provider: QUERY_KEY,
      expected: { location: "query", name: "token" },
    },
    {
      rule: "query provider, header location → Authorization: Bearer (the generic header default)",
      data: { key_location: "header" },
      provider: QUERY_KEY,
      expected: { location: "header", name: "Authorization", prefix: "Bearer " },
    },
    {
      rule: "query provider, header location with a custom name → that header, no prefix",
      data: { key_location: "header", key_name: "X-Key" },
      provider: QUERY_KEY,
      expected: { location: "header", name: "X-Key" },
    },
  ])("$rule", ({ data, provider, expected }) => {
    expect(apiKeyInjection(data, provider)).toEqual(expected);
  });

  it("the generic default is Authorization: Bearer (SPEC §6.3 custom_api)", () => {
    expect(DEFAULT_API_KEY_INJECTION).toEqual({ location: "header", name: "Authorization", prefix: "Bearer " });
    expect(apiKeyInjection({})).toEqual(apiKeyInjection({}, DEFAULT_API_KEY_INJECTION));
  });
});

describe("providerApiKeyInjection: the catalog entry's rule", () => {
  it.each([
    { provider: "openai", expected: { location: "header", name: "Authorization", prefix: "Bearer " } },
    { provider: "anthropic", expected: { location: "header", name: "x-api-key", prefix: undefined } },
    { provider: "github", expected: undefined },
  ])("$provider → $expected", ({ provider, expected }) => {
    expect(providerApiKeyInjection(findProvider(provider))).toEqual(expected);
  });

  it("no provider → no rule (the generic default applies)", () => {
    expect(providerApiKeyInjection(undefined)).toBeUndefined();
  });
});

describe("apiKeyCredentials: inject and injectedHeaders (SPEC §6.6)", () => {
  it.each<{
    rule: string;
    provider: string | undefined;
    data: Extract<ConnectionData, { method: "api_key" }>["data"];
    header?: [string, string];
    query?: [string, string];
    injected: string[];
  }>([
    {
      rule: "no provider, no settings → Authorization: Bearer <key> (RFC 6750 §2.1)",
      provider: undefined,
      data: { api_key: "k-1" },
      header: ["authorization", "Bearer k-1"],
      injected: ["authorization"],
    },
    {
      rule: "openai → Authorization: Bearer <key>",
      provider: "openai",
      data: { api_key: "sk-1" },
      header: ["authorization", "Bearer sk-1"],
      injected: ["authorization"],
    },
    {
      rule: "anthropic → x-api-key: <key>",
      provider: "anthropic",
      data: { api_key: "sk-ant" },
      header: ["x-api-key", "sk-ant"],
      injected: ["x-api-key"],
    },
    {
      rule: "custom header name → the name, lowercased in injectedHeaders, no prefix",
      provider: "custom_api",
      data: { api_key: "k-2", key_name: "X-Custom-Key" },
      header: ["x-custom-key", "k-2"],
      injected: ["x-custom-key"],
    },
    {
      rule: "query location → ?api_key=<key>, no header written",
      provider: "custom_api",
      data: { api_key: "k 3&x", key_location: "query" },
      query: ["api_key", "k 3&x"],
      injected: [],
    },
    {
      rule: "query location with a prefix and name → ?name=<prefix><key>",
      provider: undefined,
      data: { api_key: "k4", key_location: "query", key_name: "token", key_prefix: "p_" },
      query: ["token", "p_k4"],
      injected: [],
    },
  ])("$rule", async ({ provider, data, header, query, injected }) => {
    const entry = provider ? findProvider(provider) : undefined;
    const connection = usable({ method: "api_key", data });
    const target = request();
    const used = await apiKeyCredentials.inject(context, connection, target, entry);
    expect(used).toBeUndefined();
    expect(apiKeyCredentials.injectedHeaders(connection, entry)).toEqual(injected);
    if (header) expect(target.headers.get(header[0])).toBe(header[1]);
    if (query) expect(target.url.searchParams.get(query[0])).toBe(query[1]);
    // Nothing else on the request changes.
    expect(target.url.searchParams.get("page")).toBe("2");
    expect(target.headers.get("accept")).toBe("application/json");
    if (!header) expect(target.headers.has("authorization")).toBe(false);
    if (!query) expect(target.url.searchParams.has("api_key")).toBe(false);
  });

  it("replaces a caller's header of the same name instead of adding a second value", async () => {
    const target = request();
    target.headers.set("Authorization", "Bearer caller-supplied");
    await apiKeyCredentials.inject(
      context,
      usable({ method: "api_key", data: { api_key: "ours" } }),
      target,
      undefined,
    );
    expect(target.headers.get("authorization")).toBe("Bearer ours");
  });

  it("replaces a caller's query parameter of the same name instead of adding a second one", async () => {
    const target = request("https://api.example.com/v1?api_key=theirs&x=1");
    const connection = usable({ method: "api_key", data: { api_key: "ours", key_location: "query" } });
    await apiKeyCredentials.inject(context, connection, target, undefined);
    expect(target.url.searchParams.getAll("api_key")).toEqual(["ours"]);
    expect(target.url.searchParams.get("x")).toBe("1");
  });

  it("is proxyable and does not renew on rejection (an API key cannot be refreshed)", () => {
    expect(apiKeyCredentials.proxyable).toBe(true);
    expect(apiKeyCredentials.renewsOnRejection).toBe(false);
  });
});

describe("bearerCredentials (RFC 6750 §2.1 Authorization Request Header Field)", () => {
  it.each([
    { rule: "a plain token", token: "abc123", header: "Bearer abc123" },
    { rule: "a b64token with the RFC's extra characters -._~+/=", token: "a-b._~+/c==", header: "Bearer a-b._~+/c==" },
    { rule: "a JWT-shaped token", token: "eyJh.eyJz.sig", header: "Bearer eyJh.eyJz.sig" },
  ])("$rule → $header", async ({ token, header }) => {
    const target = request();
    target.headers.set("authorization", "Basic dXNlcjpwYXNz");
    const connection = usable({ method: "bearer", data: { token } });
    expect(await bearerCredentials.inject(context, connection, target, undefined)).toBeUndefined();
    expect(target.headers.get("authorization")).toBe(header);
    expect(target.url.href).toBe("https://api.example.com/v1/items?page=2");
    expect(bearerCredentials.injectedHeaders(connection, undefined)).toEqual(["authorization"]);
  });

  it("is proxyable and does not renew on rejection", () => {
    expect(bearerCredentials.proxyable).toBe(true);
    expect(bearerCredentials.renewsOnRejection).toBe(false);
  });
});

/** RFC 7617 §2: base64 → UTF-8 (§2.1 charset) → split at the first ":". */
function decodeBasic(header: string): [string, string] {
  expect(header.startsWith("Basic ")).toBe(true);
  const binary = atob(header.slice("Basic ".length));
  const text = new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  const colon = text.indexOf(":");
  return [text.slice(0, colon), text.slice(colon + 1)];
}

describe("basicCredentials (RFC 7617 §2, UTF-8 per §2.1)", () => {
  it.each([
    {
      rule: "the RFC's example Aladdin / open sesame",
      username: "Aladdin",
      password: "open sesame",
      header: "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
    },
    {
      rule: "the RFC's UTF-8 example test / 123£",
      username: "test",
      password: "123£",
      header: "Basic dGVzdDoxMjPCow==",
    },
    {
      rule: "a password containing ':' (only the user-id must not)",
      username: "u",
      password: "a:b:c",
      header: `Basic ${btoa("u:a:b:c")}`,
    },
    {
      rule: "an emoji password is UTF-8 encoded, not Latin-1",
      username: "ü",
      password: "🔑",
      header: "Basic w7w68J+UkQ==",
    },
    {
      rule: "characters that would be escaped in a URL stay raw (no form encoding here)",
      username: "a+b",
      password: "%20 !",
      header: `Basic ${btoa("a+b:%20 !")}`,
    },
  ])("$rule", async ({ username, password, header }) => {
    const target = request();
    const connection = usable({ method: "basic", data: { username, password } });
    expect(await basicCredentials.inject(context, connection, target, undefined)).toBeUndefined();
    expect(target.headers.get("authorization")).toBe(header);
    expect(decodeBasic(header)).toEqual([username, password]);
    expect(basicCredentials.injectedHeaders(connection, undefined)).toEqual(["authorization"]);
  });

  it("is proxyable and does not renew on rejection", () => {
    expect(basicCredentials.proxyable).toBe(true);
    expect(basicCredentials.renewsOnRejection).toBe(false);
  });
});
