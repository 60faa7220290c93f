import { ALL_SCOPES, RESOURCE_SCOPES } from "./scopes";

/** The MCP endpoint path; its absolute URL is the protected resource's identifier (RFC 9728 §1.2). */
export const MCP_PATH = "/mcp";
export const AUTHORIZATION_SERVER_METADATA_PATH = "/.well-known/oauth-authorization-server";
export const PROTECTED_RESOURCE_METADATA_PATH = "/.well-known/oauth-protected-resource";
export const JWKS_PATH = "/.well-known/jwks.json";

export const OAUTH_ENDPOINT_PATHS = {
  authorization: "/oauth/authorize",
  token: "/oauth/token",
  registration: "/oauth/register",
  revocation: "/oauth/revoke",
  introspection: "/oauth/introspect",
} as const;

/**
 * The issuer identifier (RFC 8414 §2): APP_URL's origin, no trailing slash, no path. MCP clients and
 * RFC 9207 compare it to the `iss` authorization response parameter without normalisation, so every
 * place that emits it uses this one function.
 */
export function issuerFor(appUrl: URL): string {
  return appUrl.origin;
}

/**
 * The resource identifier of `/mcp` (RFC 8707 §2, RFC 9728 §1.2): exactly `{APP_URL}/mcp`. Access
 * tokens carry it as `aud` and `/mcp` accepts no other (the seed's defect was the app origin).
 */
export function mcpResourceFor(appUrl: URL): string {
  return `${appUrl.origin}${MCP_PATH}`;
}

/** The path-inserted metadata URL for `/mcp` (RFC 9728 §3.1), used in `WWW-Authenticate`. */
export function protectedResourceMetadataUrlFor(appUrl: URL): string {
  return `${appUrl.origin}${PROTECTED_RESOURCE_METADATA_PATH}${MCP_PATH}`;
}

/**
 * Authorization server metadata (RFC 8414 §2), also what the MCP authorization spec requires of it:
 * `code_challenge_methods_supported` (clients refuse an AS without it), RFC 9207
 * `authorization_response_iss_parameter_supported`, and `client_id_metadata_document_supported`
 * (Client ID Metadata Documents, draft-ietf-oauth-client-id-metadata-document §6).
 */
export function authorizationServerMetadata(appUrl: URL) {
  const issuer = issuerFor(appUrl);
  return {
    issuer,
    authorization_endpoint: `${issuer}${OAUTH_ENDPOINT_PATHS.authorization}`,
    token_endpoint: `${issuer}${OAUTH_ENDPOINT_PATHS.token}`,
    registration_endpoint: `${issuer}${OAUTH_ENDPOINT_PATHS.registration}`,
    revocation_endpoint: `${issuer}${OAUTH_ENDPOINT_PATHS.revocation}`,
    introspection_endpoint: `${issuer}${OAUTH_ENDPOINT_PATHS.introspection}`,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    scopes_supported: [...ALL_SCOPES],
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    token_endpoint_auth_methods_supported: ["none", "client_secret_basic", "client_secret_post"],
    revocation_endpoint_auth_methods_supported: ["none", "client_secret_basic", "client_secret_post"],
    introspection_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    code_challenge_methods_supported: ["S256"],
    authorization_response_iss_parameter_supported: true,
    client_id_metadata_document_supported: true,
  };
}

/**
 * Protected resource metadata of `/mcp` (RFC 9728 §2), served at both
 * `/.well-known/oauth-protected-resource` and `/.well-known/oauth-protected-resource/mcp` (§3.1).
 * `resource` is exactly `{APP_URL}/mcp` (§3.3: clients reject a mismatch); `offline_access` is not a
 * resource scope and is not listed.
 */
export function protectedResourceMetadata(appUrl: URL) {
  return {
    resource: mcpResourceFor(appUrl),
    authorization_servers: [issuerFor(appUrl)],
    scopes_supported: [...RESOURCE_SCOPES],
    bearer_methods_supported: ["header"],
    resource_name: "Workflows MCP server",
    resource_documentation: `${appUrl.origin}/`,
  };
}
