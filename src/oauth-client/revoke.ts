import { findProvider } from "../connections/catalog";
import { encodeBasic } from "../connections/injection";
import type { DecryptedConnection } from "../connections/store";
import { readStoredTokens } from "../connections/tokens";
import type { Keyring } from "../crypto/keyring";
import { checkOutboundUrl } from "../outbound/url-policy";
import { resolveOAuthApp } from "./app";

const REVOCATION_TIMEOUT_MS = 5_000;

/**
 * Revokes a deleted OAuth connection's grant at the provider (RFC 7009), when its catalog entry has a
 * revocation endpoint: the refresh token when there is one (revoking it ends the grant, §2.1), else the
 * access token. Best effort, called in the background: a failure never blocks or undoes the delete.
 * @returns whether the provider acknowledged the revocation.
 */
export async function revokeAtProvider(
  env: Env,
  keyring: Keyring,
  connection: DecryptedConnection,
  allowInsecure: boolean,
): Promise<boolean> {
  if (connection.connection.method !== "oauth2") return false;
  const provider = findProvider(connection.provider);
  if (!provider?.oauth2?.revocation_url) return false;
  const tokens = await readStoredTokens(keyring, connection);
  if (!tokens) return false;
  const target = checkOutboundUrl(provider.oauth2.revocation_url, { allowInsecure });
  if (!target.ok) return false;
  const app = resolveOAuthApp(provider, connection.connection, env);
  const body = new URLSearchParams(
    tokens.refresh_token
      ? { token: tokens.refresh_token, token_type_hint: "refresh_token" }
      : { token: tokens.access_token, token_type_hint: "access_token" },
  );
  const headers = new Headers({ "content-type": "application/x-www-form-urlencoded" });
  if (app.tokenAuthMethod === "client_secret_basic" && app.clientSecret) {
    headers.set(
      "authorization",
      `Basic ${encodeBasic(encodeURIComponent(app.clientId), encodeURIComponent(app.clientSecret))}`,
    );
  } else {
    body.set("client_id", app.clientId);
    if (app.clientSecret) body.set("client_secret", app.clientSecret);
  }
  const response = await fetch(target.url, {
    method: "POST",
    headers,
    body,
    signal: AbortSignal.timeout(REVOCATION_TIMEOUT_MS),
  });
  await response.body?.cancel();
  return response.ok;
}
