import * as z from "zod";
import { CREDENTIAL_HEADERS } from "../../outbound/headers";

/**
 * The shape of a provider catalog entry (SPEC §6.4). Providers are data, not code: everything the
 * vault needs to connect to, call and verify a provider is declared here and validated at module load,
 * so adding a provider is one entry in `providers.ts` and a wrong entry fails the catalog test instead
 * of a user's connection. Keys are snake_case because the catalog is served as-is by `GET /api/providers`.
 */

/** Every connection method of the vault: the `connections` table is the single source. */
import { CONNECTION_METHODS, type ConnectionMethodColumn } from "../../db/schema";

export { CONNECTION_METHODS };
export type ConnectionMethod = ConnectionMethodColumn;

/**
 * The methods a catalog entry can offer: `mcp` and `paragon` connections are not made against a
 * provider's HTTP API (an MCP server URL / a Paragon-managed credential), so no entry describes them.
 */
export const CATALOG_AUTH_METHODS = [
  "api_key",
  "bearer",
  "basic",
  "oauth2",
  "oauth2_client_credentials",
] as const satisfies readonly ConnectionMethod[];
export type CatalogAuthMethod = (typeof CATALOG_AUTH_METHODS)[number];

/** Gallery groups, in the order the web app shows them. */
export const PROVIDER_CATEGORIES = [
  "ai",
  "developer",
  "devops",
  "communication",
  "productivity",
  "project_management",
  "files",
  "crm",
  "support",
  "marketing",
  "payments",
  "accounting",
  "social",
  "identity",
  "generic",
] as const;
export type ProviderCategory = (typeof PROVIDER_CATEGORIES)[number];

const OAUTH_METHODS: readonly CatalogAuthMethod[] = ["oauth2", "oauth2_client_credentials"];

/**
 * The connection `data` fields (SPEC §6.3) a `{field}` placeholder of `verify.path` may name, per
 * method. OAuth connections hold app configuration rather than account identity, so they offer none.
 */
export const DATA_FIELDS_BY_METHOD = {
  api_key: ["api_key", "api_secret"],
  bearer: ["token"],
  basic: ["username", "password"],
  oauth2: [],
  oauth2_client_credentials: [],
} as const satisfies Record<CatalogAuthMethod, readonly string[]>;

/**
 * Header names that carry credentials. Credentials are injected per connection (SPEC §6.6); a catalog
 * header by one of these names would either leak a shared value to every user or fight the injection.
 */
const CREDENTIAL_HEADER_NAMES: ReadonlySet<string> = new Set([...CREDENTIAL_HEADERS, "x-goog-api-key"]);

/**
 * Parameters the OAuth flow sets itself (RFC 6749 §4.1, RFC 7636); an entry's extras must not override
 * them, or a catalog typo could redirect codes or disable PKCE.
 */
const RESERVED_AUTHORIZE_PARAMS: ReadonlySet<string> = new Set([
  "response_type",
  "client_id",
  "redirect_uri",
  "scope",
  "state",
  "code_challenge",
  "code_challenge_method",
]);
const RESERVED_TOKEN_PARAMS: ReadonlySet<string> = new Set([
  "grant_type",
  "code",
  "redirect_uri",
  "client_id",
  "client_secret",
  "code_verifier",
  "refresh_token",
  "scope",
]);

const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * The `{field}` placeholders of a verification path, in order of first appearance, without duplicates.
 * Anything between braces counts, so a malformed name (`{Password}`, `{}`) is reported rather than
 * silently left in the URL.
 */
