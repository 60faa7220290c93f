import * as z from "zod";
import type { ProviderEntry } from "../connections/catalog";
import type { ConnectionData } from "../connections/data";
import { AppError } from "../platform/errors";

/**
 * The OAuth client application a connection uses: from the catalog plus the deployment's environment
 * (client id/secret named by `client_id_env`/`client_secret_env`) for known providers, or from the
 * connection's own `data` for `custom_oauth2` (seed 002's `authConfig`).
 */
export interface OAuthApp {
  clientId: string;
  clientSecret: string | undefined;
  authorizationUrl: string;
  tokenUrl: string;
  revocationUrl?: string;
  scopes: string[];
  scopeSeparator: " " | ",";
  pkce: boolean;
  tokenAuthMethod: "client_secret_basic" | "client_secret_post";
  extraAuthorizeParams: Record<string, string>;
  extraTokenParams: Record<string, string>;
  tokenResponseExtras: string[];
}

/**
 * @throws 503 `provider_not_configured` when a catalog provider's credentials are missing from the
 * environment; 400 when a custom app lacks its endpoints.
 */
export function resolveOAuthApp(provider: ProviderEntry, connection: ConnectionData | undefined, env: Env): OAuthApp {
  if (provider.oauth2) {
    const vars = env as unknown as Record<string, string | undefined>;
    const clientId = vars[provider.oauth2.client_id_env];
    const clientSecret = vars[provider.oauth2.client_secret_env];
    if (!clientId) {
      throw new AppError(
        "provider_not_configured",
        `${provider.name} sign-in is not configured (set ${provider.oauth2.client_id_env} and ${provider.oauth2.client_secret_env})`,
      );
    }
    const custom = connection?.method === "oauth2" ? connection.data : undefined;
    return {
      clientId,
      clientSecret,
      authorizationUrl: provider.oauth2.authorization_url,
      tokenUrl: provider.oauth2.token_url,
      revocationUrl: provider.oauth2.revocation_url,
      scopes: custom?.scopes?.length ? custom.scopes : [...provider.oauth2.default_scopes],
      scopeSeparator: provider.oauth2.scope_separator,
      pkce: provider.oauth2.pkce,
      tokenAuthMethod: provider.oauth2.token_auth_method,
      extraAuthorizeParams: { ...provider.oauth2.extra_authorize_params },
      extraTokenParams: { ...provider.oauth2.extra_token_params },
      tokenResponseExtras: [...(provider.oauth2.token_response_extras ?? [])],
    };
  }
  if (connection?.method !== "oauth2")
    throw new AppError("invalid_request", "This provider needs a connection holding its OAuth app settings");
  const data = connection.data;
  if (!data.client_id || !data.authorization_url || !data.token_url) {
    throw new AppError(
      "invalid_request",
      "The connection's OAuth app settings are incomplete (client_id, authorization_url, token_url)",
    );
  }
  return {
    clientId: data.client_id,
    clientSecret: data.client_secret,
    authorizationUrl: data.authorization_url,
    tokenUrl: data.token_url,
    ...(data.revocation_url ? { revocationUrl: data.revocation_url } : {}),
    scopes: data.scopes ?? [],
    scopeSeparator: " ",
    pkce: data.pkce ?? true,
    tokenAuthMethod: data.token_auth_method ?? "client_secret_basic",
    extraAuthorizeParams: { ...data.extra_authorize_params },
    extraTokenParams: {},
    tokenResponseExtras: [],
  };
}

/**
 * An app stored with the tokens it obtained, under `extras.oauth_app` of the (encrypted) tokens: connections whose
 * authorization server was discovered and whose client was registered when they were connected (MCP servers,
 * SPEC §6.7) rather than taken from the catalog. `resource` (RFC 8707) is sent on every token request.
 */
export const storedOAuthAppSchema = z.object({
  client_id: z.string().min(1),
  client_secret: z.string().min(1).optional(),
  token_url: z.url(),
  authorization_url: z.url(),
  token_auth_method: z.enum(["client_secret_basic", "client_secret_post"]),
  resource: z.url().optional(),
  scopes: z.array(z.string()).default([]),
});
export type StoredOAuthApp = z.output<typeof storedOAuthAppSchema>;

/** The app stored with a connection's tokens, if there is one (see {@link storedOAuthAppSchema}). */
export function storedOAuthApp(extras: Record<string, unknown> | undefined): OAuthApp | undefined {
  const parsed = storedOAuthAppSchema.safeParse(extras?.oauth_app);
  if (!parsed.success) return undefined;
  const app = parsed.data;
  return {
    clientId: app.client_id,
    clientSecret: app.client_secret,
    authorizationUrl: app.authorization_url,
    tokenUrl: app.token_url,
    scopes: app.scopes,
    scopeSeparator: " ",
    pkce: true,
    tokenAuthMethod: app.token_auth_method,
    extraAuthorizeParams: {},
    extraTokenParams: app.resource ? { resource: app.resource } : {},
    tokenResponseExtras: [],
  };
}
