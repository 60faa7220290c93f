import {
  type AuthorizationServerMetadata,
  buildDiscoveryUrls,
  checkResourceAllowed,
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  type FetchLike,
  type OAuthProtectedResourceMetadata,
  resourceUrlFromServerUrl,
} from "@modelcontextprotocol/client";
import { isMcpClientError, type McpAuthChallenge, McpClientError } from "../errors";

/**
 * The discovery half of the MCP authorization flow as a client (MCP 2025-11-25 "Authorization"): from the MCP
 * server's 401 to everything needed to send the user to an authorization server. Parsing and fetching use the
 * official SDK (`extractWWWAuthenticateParams`, `discoverOAuthProtectedResourceMetadata`,
 * `discoverAuthorizationServerMetadata`); this module adds our decisions and checks on top, each citing the rule.
 */

/** What we learned about an OAuth-protected MCP server, kept (encrypted) with its connection. */
export interface McpAuthorizationServerInfo {
  /** The protected resource (RFC 9728 `resource`); sent as RFC 8707 `resource` on authorize and token requests. */
  resource: string;
  resourceMetadataUrl?: string;
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  registrationEndpoint?: string;
  tokenEndpointAuthMethods: string[];
  /** RFC 9207: the AS promises `iss` on authorization responses, so a missing or different one is refused. */
  issParameterSupported: boolean;
  cimdSupported: boolean;
  /** The scopes to ask for (see {@link scopesToRequest}). */
  scopes: string[];
}

/**
 * RFC 9728 §3.3 / §7.3 and MCP 2025-11-25 "Canonical Server URI": the metadata's `resource` must identify the
 * server we are talking to — the server URL itself or a prefix of it (same origin, path prefix on segment
 * boundaries). Anything else is a metadata document for another resource and must not be used, or a token for
 * one server could be obtained and sent to another.
 */
export function isResourceForServer(resource: string, serverUrl: string): boolean {
  try {
    return checkResourceAllowed({
      requestedResource: resourceUrlFromServerUrl(serverUrl),
      configuredResource: resource,
    });
  } catch {
    return false;
  }
}

/**
 * The well-known URLs tried for authorization-server metadata, in order (MCP 2025-11-25 "Authorization Server
 * Metadata Discovery"; RFC 8414 §3.1 path insertion, RFC 8414 §5 and OpenID Connect Discovery 1.0 §4):
 * an issuer with a path `https://as/tenant` → `/.well-known/oauth-authorization-server/tenant`,
 * `/.well-known/openid-configuration/tenant`, `/tenant/.well-known/openid-configuration`; without a path →
 * `/.well-known/oauth-authorization-server`, `/.well-known/openid-configuration`.
 */
export function authorizationServerMetadataUrls(issuer: string): string[] {
  return buildDiscoveryUrls(issuer).map((entry) => entry.url.href);
}

/**
 * MCP 2025-11-25 "Scope Selection Strategy": the `scope` of the server's challenge when it sent one, else the
 * protected-resource metadata's `scopes_supported`, else none (let the AS apply its default).
 */
export function scopesToRequest(
  challengeScope: string | undefined,
  metadata: Pick<OAuthProtectedResourceMetadata, "scopes_supported"> | undefined,
): string[] {
  if (challengeScope?.trim()) return challengeScope.trim().split(/\s+/);
  return [...(metadata?.scopes_supported ?? [])];
}

const failure = (message: string, cause?: unknown) =>
  new McpClientError("mcp_unreachable", message, cause === undefined ? {} : { cause });

/**
 * RFC 8414 §2 fields we cannot work without, and MCP 2025-11-25's PKCE rule: "MCP clients MUST … refuse to
 * proceed" when `code_challenge_methods_supported` is absent or lacks S256.
 */
export function checkAuthorizationServerMetadata(metadata: AuthorizationServerMetadata): string | null {
  if (!metadata.authorization_endpoint || !metadata.token_endpoint)
    return "the authorization server metadata lacks its authorization or token endpoint";
  const methods = metadata.code_challenge_methods_supported;
  if (!Array.isArray(methods) || !methods.includes("S256"))
    return "the authorization server does not advertise PKCE S256 (code_challenge_methods_supported)";
  return null;
}

/**
 * From a refused request to the authorization server's details: protected-resource metadata (from the challenge's
 * `resource_metadata`, else the well-known URLs of RFC 9728 §3.1), its `resource` checked against the server URL,
 * the first of its `authorization_servers` (RFC 9728 §7.6 leaves the choice to the client), then that server's
 * metadata with the issuer check of RFC 8414 §3.3 (done by the SDK).
 */
export async function discoverAuthorizationServer(
  serverUrl: string,
  challenge: McpAuthChallenge | undefined,
  fetchFn: FetchLike,
): Promise<McpAuthorizationServerInfo> {
  let resourceMetadata: OAuthProtectedResourceMetadata;
  try {
    resourceMetadata = await discoverOAuthProtectedResourceMetadata(
      serverUrl,
      challenge?.resourceMetadataUrl ? { resourceMetadataUrl: challenge.resourceMetadataUrl } : {},
      fetchFn,
    );
  } catch (error) {
    if (isMcpClientError(error)) throw error;
    throw failure("The MCP server publishes no usable OAuth protected-resource metadata (RFC 9728)", error);
  }
  if (!isResourceForServer(resourceMetadata.resource, serverUrl))
    throw failure("The protected-resource metadata names a different resource than this MCP server");
  const issuer = resourceMetadata.authorization_servers?.[0];
  if (!issuer) throw failure("The protected-resource metadata names no authorization server");

  let metadata: AuthorizationServerMetadata | undefined;
  try {
    metadata = await discoverAuthorizationServerMetadata(issuer, { fetchFn });
  } catch (error) {
    if (isMcpClientError(error)) throw error;
    throw failure("The authorization server metadata could not be read or did not match its issuer", error);
  }
  if (!metadata) throw failure("The authorization server publishes no metadata (RFC 8414 / OpenID discovery)");
  const problem = checkAuthorizationServerMetadata(metadata);
  if (problem) throw failure(`Cannot authorize with this server: ${problem}`);

  const extra = metadata as AuthorizationServerMetadata & {
    client_id_metadata_document_supported?: boolean;
    authorization_response_iss_parameter_supported?: boolean;
  };
  return {
    resource: resourceMetadata.resource,
    ...(challenge?.resourceMetadataUrl ? { resourceMetadataUrl: challenge.resourceMetadataUrl } : {}),
    issuer: metadata.issuer,
    authorizationEndpoint: metadata.authorization_endpoint,
    tokenEndpoint: metadata.token_endpoint,
    ...(metadata.registration_endpoint ? { registrationEndpoint: metadata.registration_endpoint } : {}),
    tokenEndpointAuthMethods: metadata.token_endpoint_auth_methods_supported ?? [],
    issParameterSupported: extra.authorization_response_iss_parameter_supported === true,
    cimdSupported: extra.client_id_metadata_document_supported === true,
    scopes: scopesToRequest(challenge?.scope, resourceMetadata),
  };
}
