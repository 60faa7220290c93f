import { atlassianOAuth, googleOAuth, microsoftOAuth } from "../oauth-apps";
import type { ProviderEntryInput } from "../schema";

/** Documents, files, calendars, forms and signatures. Each entry cites the provider's API reference. */
export const PRODUCTIVITY_PROVIDERS: ProviderEntryInput[] = [
  /** @see https://developers.google.com/drive/api/reference/rest/v3 */
  {
    id: "google_drive",
    name: "Google Drive",
    category: "files",
    description: "Files and folders of a Google account through the Google Drive API.",
    docs_url: "https://developers.google.com/drive/api/reference/rest/v3",
    logo: { monogram: "GD", color: "#1fa463" },
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
    logo: { monogram: "GC", color: "#4285f4" },
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
    logo: { monogram: "GS", color: "#0f9d58" },
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
    logo: { monogram: "N", color: "#191919" },
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
  /**
   * Atlassian Cloud sites are addressed as `/ex/confluence/{cloudId}/…` under api.atlassian.com; the
   * verification lists the sites the token may reach (and so yields the cloud ids).
   * @see https://developer.atlassian.com/cloud/confluence/rest/v2/intro/
   */
  {
    id: "confluence",
    name: "Confluence",
    category: "productivity",
    description: "Spaces, pages and comments of Confluence Cloud through the Confluence REST API.",
    docs_url: "https://developer.atlassian.com/cloud/confluence/rest/v2/intro/",
    logo: { monogram: "Cf", color: "#1868db" },
    auth_methods: ["oauth2"],
    api_base_url: "https://api.atlassian.com",
    verify: { method: "GET", path: "/oauth/token/accessible-resources" },
    oauth2: atlassianOAuth(["read:confluence-space.summary", "read:confluence-content.all"]),
    rate_limit: { retry_after_header: "retry-after" },
  },
  /** @see https://learn.microsoft.com/en-us/graph/api/resources/onedrive */
  {
    id: "microsoft_onedrive",
    name: "OneDrive (Microsoft Graph)",
    category: "files",
    description: "Files and folders in OneDrive and SharePoint through Microsoft Graph.",
    docs_url: "https://learn.microsoft.com/en-us/graph/api/resources/onedrive",
    logo: { monogram: "OD", color: "#0364b8" },
    auth_methods: ["oauth2"],
    api_base_url: "https://graph.microsoft.com",
    verify: { method: "GET", path: "/v1.0/me/drive" },
    oauth2: microsoftOAuth(["Files.Read"]),
    rate_limit: { retry_after_header: "retry-after" },
  },
  /**
   * OAuth with short-lived access tokens; `token_access_type=offline` is what yields a refresh token.
   * Dropbox's revocation (`POST /2/auth/token/revoke` with the token itself) is not RFC 7009.
   * @see https://developers.dropbox.com/oauth-guide
   * @see https://www.dropbox.com/developers/documentation/http/documentation
   */
  {
    id: "dropbox",
    name: "Dropbox",
    category: "files",
    description: "Files, folders and sharing of a Dropbox account through the Dropbox API v2.",
    docs_url: "https://www.dropbox.com/developers/documentation/http/documentation",
    logo: { monogram: "Db", color: "#0061fe" },
    auth_methods: ["oauth2"],
    api_base_url: "https://api.dropboxapi.com",
    // An RPC endpoint without arguments: POST with no body.
    verify: { method: "POST", path: "/2/users/get_current_account" },
    oauth2: {
      authorization_url: "https://www.dropbox.com/oauth2/authorize",
      token_url: "https://api.dropboxapi.com/oauth2/token",
      default_scopes: ["account_info.read", "files.metadata.read"],
      scope_separator: " ",
      pkce: true,
      token_auth_method: "client_secret_post",
      extra_authorize_params: { token_access_type: "offline" },
      client_id_env: "DROPBOX_CLIENT_ID",
      client_secret_env: "DROPBOX_CLIENT_SECRET",
      token_response_extras: ["account_id", "team_id"],
    },
    rate_limit: { retry_after_header: "retry-after" },
  },
  /**
   * Standard OAuth 2.0 app; Box refresh tokens are single-use (each refresh returns a new one).
   * @see https://developer.box.com/guides/authentication/oauth2/
   * @see https://developer.box.com/reference/
   */
  {
    id: "box",
    name: "Box",
    category: "files",
    description: "Files, folders and collaborations through the Box Platform API.",
    docs_url: "https://developer.box.com/reference/",
    logo: { monogram: "box", color: "#0061d5" },
    auth_methods: ["oauth2"],
    api_base_url: "https://api.box.com/2.0",
    verify: { method: "GET", path: "/users/me" },
    oauth2: {
      authorization_url: "https://account.box.com/api/oauth2/authorize",
      token_url: "https://api.box.com/oauth2/token",
      revocation_url: "https://api.box.com/oauth2/revoke",
      // Application scopes are set in the Box Developer Console.
      default_scopes: [],
      scope_separator: " ",
      pkce: false,
      token_auth_method: "client_secret_post",
      client_id_env: "BOX_CLIENT_ID",
      client_secret_env: "BOX_CLIENT_SECRET",
      refresh_tokens_rotate: true,
    },
    rate_limit: { retry_after_header: "retry-after" },
  },
  /**
   * OAuth integration (PKCE required) or a personal access token (bearer).
   * @see https://airtable.com/developers/web/api/oauth-reference
   * @see https://airtable.com/developers/web/api/introduction
   */
  {
    id: "airtable",
    name: "Airtable",
    category: "productivity",
    description: "Bases, tables and records through the Airtable Web API.",
    docs_url: "https://airtable.com/developers/web/api/introduction",
    logo: { monogram: "At", color: "#fcb400" },
    auth_methods: ["oauth2", "bearer"],
    api_base_url: "https://api.airtable.com",
    verify: { method: "GET", path: "/v0/meta/whoami" },
    oauth2: {
      authorization_url: "https://airtable.com/oauth2/v1/authorize",
      token_url: "https://airtable.com/oauth2/v1/token",
      default_scopes: ["user.email:read", "schema.bases:read", "data.records:read"],
      scope_separator: " ",
      pkce: true,
      token_auth_method: "client_secret_basic",
      client_id_env: "AIRTABLE_CLIENT_ID",
      client_secret_env: "AIRTABLE_CLIENT_SECRET",
      // Refresh tokens are single-use; reusing one revokes the grant.
      refresh_tokens_rotate: true,
    },
    // Five requests per second per base; 429 asks to wait 30 seconds.
    rate_limit: { requests_per_minute: 300 },
  },
  /**
   * OAuth app (PKCE supported) or a personal access token (bearer).
   * @see https://developer.calendly.com/api-docs
   * @see https://developer.calendly.com/create-a-developer-account
   */
  {
    id: "calendly",
    name: "Calendly",
    category: "productivity",
    description: "Event types, scheduled events and invitees through the Calendly API v2.",
    docs_url: "https://developer.calendly.com/api-docs",
    logo: { monogram: "C", color: "#006bff" },
    auth_methods: ["oauth2", "bearer"],
    api_base_url: "https://api.calendly.com",
    verify: { method: "GET", path: "/users/me" },
    oauth2: {
      authorization_url: "https://auth.calendly.com/oauth/authorize",
      token_url: "https://auth.calendly.com/oauth/token",
      revocation_url: "https://auth.calendly.com/oauth/revoke",
      default_scopes: [],
      scope_separator: " ",
      pkce: true,
      token_auth_method: "client_secret_post",
      client_id_env: "CALENDLY_CLIENT_ID",
      client_secret_env: "CALENDLY_CLIENT_SECRET",
      token_response_extras: ["owner", "organization"],
      refresh_tokens_rotate: true,
    },
  },
  /**
   * OAuth app or a personal access token (bearer). `offline` is the scope that yields a refresh token.
   * @see https://www.typeform.com/developers/get-started/applications/
   * @see https://www.typeform.com/developers/get-started/scopes/
   */
  {
    id: "typeform",
    name: "Typeform",
    category: "productivity",
    description: "Forms, responses and workspaces through the Typeform Create and Responses APIs.",
    docs_url: "https://www.typeform.com/developers/get-started/",
    logo: { monogram: "Tf", color: "#262627" },
    auth_methods: ["oauth2", "bearer"],
    api_base_url: "https://api.typeform.com",
    verify: { method: "GET", path: "/me" },
    oauth2: {
      authorization_url: "https://api.typeform.com/oauth/authorize",
      token_url: "https://api.typeform.com/oauth/token",
      default_scopes: ["accounts:read", "forms:read", "responses:read", "offline"],
      scope_separator: " ",
      pkce: false,
      token_auth_method: "client_secret_post",
      client_id_env: "TYPEFORM_CLIENT_ID",
      client_secret_env: "TYPEFORM_CLIENT_SECRET",
    },
  },
  /**
   * Authorization code grant. eSignature calls go to the account's own `base_uri` (from the userinfo
   * response, e.g. `https://na3.docusign.net`), so the base URL is the user's; the token is proven by
   * the userinfo request.
   * @see https://developers.docusign.com/platform/auth/authcode/
   * @see https://developers.docusign.com/docs/esign-rest-api/
   */
  {
    id: "docusign",
    name: "DocuSign",
    category: "productivity",
    description: "Envelopes, templates and signing through the DocuSign eSignature REST API.",
    docs_url: "https://developers.docusign.com/docs/esign-rest-api/",
    logo: { monogram: "DS", color: "#4c00ff" },
    auth_methods: ["oauth2"],
    oauth2: {
      authorization_url: "https://account.docusign.com/oauth/auth",
      token_url: "https://account.docusign.com/oauth/token",
      userinfo_url: "https://account.docusign.com/oauth/userinfo",
      default_scopes: ["signature", "extended"],
      scope_separator: " ",
      pkce: true,
      token_auth_method: "client_secret_basic",
      client_id_env: "DOCUSIGN_CLIENT_ID",
      client_secret_env: "DOCUSIGN_CLIENT_SECRET",
    },
    user_supplied: { base_url: true, injection: false, verify: false, oauth2: false },
  },
];
