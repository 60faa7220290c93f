import { atlassianOAuth } from "../oauth-apps";
import type { ProviderEntryInput } from "../schema";

/** Issue trackers and work management. Each entry cites the provider's API reference. */
export const PROJECT_MANAGEMENT_PROVIDERS: ProviderEntryInput[] = [
  /**
   * Atlassian Cloud sites are addressed as `/ex/jira/{cloudId}/rest/api/3/…` under api.atlassian.com;
   * the verification lists the sites the token may reach (and so yields the cloud ids).
   * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
   * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/
   */
  {
    id: "jira",
    name: "Jira",
    category: "project_management",
    description: "Issues, projects and workflows of Jira Cloud through the Jira REST API.",
    docs_url: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/",
    logo: { monogram: "J", color: "#0052cc" },
    auth_methods: ["oauth2"],
    api_base_url: "https://api.atlassian.com",
    verify: { method: "GET", path: "/oauth/token/accessible-resources" },
    oauth2: atlassianOAuth(["read:jira-work", "read:jira-user", "write:jira-work"]),
    rate_limit: { retry_after_header: "retry-after" },
  },
  /**
   * OAuth app, or a personal API key sent as the bare `Authorization` value (no scheme).
   * @see https://linear.app/developers/oauth-2-0-authentication
   * @see https://linear.app/developers/graphql
   */
  {
    id: "linear",
    name: "Linear",
    category: "project_management",
    description: "Issues, projects, cycles and teams through the Linear GraphQL API.",
    docs_url: "https://linear.app/developers/graphql",
    logo: { monogram: "L", color: "#5e6ad2" },
    auth_methods: ["oauth2", "api_key"],
    api_base_url: "https://api.linear.app",
    api_key: { location: "header", name: "Authorization", secret_name: "Personal API key" },
    verify: { method: "POST", path: "/graphql", body: { query: "{ viewer { id } }" } },
    oauth2: {
      authorization_url: "https://linear.app/oauth/authorize",
      token_url: "https://api.linear.app/oauth/token",
      revocation_url: "https://api.linear.app/oauth/revoke",
      default_scopes: ["read", "write"],
      // Linear documents scopes as a comma-separated list.
      scope_separator: ",",
      pkce: true,
      token_auth_method: "client_secret_post",
      client_id_env: "LINEAR_CLIENT_ID",
      client_secret_env: "LINEAR_CLIENT_SECRET",
    },
    rate_limit: { retry_after_header: "retry-after" },
  },
  /**
   * OAuth app or a personal access token (bearer).
   * @see https://developers.asana.com/docs/oauth
   * @see https://developers.asana.com/reference/rest-api-reference
   */
  {
    id: "asana",
    name: "Asana",
    category: "project_management",
    description: "Tasks, projects and workspaces through the Asana REST API.",
    docs_url: "https://developers.asana.com/reference/rest-api-reference",
    logo: { monogram: "As", color: "#f06a6a" },
    auth_methods: ["oauth2", "bearer"],
    api_base_url: "https://app.asana.com/api/1.0",
    verify: { method: "GET", path: "/users/me" },
    oauth2: {
      authorization_url: "https://app.asana.com/-/oauth_authorize",
      token_url: "https://app.asana.com/-/oauth_token",
      revocation_url: "https://app.asana.com/-/oauth_revoke",
      // Full-permission apps request no scope; granular scopes are chosen on the app.
      default_scopes: [],
      scope_separator: " ",
      pkce: true,
      token_auth_method: "client_secret_post",
      client_id_env: "ASANA_CLIENT_ID",
      client_secret_env: "ASANA_CLIENT_SECRET",
    },
    rate_limit: { requests_per_minute: 150, retry_after_header: "retry-after" },
  },
  /**
   * Trello authorizes with two values, both in the query: the app's API key (`key`, public — it is
   * embedded in client-side Power-Ups) and the member's token (`token`, the secret). The proxy injects
   * the token; callers add `key=<your API key>` themselves. The app key is kept in `api_secret` so the
   * verification request can name it.
   * @see https://developer.atlassian.com/cloud/trello/guides/rest-api/authorization/
   */
  {
    id: "trello",
    name: "Trello",
    category: "project_management",
    description: "Boards, lists and cards through the Trello REST API.",
    docs_url: "https://developer.atlassian.com/cloud/trello/guides/rest-api/authorization/",
    logo: { monogram: "Tr", color: "#0079bf" },
    auth_methods: ["api_key"],
    api_base_url: "https://api.trello.com",
    api_key: { location: "query", name: "token", secret_name: "Token" },
    verify: { method: "GET", path: "/1/members/me?key={api_secret}" },
    rate_limit: { requests_per_minute: 1000, retry_after_header: "retry-after" },
  },
  /**
   * OAuth app or a personal API token (sent as the bare `Authorization` value). GraphQL only.
   * @see https://developer.monday.com/apps/docs/oauth
   * @see https://developer.monday.com/api-reference/docs/authentication
   */
  {
    id: "monday",
    name: "monday.com",
    category: "project_management",
    description: "Boards, items and updates through the monday.com GraphQL API.",
    docs_url: "https://developer.monday.com/api-reference/docs/authentication",
    logo: { monogram: "m", color: "#ff3d57" },
    auth_methods: ["oauth2", "api_key"],
    api_base_url: "https://api.monday.com",
    api_key: { location: "header", name: "Authorization", secret_name: "API token" },
    verify: { method: "POST", path: "/v2", body: { query: "{ me { id } }" } },
    oauth2: {
      authorization_url: "https://auth.monday.com/oauth2/authorize",
      token_url: "https://auth.monday.com/oauth2/token",
      default_scopes: ["me:read", "boards:read"],
      scope_separator: " ",
      pkce: false,
      token_auth_method: "client_secret_post",
      client_id_env: "MONDAY_CLIENT_ID",
      client_secret_env: "MONDAY_CLIENT_SECRET",
    },
    rate_limit: { retry_after_header: "retry-after" },
  },
  /**
   * OAuth app (no scopes: the user picks Workspaces) or a personal token (`pk_…`, sent as the bare
   * `Authorization` value).
   * @see https://developer.clickup.com/docs/authentication
   */
  {
    id: "clickup",
    name: "ClickUp",
    category: "project_management",
    description: "Tasks, lists, spaces and workspaces through the ClickUp API v2.",
    docs_url: "https://developer.clickup.com/docs/authentication",
    logo: { monogram: "CU", color: "#7b68ee" },
    auth_methods: ["oauth2", "api_key"],
    api_base_url: "https://api.clickup.com/api/v2",
    api_key: { location: "header", name: "Authorization", secret_name: "Personal API token" },
    verify: { method: "GET", path: "/user" },
    oauth2: {
      authorization_url: "https://app.clickup.com/api",
      token_url: "https://api.clickup.com/api/v2/oauth/token",
      default_scopes: [],
      scope_separator: " ",
      pkce: false,
      token_auth_method: "client_secret_post",
      client_id_env: "CLICKUP_CLIENT_ID",
      client_secret_env: "CLICKUP_CLIENT_SECRET",
    },
    rate_limit: { requests_per_minute: 100, retry_after_header: "retry-after" },
  },
];
