import { type FetchLike, type OAuthClientMetadata, registerClient } from "@modelcontextprotocol/client";
import { isMcpClientError, McpClientError } from "../errors";
import type { McpAuthorizationServerInfo } from "./discovery";

/**
 * How our product identifies itself to the authorization server of an OAuth-protected MCP server (MCP 2025-11-25
 * "Client Registration Approaches", in its order of preference): credentials the user pre-registered, else our
 * Client ID Metadata Document when the server supports it, else dynamic client registration (RFC 7591).
 */

/** The path of our Client ID Metadata Document, served by the Worker. */
export const CLIENT_METADATA_DOCUMENT_PATH = "/oauth/mcp-client.json";
/** Where authorization servers send the user back (the popup page of SPEC §6.5). */
export const MCP_OAUTH_CALLBACK_PATH = "/api/oauth/mcp/callback";
export const MCP_OAUTH_CLIENT_NAME = "Edge Integrations";

/** The client we authorize as; stored encrypted with the connection (a DCR secret is a secret). */
export interface McpOAuthClient {
  client_id: string;
  client_secret?: string;
  /** RFC 7591 §2: `none` for our public client, or what a pre-registered / registered client was given. */
  token_endpoint_auth_method: string;
  registration: "preregistered" | "cimd" | "dcr";
}

export const callbackUrl = (appUrl: URL | string): string => new URL(MCP_OAUTH_CALLBACK_PATH, appUrl).href;

/**
 * Our CIMD client id: the document's own https URL (draft-ietf-oauth-client-id-metadata-document §3: the
 * `client_id` is an https URL with a path, and equals the document's `client_id`). Undefined when the app is not
 * served over https (local development): such a URL cannot be a client id, so DCR is used instead.
 */
export function cimdClientId(appUrl: URL | string): string | undefined {
  const url = new URL(CLIENT_METADATA_DOCUMENT_PATH, appUrl);
  return url.protocol === "https:" ? url.href : undefined;
}

/**
 * The Client ID Metadata Document served at `{APP_URL}/oauth/mcp-client.json` (RFC 7591 §2 metadata names): a
 * public client (`token_endpoint_auth_method: "none"`, PKCE instead of a secret) using the authorization code and
 * refresh token grants, with our one callback as its only redirect URI.
 */
export function clientMetadataDocument(appUrl: URL | string): OAuthClientMetadata & { client_id: string } {
  const base = new URL(appUrl);
  return {
    client_id: new URL(CLIENT_METADATA_DOCUMENT_PATH, base).href,
    client_name: MCP_OAUTH_CLIENT_NAME,
    client_uri: base.origin,
    redirect_uris: [callbackUrl(base)],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  };
}

export type RegistrationChoice = "preregistered" | "cimd" | "dcr" | "unsupported";

/**
 * MCP 2025-11-25 "Client Registration Approaches": pre-registered credentials win; then CIMD when the AS metadata
 * says `client_id_metadata_document_supported: true` and we have an https client id; then DCR when the AS has a
 * `registration_endpoint`; otherwise the user must register a client by hand.
 */
export function chooseRegistration(
  server: Pick<McpAuthorizationServerInfo, "cimdSupported" | "registrationEndpoint">,
  options: { preregisteredClientId?: string; cimdClientId?: string },
): RegistrationChoice {
  if (options.preregisteredClientId) return "preregistered";
  if (server.cimdSupported && options.cimdClientId) return "cimd";
  if (server.registrationEndpoint) return "dcr";
  return "unsupported";
}

/**
 * Obtains the client to authorize as, following {@link chooseRegistration}. DCR (RFC 7591 §3.1) registers a
 * public client with our callback; the answer (client id, and a secret if the server insists on one) is returned
 * for the caller to store encrypted with the connection.
 */
export async function resolveOAuthClient(
  server: McpAuthorizationServerInfo,
  options: { appUrl: URL | string; preregistered?: { client_id: string; client_secret?: string }; fetchFn: FetchLike },
): Promise<McpOAuthClient> {
  const cimd = cimdClientId(options.appUrl);
  const choice = chooseRegistration(server, {
    preregisteredClientId: options.preregistered?.client_id,
    cimdClientId: cimd,
  });
  switch (choice) {
    case "preregistered": {
      const client = options.preregistered as { client_id: string; client_secret?: string };
      return {
        client_id: client.client_id,
        ...(client.client_secret ? { client_secret: client.client_secret } : {}),
        token_endpoint_auth_method: client.client_secret ? "client_secret_basic" : "none",
        registration: "preregistered",
      };
    }
    case "cimd":
      return { client_id: cimd as string, token_endpoint_auth_method: "none", registration: "cimd" };
    case "dcr": {
      const { client_id: _ignored, ...metadata } = clientMetadataDocument(options.appUrl);
      try {
        const registered = await registerClient(server.issuer, {
          metadata: {
            issuer: server.issuer,
            authorization_endpoint: server.authorizationEndpoint,
            token_endpoint: server.tokenEndpoint,
            registration_endpoint: server.registrationEndpoint,
            response_types_supported: ["code"],
          },
          clientMetadata: metadata,
          ...(server.scopes.length ? { scope: server.scopes.join(" ") } : {}),
          fetchFn: options.fetchFn,
        });
        return {
          client_id: registered.client_id,
          ...(registered.client_secret ? { client_secret: registered.client_secret } : {}),
          token_endpoint_auth_method:
            registered.token_endpoint_auth_method ?? (registered.client_secret ? "client_secret_basic" : "none"),
          registration: "dcr",
        };
      } catch (error) {
        if (isMcpClientError(error)) throw error;
        throw new McpClientError(
          "mcp_unreachable",
          "Dynamic client registration with the authorization server failed",
          {
            cause: error,
          },
        );
      }
    }
    case "unsupported":
      throw new McpClientError(
        "mcp_unreachable",
        "The authorization server supports neither client metadata documents nor dynamic registration; register a client and set client_id",
      );
  }
}
