import { googleOAuth, microsoftOAuth } from "../oauth-apps";
import type { ProviderEntryInput } from "../schema";

/** Messaging, mail, chat and meetings. Each entry cites the provider's API reference. */
export const COMMUNICATION_PROVIDERS: ProviderEntryInput[] = [
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
    logo: { monogram: "S", color: "#4a154b" },
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
    description: "Mail, labels and threads of a Google account through the Gmail API, and sending mail from it.",
    docs_url: "https://developers.google.com/gmail/api/reference/rest",
    logo: { monogram: "M", color: "#ea4335" },
    auth_methods: ["oauth2"],
    api_base_url: "https://gmail.googleapis.com",
    verify: { method: "GET", path: "/gmail/v1/users/me/profile" },
    // `gmail.send` for the workflow integration operation gmail/send_email (users.messages.send).
    oauth2: googleOAuth([
      "https://www.googleapis.com/auth/gmail.readonly",
      "https://www.googleapis.com/auth/gmail.send",
    ]),
  },
  /** @see https://learn.microsoft.com/en-us/graph/api/resources/mail-api-overview */
  {
    id: "microsoft_outlook",
    name: "Outlook (Microsoft Graph)",
    category: "communication",
    description: "Mail, calendars and contacts of a Microsoft 365 or Outlook.com account through Microsoft Graph.",
    docs_url: "https://learn.microsoft.com/en-us/graph/api/resources/mail-api-overview",
    logo: { monogram: "O", color: "#0078d4" },
    auth_methods: ["oauth2"],
    api_base_url: "https://graph.microsoft.com",
    verify: { method: "GET", path: "/v1.0/me" },
    oauth2: microsoftOAuth(["Mail.Read", "Calendars.Read"]),
    // Graph throttles with 429 and Retry-After (seconds).
    rate_limit: { retry_after_header: "retry-after" },
  },
  /** @see https://learn.microsoft.com/en-us/graph/api/resources/teams-api-overview */
  {
    id: "microsoft_teams",
    name: "Microsoft Teams",
    category: "communication",
    description: "Teams, channels and chat messages through Microsoft Graph.",
    docs_url: "https://learn.microsoft.com/en-us/graph/api/resources/teams-api-overview",
    logo: { monogram: "T", color: "#5059c9" },
    auth_methods: ["oauth2"],
    api_base_url: "https://graph.microsoft.com",
    verify: { method: "GET", path: "/v1.0/me/joinedTeams" },
    oauth2: microsoftOAuth(["Team.ReadBasic.All", "Channel.ReadBasic.All", "ChannelMessage.Send"]),
    rate_limit: { retry_after_header: "retry-after" },
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
    logo: { monogram: "Tw", color: "#f22f46" },
    auth_methods: ["basic"],
    api_base_url: "https://api.twilio.com",
    verify: { method: "GET", path: "/2010-04-01/Accounts/{username}.json" },
    // A retried POST to Messages sends the SMS again.
    retry: { max_retries: 0, backoff_ms: 0 },
  },
  /**
   * OAuth2 for user data, or a bot token sent with the `Bot` scheme.
   * @see https://discord.com/developers/docs/topics/oauth2
   * @see https://discord.com/developers/docs/reference#authentication
   */
  {
    id: "discord",
    name: "Discord",
    category: "communication",
    description: "Guilds, channels, messages and users through the Discord HTTP API.",
    docs_url: "https://discord.com/developers/docs/reference",
    logo: { monogram: "D", color: "#5865f2" },
    auth_methods: ["oauth2", "api_key"],
    api_base_url: "https://discord.com/api/v10",
    api_key: { location: "header", name: "Authorization", prefix: "Bot ", secret_name: "Bot token" },
    verify: { method: "GET", path: "/users/@me" },
    oauth2: {
      authorization_url: "https://discord.com/oauth2/authorize",
      token_url: "https://discord.com/api/oauth2/token",
      revocation_url: "https://discord.com/api/oauth2/token/revoke",
      default_scopes: ["identify", "guilds"],
      scope_separator: " ",
      pkce: false,
      token_auth_method: "client_secret_basic",
      client_id_env: "DISCORD_CLIENT_ID",
      client_secret_env: "DISCORD_CLIENT_SECRET",
    },
    // Per-route buckets; 429s carry Retry-After (seconds) and a JSON retry_after.
    rate_limit: { retry_after_header: "retry-after" },
  },
  /**
   * User-managed OAuth app (authorization code). Zoom refresh tokens are single-use.
   * @see https://developers.zoom.us/docs/integrations/oauth/
   * @see https://developers.zoom.us/docs/api/
   */
  {
    id: "zoom",
    name: "Zoom",
    category: "communication",
    description: "Meetings, webinars, recordings and users through the Zoom API.",
    docs_url: "https://developers.zoom.us/docs/api/",
    logo: { monogram: "Z", color: "#0b5cff" },
    auth_methods: ["oauth2"],
    api_base_url: "https://api.zoom.us/v2",
    verify: { method: "GET", path: "/users/me" },
    oauth2: {
      authorization_url: "https://zoom.us/oauth/authorize",
      token_url: "https://zoom.us/oauth/token",
      revocation_url: "https://zoom.us/oauth/revoke",
      // Granular scopes are chosen on the app in the Zoom Marketplace; the request may carry none.
      default_scopes: [],
      scope_separator: " ",
      pkce: true,
      token_auth_method: "client_secret_basic",
      client_id_env: "ZOOM_CLIENT_ID",
      client_secret_env: "ZOOM_CLIENT_SECRET",
      refresh_tokens_rotate: true,
    },
    rate_limit: { retry_after_header: "retry-after" },
  },
  /**
   * API keys as bearer tokens.
   * @see https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/authentication
   */
  {
    id: "sendgrid",
    name: "SendGrid",
    category: "communication",
    description: "Transactional and marketing email through the Twilio SendGrid v3 API.",
    docs_url: "https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/authentication",
    logo: { monogram: "SG", color: "#1a82e2" },
    auth_methods: ["api_key"],
    api_base_url: "https://api.sendgrid.com",
    api_key: { location: "header", name: "Authorization", prefix: "Bearer ", secret_name: "API key" },
    // Lists the key's own scopes, so it answers for a key of any permission set.
    verify: { method: "GET", path: "/v3/scopes" },
    // A retried mail send sends the mail again.
    retry: { max_retries: 0, backoff_ms: 0 },
  },
];
