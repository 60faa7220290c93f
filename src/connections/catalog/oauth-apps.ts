import type { ProviderEntryInput } from "./schema";

/**
 * OAuth app configurations shared by several catalog entries: one registered app at the vendor serves
 * every product entry of that vendor, only the scopes differ.
 */

type OAuthConfig = NonNullable<ProviderEntryInput["oauth2"]>;

/** GitHub and Reddit refuse API requests without a User-Agent, and Workers' fetch sends none by default. */
export const USER_AGENT = "edge-integrations-api";

/**
 * Google's OAuth 2.0 for web server apps, shared by every Google product entry (one Google Cloud
 * OAuth client serves them all; only the scopes differ).
 * @see https://developers.google.com/identity/protocols/oauth2/web-server
 */
export function googleOAuth(scopes: string[]): OAuthConfig {
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

/**
 * The Microsoft identity platform (v2.0 endpoints, `common` tenant: work, school and personal
 * accounts), shared by every Microsoft Graph entry. `offline_access` is what yields a refresh token.
 * Microsoft returns a new refresh token on refresh but the old one stays valid until it expires, so
 * refresh tokens are not treated as single-use.
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
 */
export function microsoftOAuth(scopes: string[]): OAuthConfig {
  return {
    authorization_url: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    token_url: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    userinfo_url: "https://graph.microsoft.com/oidc/userinfo",
    default_scopes: ["openid", "email", "offline_access", "User.Read", ...scopes],
    scope_separator: " ",
    pkce: true,
    token_auth_method: "client_secret_post",
    client_id_env: "MICROSOFT_CLIENT_ID",
    client_secret_env: "MICROSOFT_CLIENT_SECRET",
    refresh_tokens_rotate: false,
  };
}

/**
 * Atlassian Cloud OAuth 2.0 (3LO), shared by Jira and Confluence. `audience=api.atlassian.com` is
 * required; `offline_access` yields a rotating refresh token (each refresh invalidates the previous one).
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
export function atlassianOAuth(scopes: string[]): OAuthConfig {
  return {
    authorization_url: "https://auth.atlassian.com/authorize",
    token_url: "https://auth.atlassian.com/oauth/token",
    userinfo_url: "https://api.atlassian.com/me",
    default_scopes: ["read:me", "offline_access", ...scopes],
    scope_separator: " ",
    pkce: false,
    token_auth_method: "client_secret_post",
    extra_authorize_params: { audience: "api.atlassian.com", prompt: "consent" },
    client_id_env: "ATLASSIAN_CLIENT_ID",
    client_secret_env: "ATLASSIAN_CLIENT_SECRET",
    refresh_tokens_rotate: true,
  };
}
