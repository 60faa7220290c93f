import { describe, expect, it } from "vitest";
import {
  DATA_FIELDS_BY_METHOD,
  findProvider,
  PROVIDERS,
  type ProviderEntryInput,
  placeholdersOf,
  providerEntrySchema,
} from "../../../src/connections/catalog";

const REQUIRED_PROVIDERS = [
  "openai",
  "anthropic",
  "google_ai",
  "cohere",
  "github",
  "slack",
  "google_gmail",
  "google_drive",
  "google_calendar",
  "google_sheets",
  "notion",
  "stripe",
  "twilio",
  "custom_api",
  "custom_oauth2",
];

/** The providers people recognise (issue 12 point 9), beyond the seeds' list. */
const RECOGNISED_PROVIDERS = [
  "hubspot",
  "salesforce",
  "microsoft_outlook",
  "microsoft_teams",
  "microsoft_onedrive",
  "jira",
  "confluence",
  "linear",
  "asana",
  "trello",
  "monday",
  "clickup",
  "zoom",
  "dropbox",
  "box",
  "airtable",
  "discord",
  "shopify",
  "zendesk",
  "intercom",
  "freshdesk",
  "figma",
  "gitlab",
  "bitbucket",
  "mailchimp",
  "sendgrid",
  "quickbooks",
  "xero",
  "calendly",
  "typeform",
  "pipedrive",
  "zoho_crm",
  "pagerduty",
  "sentry",
  "vercel",
  "cloudflare",
  "linkedin",
  "x",
  "reddit",
  "youtube",
  "spotify",
  "docusign",
  "okta",
];

/** Every string anywhere in a value, with its dotted location. */
function strings(value: unknown, at = ""): Array<[string, string]> {
  if (typeof value === "string") return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((item, index) => strings(item, `${at}[${index}]`));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([key, item]) => strings(item, at ? `${at}.${key}` : key));
  return [];
}

