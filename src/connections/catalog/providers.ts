import { type ProviderEntry, type ProviderEntryInput, providerEntrySchema } from "./schema";

/**
 * The provider catalog (SPEC §6.4). Each entry cites the provider's API reference in `docs_url`; the
 * endpoints, headers and versions below are taken from those pages. Adding a provider is adding an
 * entry here: it is validated when this module loads and by `test/unit/connections/catalog.test.ts`.
 */

/** GitHub refuses API requests without a User-Agent, and Workers' fetch sends none by default. */
const USER_AGENT = "edge-integrations-api";

/**
 * Google's OAuth 2.0 for web server apps, shared by every Google product entry (one Google Cloud
 * OAuth client serves them all; only the scopes differ).
 * @see https://developers.google.com/identity/protocols/oauth2/web-server
 */
function googleOAuth(scopes: string[]): NonNullable<ProviderEntryInput["oauth2"]> {
  return {
    authorization_url: "https://accounts.google.com/o/oauth2/v2/auth",
    token_url: "https://oauth2.googleapis.com/token",
    revocation_url: "https://oauth2.googleapis.com/revoke",
    userinfo_url: "https://openidconnect.googleapis.com/v1/userinfo",
    // openid + email let the connection be labelled with its Google account (and let the userinfo
    // request prove a token where the product API has no "who am I" endpoint, e.g. Sheets).
    default_scopes: ["openid", "email", ...scopes],
    scope_separator: " ",
    pkce: true,
    token_auth_method: "client_secret_post",
    extra_authorize_params: {
      // Without offline access Google issues no refresh token; without prompt=consent it issues one
      // only on the very first consent, so a reconnect would leave the connection unable to refresh.
      access_type: "offline",
      prompt: "consent",
      include_granted_scopes: "true",
    },
    client_id_env: "GOOGLE_CLIENT_ID",
    client_secret_env: "GOOGLE_CLIENT_SECRET",
    refresh_tokens_rotate: false,
  };
}

