import {
  type AuthorizationServerMetadata,
  exchangeAuthorization,
  type FetchLike,
  type OAuthTokens,
  startAuthorization,
} from "@modelcontextprotocol/client";
import type { StoredOAuthApp } from "../../oauth-client/oauth-app";
import type { StoredTokens } from "../../oauth-client/token-store";
import { McpClientError } from "../errors";
import type { McpAuthorizationServerInfo } from "./discovery";
import type { McpOAuthClient } from "./registration";

/**
 * The authorization-code half of the MCP authorization flow (OAuth 2.1 §4.1 with PKCE, RFC 7636; RFC 8707
 * `resource`; RFC 9207 `iss`), built on the SDK's `startAuthorization` / `exchangeAuthorization`. Token refresh
 * is not here: it goes through the product's single-flight `ConnectionRefresher` with {@link oauthAppRecord}.
 */

/** The AS metadata the SDK needs, rebuilt from what we stored (no second discovery at callback time). */
export function storedMetadata(server: McpAuthorizationServerInfo): AuthorizationServerMetadata {
  return {
    issuer: server.issuer,
    authorization_endpoint: server.authorizationEndpoint,
    token_endpoint: server.tokenEndpoint,
    ...(server.registrationEndpoint ? { registration_endpoint: server.registrationEndpoint } : {}),
    response_types_supported: ["code"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: server.tokenEndpointAuthMethods,
    ...(server.issParameterSupported ? { authorization_response_iss_parameter_supported: true } : {}),
  } as AuthorizationServerMetadata;
}

export interface AuthorizationStart {
  authorizationUrl: string;
  /** RFC 7636 §4.1 verifier; kept server-side (KV, single use) until the callback. */
  codeVerifier: string;
}

/**
 * The URL to send the user to: `response_type=code`, our `client_id` and `redirect_uri`, a fresh PKCE S256
 * challenge (RFC 7636 §4.2), our `state`, the scopes to request, and `resource` = the protected resource
 * (RFC 8707 §2; MCP 2025-11-25 "Resource Parameter Implementation": MUST be sent).
 */
export async function beginAuthorization(
  server: McpAuthorizationServerInfo,
  client: McpOAuthClient,
  options: { redirectUri: string; state: string },
): Promise<AuthorizationStart> {
  const { authorizationUrl, codeVerifier } = await startAuthorization(server.issuer, {
    metadata: storedMetadata(server),
    clientInformation: { client_id: client.client_id },
    redirectUrl: options.redirectUri,
    state: options.state,
    resource: server.resource,
    ...(server.scopes.length ? { scope: server.scopes.join(" ") } : {}),
  });
  return { authorizationUrl: authorizationUrl.href, codeVerifier };
}

/** RFC 6749 §5.1 answer → our stored token shape (expiry as an instant, scopes as a list). */
export function toStoredTokens(tokens: OAuthTokens, now: number): StoredTokens {
  return {
    access_token: tokens.access_token,
    ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}),
    token_type: tokens.token_type ?? "Bearer",
    expires_at: typeof tokens.expires_in === "number" ? now + tokens.expires_in * 1000 : null,
    obtained_at: now,
    ...(tokens.scope ? { scope: tokens.scope.split(/\s+/).filter(Boolean) } : {}),
  };
}

/**
 * Redeems the code from the callback: checks `iss` first (RFC 9207 §2.4, against the issuer whose metadata we
 * stored, refusing a missing one when the AS promised it), then POSTs the code with the PKCE verifier, the same
 * `redirect_uri` and `resource` (RFC 8707 §2.2), authenticating as the client requires.
 */
export async function completeAuthorization(
  server: McpAuthorizationServerInfo,
  client: McpOAuthClient,
  options: { code: string; iss?: string; codeVerifier: string; redirectUri: string; fetchFn: FetchLike; now: number },
): Promise<StoredTokens> {
  try {
    const tokens = await exchangeAuthorization(server.issuer, {
      metadata: storedMetadata(server),
      clientInformation: {
        client_id: client.client_id,
        ...(client.client_secret ? { client_secret: client.client_secret } : {}),
        token_endpoint_auth_method: client.token_endpoint_auth_method,
      },
      authorizationCode: options.code,
      ...(options.iss !== undefined ? { iss: options.iss } : {}),
      codeVerifier: options.codeVerifier,
      redirectUri: options.redirectUri,
      resource: server.resource,
      fetchFn: options.fetchFn,
    });
    return toStoredTokens(tokens, options.now);
  } catch (error) {
    const message =
      error instanceof Error && error.name === "IssuerMismatchError"
        ? "The authorization response came from a different issuer (RFC 9207)"
        : "The authorization server refused the authorization code";
    throw new McpClientError("mcp_auth_failed", message, { cause: error });
  }
}

/**
 * The OAuth app an MCP connection's tokens are stored with (`extras.oauth_app`), from which the
 * `ConnectionRefresher` refreshes them (RFC 6749 §6) — so MCP connections share the single-flight refresh,
 * rotation and failure policy of every OAuth connection. `resource` goes on every token request (RFC 8707 §2.2);
 * a public client authenticates by `client_id` in the body only.
 */
export function oauthAppRecord(server: McpAuthorizationServerInfo, client: McpOAuthClient): StoredOAuthApp {
  return {
    client_id: client.client_id,
    ...(client.client_secret ? { client_secret: client.client_secret } : {}),
    token_url: server.tokenEndpoint,
    authorization_url: server.authorizationEndpoint,
    token_auth_method:
      client.token_endpoint_auth_method === "client_secret_basic" ? "client_secret_basic" : "client_secret_post",
    resource: server.resource,
    scopes: server.scopes,
  };
}
