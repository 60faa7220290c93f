import { findProvider } from "../connections/catalog";
import type { CredentialContext, UsableConnectionOf } from "../connections/credentials";
import { checkOutboundUrl } from "../outbound/url-policy";
import { applyClientAuthentication } from "./client-auth";
import { resolveOAuthApp } from "./oauth-app";
import { discoverRevocationEndpoint } from "./revocation-endpoint";
import { oauthAppClient } from "./token-endpoint";
import { readStoredTokens } from "./token-store";

const REVOCATION_TIMEOUT_MS = 5_000;

/**
 * Revokes a deleted OAuth connection's grant at the provider (RFC 7009): the refresh token when there is one
 * (revoking it ends the grant, §2.1), else the access token, with the same client authentication as the
 * token endpoint (§2.1). The endpoint is the catalog entry's `revocation_url`, or for a custom app its
 * settings' `revocation_url`, else the issuer's metadata `revocation_endpoint` (RFC 8414 §2). Best effort,
 * called in the background: a failure never blocks or undoes the delete.
 * @returns whether the provider acknowledged the revocation.
 */
export async function revokeAtProvider(
  context: CredentialContext,
  connection: UsableConnectionOf<"oauth2"> & { id: string },
): Promise<boolean> {
  const provider = findProvider(connection.provider);
  if (!provider) return false;
  const tokens = await readStoredTokens(context.keyring, connection);
  if (!tokens) return false;
  const app = resolveOAuthApp(provider, connection.connection, context.env);
  // The catalog is authoritative for known providers; only a custom app falls back to discovery.
  const endpoint =
    app.revocationUrl ?? (provider.oauth2 ? null : await discoverRevocationEndpoint(context, app.authorizationUrl));
  if (!endpoint) return false;
  const target = checkOutboundUrl(endpoint, { allowInsecure: context.config.allowInsecureTargets });
  if (!target.ok) return false;
  const body = new URLSearchParams(
    tokens.refresh_token
      ? { token: tokens.refresh_token, token_type_hint: "refresh_token" }
      : { token: tokens.access_token, token_type_hint: "access_token" },
  );
  const headers = new Headers({ "content-type": "application/x-www-form-urlencoded" });
  applyClientAuthentication(oauthAppClient(app), headers, body);
  const response = await fetch(target.url, {
    method: "POST",
    headers,
    body,
    redirect: "manual",
    signal: AbortSignal.timeout(REVOCATION_TIMEOUT_MS),
  });
  await response.body?.cancel();
  return response.ok;
}