const CATALOG: ProviderEntryInput[] = [
  /** @see https://platform.openai.com/docs/api-reference */
  {
    id: "openai",
    name: "OpenAI",
    category: "ai",
    description: "GPT models, embeddings, images and audio through the OpenAI API.",
    docs_url: "https://platform.openai.com/docs/api-reference",
    auth_methods: ["api_key"],
    api_base_url: "https://api.openai.com",
    api_key: { location: "header", name: "Authorization", prefix: "Bearer ", secret_name: "API key" },
    verify: { method: "GET", path: "/v1/models" },
    retry: { max_retries: 2, backoff_ms: 1000 },
  },
  /** @see https://docs.anthropic.com/en/api/overview */
  {
    id: "anthropic",
    name: "Anthropic",
    category: "ai",
    description: "Claude models through the Anthropic Messages API.",
    docs_url: "https://docs.anthropic.com/en/api/overview",
    auth_methods: ["api_key"],
    api_base_url: "https://api.anthropic.com",
    api_key: { location: "header", name: "x-api-key", secret_name: "API key" },
    // Every request must pin an API version; the API rejects requests without it.
    default_headers: { "anthropic-version": "2023-06-01" },
    verify: { method: "GET", path: "/v1/models" },
    rate_limit: { retry_after_header: "retry-after" },
    retry: { max_retries: 2, backoff_ms: 1000 },
  },
  /** @see https://ai.google.dev/api */
  {
    id: "google_ai",
    name: "Google AI (Gemini API)",
    category: "ai",
    description: "Gemini models through the Google AI Studio Gemini API.",
    docs_url: "https://ai.google.dev/api",
    auth_methods: ["api_key"],
    api_base_url: "https://generativelanguage.googleapis.com",
    // The API also takes `?key=`, but a header keeps the key out of URLs and therefore out of logs.
    api_key: { location: "header", name: "x-goog-api-key", secret_name: "API key" },
    verify: { method: "GET", path: "/v1beta/models" },
    retry: { max_retries: 2, backoff_ms: 1000 },
  },
  /** @see https://docs.cohere.com/reference/about */
  {
    id: "cohere",
    name: "Cohere",
    category: "ai",
    description: "Command, Embed and Rerank models through the Cohere API.",
    docs_url: "https://docs.cohere.com/reference/about",
    auth_methods: ["api_key"],
    api_base_url: "https://api.cohere.com",
    api_key: { location: "header", name: "Authorization", prefix: "Bearer ", secret_name: "API key" },
    verify: { method: "GET", path: "/v1/models" },
    retry: { max_retries: 2, backoff_ms: 1000 },
  },
  /**
   * OAuth app or personal access token (bearer).
   * @see https://docs.github.com/en/rest
   * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
   */
  {
    id: "github",
    name: "GitHub",
    category: "developer",
    description: "Repositories, issues, pull requests and users through the GitHub REST API.",
    docs_url: "https://docs.github.com/en/rest",
    auth_methods: ["oauth2", "bearer"],
    api_base_url: "https://api.github.com",
    default_headers: {
      Accept: "application/vnd.github+json",
      "X-GitHub-Api-Version": "2022-11-28",
      "User-Agent": USER_AGENT,
    },
    verify: { method: "GET", path: "/user" },
    oauth2: {
      authorization_url: "https://github.com/login/oauth/authorize",
      token_url: "https://github.com/login/oauth/access_token",
      // No revocation_url: GitHub revokes via `DELETE /applications/{client_id}/token` with the app's
      // basic auth and a JSON body, which is not RFC 7009.
      userinfo_url: "https://api.github.com/user",
      default_scopes: ["repo", "read:user"],
      scope_separator: " ",
      pkce: true,
      token_auth_method: "client_secret_post",
      client_id_env: "GITHUB_CLIENT_ID",
      client_secret_env: "GITHUB_CLIENT_SECRET",
      // OAuth apps get non-expiring tokens; GitHub Apps with expiring user tokens get single-use refresh tokens.
      refresh_tokens_rotate: true,
    },
    // 5,000 requests an hour for an authenticated user; secondary limits answer with Retry-After.
    rate_limit: { requests_per_minute: 83, retry_after_header: "retry-after" },
  },
  /**
   * OAuth v2 app install or a bot token (bearer).
   * @see https://api.slack.com/web
   * @see https://api.slack.com/authentication/oauth-v2
   */
  {
    id: "slack",
    name: "Slack",
    category: "communication",
    description: "Messages, channels and users through the Slack Web API.",
    docs_url: "https://api.slack.com/web",
    auth_methods: ["oauth2", "bearer"],
    api_base_url: "https://slack.com/api",
    // auth.test answers HTTP 200 with {"ok": false} for a bad token, so the status alone proves nothing.
    verify: { method: "POST", path: "/auth.test", success_json: { path: "ok", equals: true } },
    oauth2: {
      authorization_url: "https://slack.com/oauth/v2/authorize",
      token_url: "https://slack.com/api/oauth.v2.access",
      revocation_url: "https://slack.com/api/auth.revoke",
      default_scopes: ["chat:write", "channels:read"],
      scope_separator: ",",
      pkce: false,
      // Slack accepts both and recommends HTTP Basic for oauth.v2.access.
      token_auth_method: "client_secret_basic",
      client_id_env: "SLACK_CLIENT_ID",
      client_secret_env: "SLACK_CLIENT_SECRET",
      token_response_extras: ["team", "authed_user", "bot_user_id"],
    },
    // Limits are per method (tiers); a 429 always carries Retry-After.
    rate_limit: { retry_after_header: "retry-after" },
  },
  /** @see https://developers.google.com/gmail/api/reference/rest */
  {
    id: "google_gmail",
    name: "Gmail",
    category: "communication",
    description: "Mail, labels and threads of a Google account through the Gmail API.",
    docs_url: "https://developers.google.com/gmail/api/reference/rest",
    auth_methods: ["oauth2"],
    api_base_url: "https://gmail.googleapis.com",
    verify: { method: "GET", path: "/gmail/v1/users/me/profile" },
    oauth2: googleOAuth(["https://www.googleapis.com/auth/gmail.readonly"]),
  },
  /** @see https://developers.google.com/drive/api/reference/rest/v3 */
  {
    id: "google_drive",
    name: "Google Drive",
    category: "productivity",
    description: "Files and folders of a Google account through the Google Drive API.",
    docs_url: "https://developers.google.com/drive/api/reference/rest/v3",
    auth_methods: ["oauth2"],
    api_base_url: "https://www.googleapis.com",
    verify: { method: "GET", path: "/drive/v3/about?fields=user" },
    oauth2: googleOAuth(["https://www.googleapis.com/auth/drive.readonly"]),
  },
  /** @see https://developers.google.com/calendar/api/v3/reference */
  {
    id: "google_calendar",
    name: "Google Calendar",
    category: "productivity",
    description: "Calendars and events of a Google account through the Google Calendar API.",
    docs_url: "https://developers.google.com/calendar/api/v3/reference",
    auth_methods: ["oauth2"],
    api_base_url: "https://www.googleapis.com",
    verify: { method: "GET", path: "/calendar/v3/users/me/calendarList?maxResults=1" },
    oauth2: googleOAuth(["https://www.googleapis.com/auth/calendar.readonly"]),
  },
  /**
   * No `verify`: the Sheets API has no account-level endpoint (every call names a spreadsheet id), and
   * the spreadsheets scope grants nothing on Drive or other hosts. A Sheets connection is proven by
   * its OAuth token exchange/refresh and the `userinfo_url` request (openid + email scopes) instead,
   * so a plain GET of the base URL must not be used as its verification.
   * @see https://developers.google.com/sheets/api/reference/rest
   */
  {
    id: "google_sheets",
    name: "Google Sheets",
    category: "productivity",
    description: "Spreadsheets of a Google account through the Google Sheets API.",
    docs_url: "https://developers.google.com/sheets/api/reference/rest",
    auth_methods: ["oauth2"],
    api_base_url: "https://sheets.googleapis.com",
    oauth2: googleOAuth(["https://www.googleapis.com/auth/spreadsheets.readonly"]),
  },
  /**
   * Public OAuth integration or an internal integration secret (bearer).
   * @see https://developers.notion.com/reference/intro
   * @see https://developers.notion.com/docs/authorization
   */
  {
    id: "notion",
    name: "Notion",
    category: "productivity",
    description: "Pages, databases and blocks of a Notion workspace through the Notion API.",
    docs_url: "https://developers.notion.com/reference/intro",
    auth_methods: ["oauth2", "bearer"],
    api_base_url: "https://api.notion.com",
    // Every request must pin an API version.
    default_headers: { "Notion-Version": "2022-06-28" },
    verify: { method: "GET", path: "/v1/users/me" },
    oauth2: {
      authorization_url: "https://api.notion.com/v1/oauth/authorize",
      token_url: "https://api.notion.com/v1/oauth/token",
      // Notion has no OAuth scopes: an integration's capabilities are set in its Notion settings.
      default_scopes: [],
      scope_separator: " ",
      pkce: false,
      token_auth_method: "client_secret_basic",
      extra_authorize_params: { owner: "user" },
      client_id_env: "NOTION_CLIENT_ID",
      client_secret_env: "NOTION_CLIENT_SECRET",
      token_response_extras: ["workspace_id", "workspace_name", "bot_id"],
    },
    // An average of three requests per second per integration; 429s carry Retry-After.
    rate_limit: { requests_per_minute: 180, retry_after_header: "retry-after" },
  },
  /** @see https://docs.stripe.com/api */
  {
    id: "stripe",
    name: "Stripe",
    category: "payments",
    description: "Payments, customers and subscriptions through the Stripe API.",
    docs_url: "https://docs.stripe.com/api",
    auth_methods: ["api_key"],
    api_base_url: "https://api.stripe.com",
    api_key: { location: "header", name: "Authorization", prefix: "Bearer ", secret_name: "Secret key" },
    verify: { method: "GET", path: "/v1/balance" },
    // The proxy must not replay a payment: a retried POST without the caller's Idempotency-Key could charge twice.
    retry: { max_retries: 0, backoff_ms: 0 },
  },
  /**
   * Basic auth with the Account SID as username and the Auth Token as password. (With an API key
   * SID as username the verification path would name the key, not the account, and fail.)
   * @see https://www.twilio.com/docs/usage/api
   */
  {
    id: "twilio",
    name: "Twilio",
    category: "communication",
    description: "SMS, voice and messaging through the Twilio REST API.",
    docs_url: "https://www.twilio.com/docs/usage/api",
    auth_methods: ["basic"],
    api_base_url: "https://api.twilio.com",
    verify: { method: "GET", path: "/2010-04-01/Accounts/{username}.json" },
    // A retried POST to Messages sends the SMS again.
    retry: { max_retries: 0, backoff_ms: 0 },
  },
  /**
   * Any HTTP API: the user supplies base URL, key injection and verification request. The api_key
   * config is only the default injection (SPEC §6.3).
   * @see https://www.rfc-editor.org/rfc/rfc9110#section-11
   */
  {
    id: "custom_api",
    name: "Custom API",
    category: "generic",
    description: "Any HTTP API authenticated with an API key, a bearer token or basic auth.",
    docs_url: "https://www.rfc-editor.org/rfc/rfc9110#section-11",
    auth_methods: ["api_key", "bearer", "basic"],
    api_key: { location: "header", name: "Authorization", prefix: "Bearer " },
    user_supplied: { base_url: true, injection: true, verify: true, oauth2: false },
  },
  /**
   * Any OAuth 2.0 provider: the user supplies endpoints, client and scopes (authorization code or
   * client credentials), the base URL and the verification request.
   * @see https://www.rfc-editor.org/rfc/rfc6749
   */
  {
    id: "custom_oauth2",
    name: "Custom OAuth 2.0",
    category: "generic",
    description: "Any HTTP API behind an OAuth 2.0 authorization server.",
    docs_url: "https://www.rfc-editor.org/rfc/rfc6749",
    auth_methods: ["oauth2", "oauth2_client_credentials"],
    user_supplied: { base_url: true, injection: false, verify: true, oauth2: true },
  },
];

/** Shared by every request; frozen so no caller can change the catalog for the others. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function loadCatalog(entries: ProviderEntryInput[]): readonly ProviderEntry[] {
  const parsed = providerEntrySchema.array().parse(entries);
  const seen = new Set<string>();
  for (const entry of parsed) {
    if (seen.has(entry.id)) throw new Error(`provider catalog: duplicate id "${entry.id}"`);
    seen.add(entry.id);
  }
  return deepFreeze(parsed);
}

/**
 * Every provider of the catalog, validated when this module loads (a bad entry fails the Worker's
 * startup and the catalog test, never a user's request). Served as JSON by `GET /api/providers`.
 */
export const PROVIDERS: readonly ProviderEntry[] = loadCatalog(CATALOG);

const BY_ID: ReadonlyMap<string, ProviderEntry> = new Map(PROVIDERS.map((entry) => [entry.id, entry]));

/** The catalog entry of a provider id, or `undefined` for an unknown id. */
export function findProvider(id: string): ProviderEntry | undefined {
  return BY_ID.get(id);
}
