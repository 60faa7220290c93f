import { googleOAuth, USER_AGENT } from "../oauth-apps";
import type { ProviderEntryInput } from "../schema";

/** Social networks, media and identity. Each entry cites the provider's API reference. */
export const SOCIAL_PROVIDERS: ProviderEntryInput[] = [
  /**
   * Sign In with LinkedIn using OpenID Connect plus member permissions.
   * @see https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
   * @see https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
   */
  {
    id: "linkedin",
    name: "LinkedIn",
    category: "social",
    description: "The member's profile and posts through the LinkedIn API.",
    docs_url: "https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow",
    logo: { monogram: "in", color: "#0a66c2" },
    auth_methods: ["oauth2"],
    api_base_url: "https://api.linkedin.com",
    verify: { method: "GET", path: "/v2/userinfo" },
    oauth2: {
      authorization_url: "https://www.linkedin.com/oauth/v2/authorization",
      token_url: "https://www.linkedin.com/oauth/v2/accessToken",
      revocation_url: "https://www.linkedin.com/oauth/v2/revoke",
      userinfo_url: "https://api.linkedin.com/v2/userinfo",
      default_scopes: ["openid", "profile", "email", "w_member_social"],
      scope_separator: " ",
      pkce: false,
      token_auth_method: "client_secret_post",
      client_id_env: "LINKEDIN_CLIENT_ID",
      client_secret_env: "LINKEDIN_CLIENT_SECRET",
    },
    rate_limit: { retry_after_header: "retry-after" },
  },
  /**
   * OAuth 2.0 authorization code with PKCE (required); `offline.access` yields a refresh token, which
   * is single-use.
   * @see https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
   */
  {
    id: "x",
    name: "X (Twitter)",
    category: "social",
    description: "Posts, users, likes and timelines through the X API v2.",
    docs_url: "https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code",
    logo: { monogram: "X", color: "#000000" },
    auth_methods: ["oauth2"],
    api_base_url: "https://api.x.com",
    verify: { method: "GET", path: "/2/users/me" },
    oauth2: {
      authorization_url: "https://x.com/i/oauth2/authorize",
      token_url: "https://api.x.com/2/oauth2/token",
      revocation_url: "https://api.x.com/2/oauth2/revoke",
      default_scopes: ["tweet.read", "users.read", "offline.access"],
      scope_separator: " ",
      pkce: true,
      token_auth_method: "client_secret_basic",
      client_id_env: "X_CLIENT_ID",
      client_secret_env: "X_CLIENT_SECRET",
      refresh_tokens_rotate: true,
    },
  },
  /**
   * Reddit OAuth2: API calls go to oauth.reddit.com, need a descriptive User-Agent, and
   * `duration=permanent` is what yields a refresh token.
   * @see https://github.com/reddit-archive/reddit/wiki/OAuth2
   * @see https://www.reddit.com/dev/api/
   */
  {
    id: "reddit",
    name: "Reddit",
    category: "social",
    description: "Posts, comments, subreddits and the account through the Reddit API.",
    docs_url: "https://www.reddit.com/dev/api/",
    logo: { monogram: "R", color: "#ff4500" },
    auth_methods: ["oauth2"],
    api_base_url: "https://oauth.reddit.com",
    default_headers: { "User-Agent": USER_AGENT },
    verify: { method: "GET", path: "/api/v1/me" },
    oauth2: {
      authorization_url: "https://www.reddit.com/api/v1/authorize",
      token_url: "https://www.reddit.com/api/v1/access_token",
      revocation_url: "https://www.reddit.com/api/v1/revoke_token",
      default_scopes: ["identity", "read"],
      scope_separator: " ",
      pkce: false,
      token_auth_method: "client_secret_basic",
      extra_authorize_params: { duration: "permanent" },
      client_id_env: "REDDIT_CLIENT_ID",
      client_secret_env: "REDDIT_CLIENT_SECRET",
    },
    // 100 queries a minute per OAuth client.
    rate_limit: { requests_per_minute: 100 },
  },
  /** @see https://developers.google.com/youtube/v3/docs */
  {
    id: "youtube",
    name: "YouTube",
    category: "social",
    description: "Channels, videos, playlists and comments through the YouTube Data API v3.",
    docs_url: "https://developers.google.com/youtube/v3/docs",
    logo: { monogram: "YT", color: "#ff0000" },
    auth_methods: ["oauth2"],
    api_base_url: "https://www.googleapis.com",
    verify: { method: "GET", path: "/youtube/v3/channels?part=id&mine=true" },
    oauth2: googleOAuth(["https://www.googleapis.com/auth/youtube.readonly"]),
  },
  /**
   * Authorization code with PKCE. Spotify may return a new refresh token on refresh.
   * @see https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow
   * @see https://developer.spotify.com/documentation/web-api
   */
  {
    id: "spotify",
    name: "Spotify",
    category: "social",
    description: "Playback, playlists, library and profile through the Spotify Web API.",
    docs_url: "https://developer.spotify.com/documentation/web-api",
    logo: { monogram: "Sp", color: "#1db954" },
    auth_methods: ["oauth2"],
    api_base_url: "https://api.spotify.com",
    verify: { method: "GET", path: "/v1/me" },
    oauth2: {
      authorization_url: "https://accounts.spotify.com/authorize",
      token_url: "https://accounts.spotify.com/api/token",
      default_scopes: ["user-read-email", "user-read-private", "playlist-read-private"],
      scope_separator: " ",
      pkce: true,
      token_auth_method: "client_secret_basic",
      client_id_env: "SPOTIFY_CLIENT_ID",
      client_secret_env: "SPOTIFY_CLIENT_SECRET",
    },
    rate_limit: { retry_after_header: "retry-after" },
  },
  /**
   * API tokens use the `SSWS` scheme. Every org has its own host: `https://{org}.okta.com`.
   * @see https://developer.okta.com/docs/guides/create-an-api-token/main/
   * @see https://developer.okta.com/docs/api/
   */
  {
    id: "okta",
    name: "Okta",
    category: "identity",
    description: "Users, groups, applications and policies through the Okta management API.",
    docs_url: "https://developer.okta.com/docs/api/",
    logo: { monogram: "O", color: "#007dc1" },
    auth_methods: ["api_key"],
    api_key: { location: "header", name: "Authorization", prefix: "SSWS ", secret_name: "API token" },
    verify: { method: "GET", path: "/api/v1/users/me" },
    user_supplied: { base_url: true, injection: false, verify: false, oauth2: false },
  },
];
