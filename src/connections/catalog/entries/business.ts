import type { ProviderEntryInput } from "../schema";

/**
 * CRM, customer support and marketing. Several of these APIs live on a per-account host (a Zendesk
 * subdomain, a Mailchimp data centre, a Salesforce instance): their entries let the user supply the
 * base URL and say where to find it. Each entry cites the provider's API reference.
 */
export const BUSINESS_PROVIDERS: ProviderEntryInput[] = [
  /**
   * Public app (OAuth) or a private app's access token (bearer).
   * @see https://developers.hubspot.com/docs/api/oauth-quickstart-guide
   * @see https://developers.hubspot.com/docs/api/private-apps
   */
  {
    id: "hubspot",
    name: "HubSpot",
    category: "crm",
    description: "Contacts, companies, deals and tickets through the HubSpot CRM API.",
    docs_url: "https://developers.hubspot.com/docs/api/overview",
    logo: { monogram: "HS", color: "#ff7a59" },
    auth_methods: ["oauth2", "bearer"],
    api_base_url: "https://api.hubapi.com",
    verify: { method: "GET", path: "/crm/v3/objects/contacts?limit=1" },
    oauth2: {
      authorization_url: "https://app.hubspot.com/oauth/authorize",
      token_url: "https://api.hubapi.com/oauth/v1/token",
      default_scopes: ["oauth", "crm.objects.contacts.read"],
      scope_separator: " ",
      pkce: false,
      token_auth_method: "client_secret_post",
      client_id_env: "HUBSPOT_CLIENT_ID",
      client_secret_env: "HUBSPOT_CLIENT_SECRET",
    },
    // 100 requests per 10 seconds for OAuth apps; 429s carry Retry-After.
    rate_limit: { requests_per_minute: 600, retry_after_header: "retry-after" },
  },
  /**
   * Connected app, authorization code with PKCE. API calls go to the org's `instance_url` (kept from
   * the token response; set it as the connection's base URL), so the base URL is the user's.
   * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
   * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest.htm
   */
  {
    id: "salesforce",
    name: "Salesforce",
    category: "crm",
    description: "Accounts, contacts, opportunities and any sObject through the Salesforce REST API.",
    docs_url: "https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest.htm",
    logo: { monogram: "SF", color: "#00a1e0" },
    auth_methods: ["oauth2"],
    verify: { method: "GET", path: "/services/oauth2/userinfo" },
    oauth2: {
      authorization_url: "https://login.salesforce.com/services/oauth2/authorize",
      token_url: "https://login.salesforce.com/services/oauth2/token",
      revocation_url: "https://login.salesforce.com/services/oauth2/revoke",
      userinfo_url: "https://login.salesforce.com/services/oauth2/userinfo",
      default_scopes: ["api", "refresh_token"],
      scope_separator: " ",
      pkce: true,
      token_auth_method: "client_secret_post",
      client_id_env: "SALESFORCE_CLIENT_ID",
      client_secret_env: "SALESFORCE_CLIENT_SECRET",
      token_response_extras: ["instance_url", "id"],
    },
    user_supplied: { base_url: true, injection: false, verify: false, oauth2: false },
  },
  /**
   * OAuth app (scopes fixed on the app) or a personal API token in `x-api-token`.
   * @see https://pipedrive.readme.io/docs/marketplace-oauth-authorization
   * @see https://developers.pipedrive.com/docs/api/v1
   */
  {
    id: "pipedrive",
    name: "Pipedrive",
    category: "crm",
    description: "Deals, persons, organizations and activities through the Pipedrive API.",
    docs_url: "https://developers.pipedrive.com/docs/api/v1",
    logo: { monogram: "P", color: "#017737" },
    auth_methods: ["oauth2", "api_key"],
    api_base_url: "https://api.pipedrive.com",
    api_key: { location: "header", name: "x-api-token", secret_name: "API token" },
    verify: { method: "GET", path: "/v1/users/me" },
    oauth2: {
      authorization_url: "https://oauth.pipedrive.com/oauth/authorize",
      token_url: "https://oauth.pipedrive.com/oauth/token",
      default_scopes: [],
      scope_separator: " ",
      pkce: false,
      token_auth_method: "client_secret_basic",
      client_id_env: "PIPEDRIVE_CLIENT_ID",
      client_secret_env: "PIPEDRIVE_CLIENT_SECRET",
      // The company's own API host; OAuth calls should go there.
      token_response_extras: ["api_domain"],
    },
    rate_limit: { retry_after_header: "retry-after" },
  },
  /**
   * Zoho OAuth (US data centre; other centres use their own accounts/API hosts). Zoho accepts
   * `Authorization: Bearer` as well as its own `Zoho-oauthtoken` scheme.
   * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
   * @see https://www.zoho.com/accounts/protocol/oauth/use-access-token.html
   */
  {
    id: "zoho_crm",
    name: "Zoho CRM",
    category: "crm",
    description: "Leads, contacts, deals and modules through the Zoho CRM REST API.",
    docs_url: "https://www.zoho.com/crm/developer/docs/api/v8/",
    logo: { monogram: "Z", color: "#e42527" },
    auth_methods: ["oauth2"],
    api_base_url: "https://www.zohoapis.com",
    verify: { method: "GET", path: "/crm/v8/users?type=CurrentUser" },
    oauth2: {
      authorization_url: "https://accounts.zoho.com/oauth/v2/auth",
      token_url: "https://accounts.zoho.com/oauth/v2/token",
      revocation_url: "https://accounts.zoho.com/oauth/v2/token/revoke",
      default_scopes: ["ZohoCRM.users.READ", "ZohoCRM.modules.ALL"],
      // Zoho separates scopes with commas.
      scope_separator: ",",
      pkce: false,
      token_auth_method: "client_secret_post",
      extra_authorize_params: { access_type: "offline", prompt: "consent" },
      client_id_env: "ZOHO_CLIENT_ID",
      client_secret_env: "ZOHO_CLIENT_SECRET",
      token_response_extras: ["api_domain"],
    },
  },
  /**
   * API token with basic auth (`{email}/token` as username, the token as password) or an OAuth access
   * token (bearer). The host is the account's subdomain: `https://{subdomain}.zendesk.com`.
   * @see https://developer.zendesk.com/api-reference/introduction/security-and-auth/
   */
  {
    id: "zendesk",
    name: "Zendesk",
    category: "support",
    description: "Tickets, users and organizations through the Zendesk Support API.",
    docs_url: "https://developer.zendesk.com/api-reference/introduction/security-and-auth/",
    logo: { monogram: "Zd", color: "#03363d" },
    auth_methods: ["basic", "bearer"],
    verify: { method: "GET", path: "/api/v2/users/me.json" },
    rate_limit: { retry_after_header: "retry-after" },
    user_supplied: { base_url: true, injection: false, verify: false, oauth2: false },
  },
  /**
   * OAuth app (permissions set on the app, tokens do not expire) or a workspace access token (bearer).
   * @see https://developers.intercom.com/docs/build-an-integration/learn-more/authentication
   */
  {
    id: "intercom",
    name: "Intercom",
    category: "support",
    description: "Contacts, conversations and articles through the Intercom REST API.",
    docs_url: "https://developers.intercom.com/docs/build-an-integration/learn-more/authentication",
    logo: { monogram: "I", color: "#1f8ded" },
    auth_methods: ["oauth2", "bearer"],
    api_base_url: "https://api.intercom.io",
    default_headers: { "Intercom-Version": "2.11", Accept: "application/json" },
    verify: { method: "GET", path: "/me" },
    oauth2: {
      authorization_url: "https://app.intercom.com/oauth",
      token_url: "https://api.intercom.io/auth/eagle/token",
      default_scopes: [],
      scope_separator: " ",
      pkce: false,
      token_auth_method: "client_secret_post",
      client_id_env: "INTERCOM_CLIENT_ID",
      client_secret_env: "INTERCOM_CLIENT_SECRET",
    },
    rate_limit: { retry_after_header: "retry-after" },
  },
  /**
   * Basic auth with the API key as username and any password (Freshdesk documents `X`). The host is
   * the helpdesk's domain: `https://{domain}.freshdesk.com`.
   * @see https://developers.freshdesk.com/api/#authentication
   */
  {
    id: "freshdesk",
    name: "Freshdesk",
    category: "support",
    description: "Tickets, contacts and agents through the Freshdesk API v2.",
    docs_url: "https://developers.freshdesk.com/api/#authentication",
    logo: { monogram: "Fd", color: "#25c16f" },
    auth_methods: ["basic"],
    verify: { method: "GET", path: "/api/v2/agents/me" },
    rate_limit: { retry_after_header: "retry-after" },
    user_supplied: { base_url: true, injection: false, verify: false, oauth2: false },
  },
  /**
   * An API key with basic auth (any username, the key as password) against the key's data centre
   * (`https://{dc}.api.mailchimp.com`, the suffix of the key), or an OAuth app whose token's data
   * centre comes from `https://login.mailchimp.com/oauth2/metadata`.
   * @see https://mailchimp.com/developer/marketing/docs/fundamentals/#authentication
   * @see https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/
   */
  {
    id: "mailchimp",
    name: "Mailchimp",
    category: "marketing",
    description: "Audiences, campaigns and automations through the Mailchimp Marketing API.",
    docs_url: "https://mailchimp.com/developer/marketing/docs/fundamentals/",
    logo: { monogram: "Mc", color: "#ffe01b" },
    auth_methods: ["basic", "oauth2"],
    verify: { method: "GET", path: "/3.0/ping" },
    oauth2: {
      authorization_url: "https://login.mailchimp.com/oauth2/authorize",
      token_url: "https://login.mailchimp.com/oauth2/token",
      userinfo_url: "https://login.mailchimp.com/oauth2/metadata",
      // Mailchimp has no scopes; tokens do not expire.
      default_scopes: [],
      scope_separator: " ",
      pkce: false,
      token_auth_method: "client_secret_post",
      client_id_env: "MAILCHIMP_CLIENT_ID",
      client_secret_env: "MAILCHIMP_CLIENT_SECRET",
    },
    user_supplied: { base_url: true, injection: false, verify: false, oauth2: false },
  },
];