describe("provider catalog entries", () => {
  it.each(PROVIDERS)("$id parses against providerEntrySchema", (entry) => {
    const result = providerEntrySchema.safeParse(entry);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it("has unique ids and finds every entry by id", () => {
    const ids = PROVIDERS.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of PROVIDERS) expect(findProvider(entry.id)).toBe(entry);
    expect(findProvider("nope")).toBeUndefined();
    expect(findProvider("__proto__")).toBeUndefined();
  });

  it("contains at least the required providers", () => {
    for (const id of REQUIRED_PROVIDERS) expect(findProvider(id), id).toBeDefined();
  });

  it("contains the recognised providers, at least 40 beyond the seeds' 15", () => {
    for (const id of RECOGNISED_PROVIDERS) expect(findProvider(id), id).toBeDefined();
    expect(RECOGNISED_PROVIDERS.length).toBeGreaterThanOrEqual(40);
    expect(PROVIDERS.length).toBeGreaterThanOrEqual(REQUIRED_PROVIDERS.length + 40);
  });

  it("gives every provider a logo and either a base URL or the user's", () => {
    for (const entry of PROVIDERS) {
      expect(entry.logo.monogram, entry.id).toMatch(/^[A-Za-z0-9+.]{1,3}$/);
      expect(entry.logo.color, entry.id).toMatch(/^#[0-9a-f]{6}$/);
      expect(Boolean(entry.api_base_url) !== Boolean(entry.user_supplied?.base_url), entry.id).toBe(true);
    }
  });

  it("proves every non-generic provider's credentials with a request or the OAuth userinfo", () => {
    for (const entry of PROVIDERS) {
      if (entry.category === "generic") continue;
      expect(Boolean(entry.verify || entry.oauth2?.userinfo_url), entry.id).toBe(true);
    }
  });

  it("uses https for every URL", () => {
    for (const entry of PROVIDERS) {
      for (const [at, value] of strings(entry)) {
        if (at.endsWith("_url") || value.includes("://")) expect(value, `${entry.id}.${at}`).toMatch(/^https:\/\/[^/]/);
      }
    }
  });

  it("fills every verify.path placeholder from data every offered method has", () => {
    for (const entry of PROVIDERS) {
      for (const placeholder of placeholdersOf(entry.verify?.path ?? "")) {
        for (const method of entry.auth_methods) {
          expect(
            DATA_FIELDS_BY_METHOD[method] as readonly string[],
            `${entry.id}: {${placeholder}} for ${method}`,
          ).toContain(placeholder);
        }
      }
    }
    expect(findProvider("twilio")?.verify?.path).toBe("/2010-04-01/Accounts/{username}.json");
  });

  it("names the client credential environment variables of every OAuth entry", () => {
    for (const entry of PROVIDERS) {
      if (!entry.oauth2) continue;
      expect(entry.oauth2.client_id_env, entry.id).toMatch(/^[A-Z][A-Z0-9_]*_CLIENT_ID$/);
      expect(entry.oauth2.client_secret_env, entry.id).toMatch(/^[A-Z][A-Z0-9_]*_CLIENT_SECRET$/);
    }
    const oauthEntries = PROVIDERS.filter((entry) => entry.auth_methods.some((method) => method.startsWith("oauth2")));
    for (const entry of oauthEntries) expect(Boolean(entry.oauth2 || entry.user_supplied?.oauth2), entry.id).toBe(true);
  });

  it("applies the success_statuses default and checks Slack's ok field", () => {
    expect(findProvider("openai")?.verify?.success_statuses).toEqual([200]);
    expect(findProvider("slack")?.verify).toMatchObject({
      method: "POST",
      path: "/auth.test",
      success_json: { path: "ok", equals: true },
    });
  });

  it("is frozen, so no request can change it for the others", () => {
    const github = findProvider("github");
    expect(Object.isFrozen(PROVIDERS)).toBe(true);
    expect(Object.isFrozen(github?.oauth2?.default_scopes)).toBe(true);
  });
});

describe("placeholdersOf", () => {
  it("lists placeholder names once, in order, including malformed ones", () => {
    expect(placeholdersOf("/a/{username}/b/{api_key}/{username}")).toEqual(["username", "api_key"]);
    expect(placeholdersOf("/plain?x=1")).toEqual([]);
    expect(placeholdersOf("/{Password}/{}")).toEqual(["Password", ""]);
  });
});

describe("providerEntrySchema rejects", () => {
  const VALID: ProviderEntryInput = {
    id: "example",
    name: "Example",
    category: "developer",
    description: "An example API.",
    docs_url: "https://example.com/docs",
    logo: { monogram: "Ex", color: "#123456" },
    auth_methods: ["api_key"],
    api_base_url: "https://api.example.com",
    api_key: { location: "header", name: "Authorization", prefix: "Bearer " },
    verify: { method: "GET", path: "/v1/me" },
  };
  const OAUTH: NonNullable<ProviderEntryInput["oauth2"]> = {
    authorization_url: "https://example.com/oauth/authorize",
    token_url: "https://example.com/oauth/token",
    default_scopes: ["read"],
    scope_separator: " ",
    pkce: true,
    token_auth_method: "client_secret_post",
    client_id_env: "EXAMPLE_CLIENT_ID",
    client_secret_env: "EXAMPLE_CLIENT_SECRET",
  };

  it("accepts the valid base entries used below", () => {
    expect(providerEntrySchema.safeParse(VALID).success).toBe(true);
    expect(
      providerEntrySchema.safeParse({ ...VALID, auth_methods: ["api_key", "oauth2"], oauth2: OAUTH }).success,
    ).toBe(true);
  });

  const CASES: Array<[string, Record<string, unknown>, string]> = [
    ["an api_key method without api_key config", { ...VALID, api_key: undefined }, "api_key"],
    ["api_key config without the api_key method", { ...VALID, auth_methods: ["bearer"] }, "api_key"],
    ["an oauth method without oauth2 config", { ...VALID, auth_methods: ["api_key", "oauth2"] }, "oauth2"],
    ["oauth2 config without an oauth method", { ...VALID, oauth2: OAUTH }, "oauth2"],
    [
      "an http:// token_url",
      { ...VALID, auth_methods: ["api_key", "oauth2"], oauth2: { ...OAUTH, token_url: "http://example.com/token" } },
      "oauth2.token_url",
    ],
    ["an http:// api_base_url", { ...VALID, api_base_url: "http://api.example.com" }, "api_base_url"],
    ["a trailing slash on api_base_url", { ...VALID, api_base_url: "https://api.example.com/" }, "api_base_url"],
    ["credentials in a URL", { ...VALID, docs_url: "https://user:pw@example.com/docs" }, "docs_url"],
    ["an unknown key", { ...VALID, base_url: "https://api.example.com" }, ""],
    ["an unknown nested key", { ...VALID, verify: { method: "GET", path: "/", status: 200 } }, "verify"],
    [
      "Authorization in default_headers",
      { ...VALID, default_headers: { Authorization: "Bearer shared" } },
      "default_headers.Authorization",
    ],
    ["Cookie in default_headers", { ...VALID, default_headers: { cookie: "session=1" } }, "default_headers.cookie"],
    ["X-API-Key in default_headers", { ...VALID, default_headers: { "X-API-Key": "k" } }, "default_headers.X-API-Key"],
    [
      "the injected key header in default_headers",
      { ...VALID, api_key: { location: "header", name: "X-Example-Key" }, default_headers: { "x-example-key": "k" } },
      "default_headers.x-example-key",
    ],
    [
      "a credential header in verify.headers",
      { ...VALID, verify: { method: "GET", path: "/", headers: { authorization: "x" } } },
      "verify.headers.authorization",
    ],
    [
      "{password} on an api_key-only provider",
      { ...VALID, verify: { method: "GET", path: "/accounts/{password}" } },
      "verify.path",
    ],
    [
      "{username} when not every method has it",
      { ...VALID, auth_methods: ["api_key", "basic"], verify: { method: "GET", path: "/u/{username}" } },
      "verify.path",
    ],
    ["an unbalanced placeholder brace", { ...VALID, verify: { method: "GET", path: "/u/{api_key" } }, "verify.path"],
    [
      "a protocol-relative verify.path",
      { ...VALID, verify: { method: "GET", path: "//evil.example/x" } },
      "verify.path",
    ],
    ["a body on a GET verification", { ...VALID, verify: { method: "GET", path: "/", body: { a: 1 } } }, "verify.body"],
    ["a duplicate auth method", { ...VALID, auth_methods: ["api_key", "api_key"] }, "auth_methods.1"],
    ["an empty auth_methods", { ...VALID, auth_methods: [], api_key: undefined }, "auth_methods"],
    ["mcp as an auth method", { ...VALID, auth_methods: ["api_key", "mcp"] }, "auth_methods.1"],
    ["a bad id (kebab-case)", { ...VALID, id: "my-provider" }, "id"],
    ["a bad id (leading digit)", { ...VALID, id: "1password" }, "id"],
    [
      "a lower-case client env var",
      { ...VALID, auth_methods: ["api_key", "oauth2"], oauth2: { ...OAUTH, client_id_env: "example_client_id" } },
      "oauth2.client_id_env",
    ],
    [
      "an extra authorize param the flow sets itself",
      {
        ...VALID,
        auth_methods: ["api_key", "oauth2"],
        oauth2: { ...OAUTH, extra_authorize_params: { redirect_uri: "https://evil.example" } },
      },
      "oauth2.extra_authorize_params.redirect_uri",
    ],
    [
      "a scope containing the separator",
      {
        ...VALID,
        auth_methods: ["api_key", "oauth2"],
        oauth2: { ...OAUTH, scope_separator: ",", default_scopes: ["a,b"] },
      },
      "oauth2.default_scopes.0",
    ],
    ["a missing api_base_url", { ...VALID, api_base_url: undefined }, "api_base_url"],
    [
      "an api_base_url next to user_supplied.base_url",
      { ...VALID, user_supplied: { base_url: true, injection: false, verify: false, oauth2: false } },
      "api_base_url",
    ],
    [
      "oauth2 config next to user_supplied.oauth2",
      {
        ...VALID,
        auth_methods: ["api_key", "oauth2"],
        oauth2: OAUTH,
        user_supplied: { base_url: false, injection: false, verify: false, oauth2: true },
      },
      "oauth2",
    ],
    ["retries above 5", { ...VALID, retry: { max_retries: 6, backoff_ms: 100 } }, "retry.max_retries"],
    ["a multi-line description", { ...VALID, description: "One.\nTwo." }, "description"],
    ["auth_methods that is not an array", { ...VALID, auth_methods: "api_key" }, "auth_methods"],
    ["an empty object", {}, "id"],
  ];

  it.each(CASES)("%s", (_name, entry, path) => {
    const result = providerEntrySchema.safeParse(entry);
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join(".")) ?? [];
    expect(paths).toContain(path);
  });
});
