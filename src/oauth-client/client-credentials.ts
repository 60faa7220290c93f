import type { CredentialContext, UsableConnectionOf } from "../connections/credentials";
import type { ConnectionRef } from "../connections/store";
import { AppError } from "../platform/errors";
import type { OAuthApp } from "./oauth-app";
import { isClientCredentialsTokenDue, tokenTimesOf } from "./refresh-policy";
import { callTokenEndpoint } from "./token-endpoint";
import { readStoredTokens, writeStoredTokens } from "./token-store";

type ClientCredentialsConnection = UsableConnectionOf<"oauth2_client_credentials"> & ConnectionRef;

/** The OAuth app of a client-credentials connection: all of it is the connection's own `data`. */
function clientCredentialsApp(connection: ClientCredentialsConnection): OAuthApp {
  const data = connection.connection.data;
  return {
    clientId: data.client_id,
    clientSecret: data.client_secret,
    authorizationUrl: data.token_url,
    tokenUrl: data.token_url,
    scopes: data.scopes ?? [],
    scopeSeparator: " ",
    pkce: false,
    tokenAuthMethod: data.token_auth_method ?? "client_secret_basic",
    extraAuthorizeParams: {},
    extraTokenParams: {},
    tokenResponseExtras: [],
  };
}

/**
 * A usable access token for an `oauth2_client_credentials` connection (RFC 6749 §4.4): the cached one
 * while it is valid, else a new one from the token endpoint, cached encrypted until it is due
 * (`isClientCredentialsTokenDue`: the lifetime-relative margin). `forceNew` skips the cache (after an upstream 401 on a token believed valid).
 */
export async function clientCredentialsToken(
  context: CredentialContext,
  connection: ClientCredentialsConnection,
  forceNew = false,
): Promise<string> {
  const now = context.now();
  if (!forceNew) {
    const cached = await readStoredTokens(context.keyring, connection);
    // The refresh margin, relative to the token's lifetime (refresh-policy.ts): a 30 s token is reused for
    // most of its life instead of being fetched again on every use.
    if (cached && !isClientCredentialsTokenDue(tokenTimesOf(cached), now)) return cached.access_token;
  }
  const app = clientCredentialsApp(connection);
  const result = await callTokenEndpoint(
    app,
    { grant_type: "client_credentials", ...(app.scopes.length > 0 ? { scope: app.scopes.join(" ") } : {}) },
    { allowInsecure: context.config.allowInsecureTargets, now },
  );
  if (!result.ok) {
    if (result.error === "invalid_token_url")
      throw new AppError("target_not_allowed", `The token URL is not allowed: ${result.description}`);
    throw result.kind === "transient"
      ? new AppError("upstream_error", `The token endpoint failed (${result.description})`)
      : new AppError(
          "connection_not_authorized",
          `The token endpoint refused the client credentials (${result.error})`,
        );
  }
  await writeStoredTokens(context.db, context.keyring, connection, result.tokens, now);
  return result.tokens.access_token;
}
