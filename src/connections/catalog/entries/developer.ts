import { USER_AGENT } from "../oauth-apps";
import type { ProviderEntryInput } from "../schema";

/** Code hosting, design and deployment platforms. Each entry cites the provider's API reference. */
export const DEVELOPER_PROVIDERS: ProviderEntryInput[] = [
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
    logo: { monogram: "GH", color: "#24292f" },
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
   * OAuth application on gitlab.com, or a personal access token sent as a bearer token.
   * @see https://docs.gitlab.com/api/rest/
   * @see https://docs.gitlab.com/api/oauth2/
   */
  {
    id: "gitlab",
    name: "GitLab",
    category: "developer",
    description: "Projects, merge requests, issues and pipelines through the GitLab REST API.",
    docs_url: "https://docs.gitlab.com/api/rest/",
    logo: { monogram: "GL", color: "#fc6d26" },
    auth_methods: ["oauth2", "bearer"],
    api_base_url: "https://gitlab.com/api/v4",
    verify: { method: "GET", path: "/user" },
    oauth2: {
      authorization_url: "https://gitlab.com/oauth/authorize",
      token_url: "https://gitlab.com/oauth/token",
      revocation_url: "https://gitlab.com/oauth/revoke",
      userinfo_url: "https://gitlab.com/oauth/userinfo",
      default_scopes: ["read_user", "read_api"],
      scope_separator: " ",
      pkce: true,
      token_auth_method: "client_secret_post",
      client_id_env: "GITLAB_CLIENT_ID",
      client_secret_env: "GITLAB_CLIENT_SECRET",
      // Access tokens last two hours; each refresh returns a new refresh token and revokes the old one.
      refresh_tokens_rotate: true,
    },
    rate_limit: { retry_after_header: "retry-after" },
  },
  /**
   * OAuth consumer, or an app password / API token with basic auth (username and the password).
   * @see https://developer.atlassian.com/cloud/bitbucket/rest/intro/
   */
  {
    id: "bitbucket",
    name: "Bitbucket",
    category: "developer",
    description: "Repositories, pull requests and pipelines through the Bitbucket Cloud REST API.",
    docs_url: "https://developer.atlassian.com/cloud/bitbucket/rest/intro/",
    logo: { monogram: "Bb", color: "#0052cc" },
    auth_methods: ["oauth2", "basic"],
    api_base_url: "https://api.bitbucket.org/2.0",
    verify: { method: "GET", path: "/user" },
    oauth2: {
      authorization_url: "https://bitbucket.org/site/oauth2/authorize",
      token_url: "https://bitbucket.org/site/oauth2/access_token",
      // Scopes are fixed on the OAuth consumer; the authorization request carries none.
      default_scopes: [],
      scope_separator: " ",
      pkce: false,
      token_auth_method: "client_secret_basic",
      client_id_env: "BITBUCKET_CLIENT_ID",
      client_secret_env: "BITBUCKET_CLIENT_SECRET",
    },
  },
  /**
   * OAuth app, or a personal access token in `X-Figma-Token`.
   * @see https://developers.figma.com/docs/rest-api/authentication
   * @see https://developers.figma.com/docs/rest-api/scopes/
   */
  {
    id: "figma",
    name: "Figma",
    category: "developer",
    description: "Files, comments, components and variables through the Figma REST API.",
    docs_url: "https://developers.figma.com/docs/rest-api/authentication",
    logo: { monogram: "F", color: "#a259ff" },
    auth_methods: ["oauth2", "api_key"],
    api_base_url: "https://api.figma.com",
    api_key: { location: "header", name: "X-Figma-Token", secret_name: "Personal access token" },
    verify: { method: "GET", path: "/v1/me" },
    oauth2: {
      authorization_url: "https://www.figma.com/oauth",
      token_url: "https://api.figma.com/v1/oauth/token",
      // Granular scopes; `files:read` is deprecated.
      default_scopes: ["current_user:read", "file_content:read"],
      scope_separator: " ",
      pkce: false,
      token_auth_method: "client_secret_basic",
      client_id_env: "FIGMA_CLIENT_ID",
      client_secret_env: "FIGMA_CLIENT_SECRET",
    },
    rate_limit: { retry_after_header: "retry-after" },
  },
  /**
   * Auth tokens (user or organization) as bearer tokens, or an OAuth public integration.
   * @see https://docs.sentry.io/api/auth/
   */
  {
    id: "sentry",
    name: "Sentry",
    category: "devops",
    description: "Issues, events, projects and releases through the Sentry Web API.",
    docs_url: "https://docs.sentry.io/api/auth/",
    logo: { monogram: "S", color: "#362d59" },
    auth_methods: ["bearer", "oauth2"],
    api_base_url: "https://sentry.io/api/0",
    // The API root answers with the authenticated user (or an error) for any valid token.
    verify: { method: "GET", path: "/" },
    oauth2: {
      authorization_url: "https://sentry.io/oauth/authorize/",
      token_url: "https://sentry.io/oauth/token/",
      default_scopes: ["org:read", "project:read", "event:read"],
      scope_separator: " ",
      pkce: true,
      token_auth_method: "client_secret_post",
      client_id_env: "SENTRY_CLIENT_ID",
      client_secret_env: "SENTRY_CLIENT_SECRET",
    },
    rate_limit: { retry_after_header: "retry-after" },
  },
  /**
   * Access tokens created in the account settings, sent as bearer tokens.
   * @see https://vercel.com/docs/rest-api
   */
  {
    id: "vercel",
    name: "Vercel",
    category: "devops",
    description: "Projects, deployments, domains and environment variables through the Vercel REST API.",
    docs_url: "https://vercel.com/docs/rest-api",
    logo: { monogram: "V", color: "#000000" },
    auth_methods: ["bearer"],
    api_base_url: "https://api.vercel.com",
    verify: { method: "GET", path: "/v2/user" },
  },
  /**
   * API tokens (not the legacy global API key) as bearer tokens.
   * @see https://developers.cloudflare.com/fundamentals/api/get-started/create-token/
   */
  {
    id: "cloudflare",
    name: "Cloudflare",
    category: "devops",
    description: "Zones, DNS, Workers and accounts through the Cloudflare API.",
    docs_url: "https://developers.cloudflare.com/api/",
    logo: { monogram: "CF", color: "#f38020" },
    auth_methods: ["bearer"],
    api_base_url: "https://api.cloudflare.com/client/v4",
    // Verifies the token itself, whatever permissions it was granted.
    verify: { method: "GET", path: "/user/tokens/verify" },
    rate_limit: { requests_per_minute: 1200, retry_after_header: "retry-after" },
  },
  /**
   * REST API keys use the `Token token=` scheme, not Bearer.
   * @see https://developer.pagerduty.com/docs/authentication
   */
  {
    id: "pagerduty",
    name: "PagerDuty",
    category: "devops",
    description: "Incidents, services, schedules and on-calls through the PagerDuty REST API.",
    docs_url: "https://developer.pagerduty.com/docs/authentication",
    logo: { monogram: "PD", color: "#06ac38" },
    auth_methods: ["api_key"],
    api_base_url: "https://api.pagerduty.com",
    api_key: { location: "header", name: "Authorization", prefix: "Token token=", secret_name: "REST API key" },
    default_headers: { Accept: "application/vnd.pagerduty+json;version=2" },
    // Lists the account's abilities; answers for any valid key (user or general access).
    verify: { method: "GET", path: "/abilities" },
    rate_limit: { retry_after_header: "retry-after" },
  },
];