export function placeholdersOf(path: string): string[] {
  const names: string[] = [];
  for (const match of path.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

const ID = /^[a-z][a-z0-9_]*$/;
const ENV_VAR = /^[A-Z][A-Z0-9_]*$/;
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/; // RFC 9110 §5.6.2 field-name token
// RFC 6749 §3.3 scope-token (NQCHAR) minus ",", which is a separator for some providers (Slack).
const SCOPE_TOKEN = /^[\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+$/;
const DOT_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * An absolute https URL with a DNS host and no userinfo. Checked on the raw string (not a trimmed or
 * normalized one) so what is validated is exactly what is served and fetched. Endpoints take no
 * fragment (it is never sent, so one there is a mistake); documentation links may point into a page.
 */
function httpsUrl(fragment: "allowed" | "forbidden" = "forbidden") {
  return z
    .string()
    .max(2048)
    .refine((value) => isCleanHttpsUrl(value, fragment === "allowed"), {
      error: `must be an https URL with a host name and no credentials${fragment === "allowed" ? "" : " or fragment"}`,
    });
}

function isCleanHttpsUrl(value: string, fragmentAllowed: boolean): boolean {
  if (!value.startsWith("https://") || /\s/.test(value)) return false;
  const url = URL.parse(value);
  if (url?.protocol !== "https:" || url.username || url.password) return false;
  if (!fragmentAllowed && value.includes("#")) return false;
  return z.regexes.domain.test(url.hostname);
}

const headerName = z.string().min(1).max(128).regex(HTTP_TOKEN, { error: "must be a valid HTTP header name" });
const headerMap = z.record(headerName, z.string().min(1).max(1024));
const paramMap = z.record(z.string().min(1).max(128), z.string().max(1024));
const envVarName = z
  .string()
  .min(1)
  .max(128)
  .regex(ENV_VAR, { error: "must be an environment variable name (SCREAMING_SNAKE)" });

/** Where and how an API key is injected into every request (SPEC §6.6). */
const apiKeySchema = z.strictObject({
  location: z.enum(["header", "query"]),
  /** Header or query parameter name. */
  name: z.string().min(1).max(128),
  /** Text before the key, e.g. `Bearer ` (note the space). */
  prefix: z.string().min(1).max(32).optional(),
  /** What the provider calls the credential ("Secret key", "API key"), for the connect form. */
  secret_name: z.string().min(1).max(64).optional(),
});

/**
 * The "test connection" request. The path is relative to `api_base_url`; `{field}` placeholders are
 * filled from the connection's data (see `DATA_FIELDS_BY_METHOD`).
 */
const verifySchema = z.strictObject({
  method: z.enum(["GET", "POST"]),
  // Not "//…" (a protocol-relative URL would leave the provider's host when resolved against the base),
  // no backslashes (some URL parsers treat them as "/"), no fragment.
  path: z
    .string()
    .min(1)
    .max(512)
    .regex(/^\/(?!\/)[^\s\\#]*$/, {
      error: "must start with a single '/' and contain no spaces, backslashes or fragment",
    }),
  headers: headerMap.optional(),
  body: z.json().optional(),
  // A fresh array per entry: a shared default would be one mutable object behind every entry.
  success_statuses: z
    .array(z.int().min(100).max(599))
    .min(1)
    .default(() => [200]),
  /** For APIs that report auth failures in a 200 body, e.g. Slack's `{"ok": false}`. */
  success_json: z
    .strictObject({
      path: z.string().regex(DOT_PATH, { error: "must be a dot path such as 'ok' or 'data.user.id'" }),
      equals: z.union([z.string(), z.number(), z.boolean()]),
    })
    .optional(),
});

/** The app-level OAuth configuration; per-user tokens live in the connection, never here. */
const oauth2Schema = z.strictObject({
  authorization_url: httpsUrl(),
  token_url: httpsUrl(),
  /** RFC 7009 revocation endpoint; omitted where the provider has no standard one (GitHub). */
  revocation_url: httpsUrl().optional(),
  userinfo_url: httpsUrl().optional(),
  default_scopes: z.array(z.string().max(256).regex(SCOPE_TOKEN, { error: "must be a single scope token" })),
  scope_separator: z.enum([" ", ","]),
  pkce: z.boolean(),
  token_auth_method: z.enum(["client_secret_basic", "client_secret_post"]),
  extra_authorize_params: paramMap.optional(),
  extra_token_params: paramMap.optional(),
  /** Worker environment variables holding this app's client credentials (never the values). */
  client_id_env: envVarName,
  client_secret_env: envVarName,
  /** Token-response fields worth keeping with the tokens (workspace ids, bot ids, …). */
  token_response_extras: z.array(z.string().min(1).max(64)).optional(),
  /** The provider issues a new refresh token on each refresh and invalidates the old one. */
  refresh_tokens_rotate: z.boolean().optional(),
});

const userSuppliedSchema = z.strictObject({
  base_url: z.boolean(),
  injection: z.boolean(),
  verify: z.boolean(),
  oauth2: z.boolean(),
});

/**
 * One provider of the catalog. Cross-field rules (in `superRefine`):
 * - `api_key` config is present iff `auth_methods` includes `api_key`;
 * - `oauth2` config is present iff an OAuth method is offered, unless the user supplies it
 *   (`user_supplied.oauth2`, then it must be absent);
 * - `api_base_url` / `verify` are absent exactly when the user supplies them;
 * - `verify.path` placeholders must be data fields of every offered method (the one request must
 *   work for a connection of any of them);
 * - no credential header in `default_headers` or `verify.headers`; no body on a GET.
 */
export const providerEntrySchema = z
  .strictObject({
    id: z.string().min(1).max(64).regex(ID, { error: "must be snake_case ([a-z][a-z0-9_]*)" }),
    name: z.string().min(1).max(64),
    category: z.enum(PROVIDER_CATEGORIES),
    /** One sentence. */
    description: z
      .string()
      .min(1)
      .max(240)
      .regex(/^[^\n]+\.$/, { error: "must be one sentence on one line, ending with '.'" }),
    docs_url: httpsUrl("allowed"),
    icon_url: httpsUrl().optional(),
    /**
     * The gallery's logo: a monogram on the brand colour, rendered as `web/public/logos/<id>.svg` at
     * build time (web/vite.config.ts), so no third-party image is fetched and no trademark file is copied.
     */
    logo: z.strictObject({
      monogram: z.string().regex(/^[A-Za-z0-9+.]{1,3}$/, { error: "must be 1 to 3 letters or digits" }),
      color: z.string().regex(/^#[0-9a-f]{6}$/, { error: "must be a lower-case #rrggbb colour" }),
    }),
    auth_methods: z.array(z.enum(CATALOG_AUTH_METHODS)).min(1),
    api_base_url: httpsUrl()
      .refine((value) => !value.endsWith("/"), { error: "must not end with '/'" })
      .optional(),
    api_key: apiKeySchema.optional(),
    default_headers: headerMap.optional(),
    verify: verifySchema.optional(),
    oauth2: oauth2Schema.optional(),
    rate_limit: z
      .strictObject({
        requests_per_minute: z.int().positive().optional(),
        retry_after_header: headerName.optional(),
      })
      .optional(),
    retry: z
      .strictObject({
        max_retries: z.int().min(0).max(5),
        backoff_ms: z.int().min(0).max(60_000),
      })
      .optional(),
    user_supplied: userSuppliedSchema.optional(),
    /** Name of provider-specific code, referenced by name, for what truly cannot be data. */
    special_handling: z.string().min(1).max(64).regex(ID, { error: "must be snake_case" }).optional(),
  })
  .superRefine((entry, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const methods = entry.auth_methods;
    const offers = (method: CatalogAuthMethod) => methods.includes(method);
    const supplied = entry.user_supplied;

    methods.forEach((method, index) => {
      if (methods.indexOf(method) !== index) issue(["auth_methods", index], `duplicate auth method "${method}"`);
    });

    if (offers("api_key") && !entry.api_key) issue(["api_key"], 'is required when auth_methods includes "api_key"');
    if (!offers("api_key") && entry.api_key) issue(["api_key"], 'is only allowed when auth_methods includes "api_key"');
    if (entry.api_key) {
      const { location, name } = entry.api_key;
      const valid = location === "header" ? HTTP_TOKEN.test(name) : /^[A-Za-z0-9._~-]+$/.test(name);
      if (!valid) issue(["api_key", "name"], `must be a valid ${location} name`);
    }

    const offersOAuth = methods.some((method) => OAUTH_METHODS.includes(method));
    if (supplied?.oauth2) {
      if (!offersOAuth) issue(["user_supplied", "oauth2"], "requires an OAuth auth method");
      if (entry.oauth2) issue(["oauth2"], "must be absent when the user supplies the OAuth configuration");
    } else {
      if (offersOAuth && !entry.oauth2) issue(["oauth2"], "is required when auth_methods includes an OAuth method");
      if (!offersOAuth && entry.oauth2) issue(["oauth2"], "is only allowed with an OAuth auth method");
    }
    if (entry.oauth2) {
      const { scope_separator: separator, default_scopes: scopes } = entry.oauth2;
      scopes.forEach((scope, index) => {
        if (scope.includes(separator))
          issue(["oauth2", "default_scopes", index], "must not contain the scope separator");
        if (scopes.indexOf(scope) !== index) issue(["oauth2", "default_scopes", index], `duplicate scope "${scope}"`);
      });
      for (const key of Object.keys(entry.oauth2.extra_authorize_params ?? {})) {
        if (RESERVED_AUTHORIZE_PARAMS.has(key))
          issue(["oauth2", "extra_authorize_params", key], "is set by the OAuth flow itself");
      }
      for (const key of Object.keys(entry.oauth2.extra_token_params ?? {})) {
        if (RESERVED_TOKEN_PARAMS.has(key))
          issue(["oauth2", "extra_token_params", key], "is set by the OAuth flow itself");
      }
    }

    if (supplied?.injection && !offers("api_key"))
      issue(["user_supplied", "injection"], 'requires the "api_key" auth method');
    if (supplied?.base_url && entry.api_base_url)
      issue(["api_base_url"], "must be absent when the user supplies the base URL");
    if (!supplied?.base_url && !entry.api_base_url)
      issue(["api_base_url"], "is required unless the user supplies the base URL");
    if (supplied?.verify && entry.verify)
      issue(["verify"], "must be absent when the user supplies the verification request");

    // The injected key header is per connection; a catalog default by the same name would collide with it.
    const injectedHeader = entry.api_key?.location === "header" ? entry.api_key.name.toLowerCase() : undefined;
    const checkHeaders = (headers: Record<string, string> | undefined, path: PropertyKey[]) => {
      for (const name of Object.keys(headers ?? {})) {
        const lower = name.toLowerCase();
        if (CREDENTIAL_HEADER_NAMES.has(lower) || lower === injectedHeader) {
          issue([...path, name], "must not be a credential header: credentials are injected per connection");
        }
      }
    };
    checkHeaders(entry.default_headers, ["default_headers"]);

    if (entry.verify) {
      const { path, method, body } = entry.verify;
      checkHeaders(entry.verify.headers, ["verify", "headers"]);
      if (method === "GET" && body !== undefined) issue(["verify", "body"], "is not allowed on a GET request");
      if (path.replace(PLACEHOLDER, "").match(/[{}]/)) issue(["verify", "path"], "has an unbalanced '{' or '}'");
      const [first, ...rest] = methods.map((method): readonly string[] => DATA_FIELDS_BY_METHOD[method]);
      const available = rest.reduce((common, fields) => common.filter((field) => fields.includes(field)), first ?? []);
      for (const placeholder of placeholdersOf(path)) {
        if (!available.includes(placeholder)) {
          issue(
            ["verify", "path"],
            `placeholder {${placeholder}} is not a data field of every auth method (${methods.join(", ")}); available: ${available.join(", ") || "none"}`,
          );
        }
      }
    }
  });

/** A validated catalog entry (defaults applied, e.g. `verify.success_statuses`). */
export type ProviderEntry = z.output<typeof providerEntrySchema>;
/** A catalog entry as written in `providers.ts`, before defaults. */
export type ProviderEntryInput = z.input<typeof providerEntrySchema>;
export type ProviderApiKey = NonNullable<ProviderEntry["api_key"]>;
export type ProviderVerify = NonNullable<ProviderEntry["verify"]>;
export type ProviderOAuth2 = NonNullable<ProviderEntry["oauth2"]>;
export type ProviderUserSupplied = NonNullable<ProviderEntry["user_supplied"]>;
