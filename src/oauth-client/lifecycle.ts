import type { DecryptedConnection } from "../connections/store";
import { readStoredTokens } from "../connections/tokens";
import { keyringFor } from "../crypto/keyring";
import type { AppConfig } from "../platform/config";
import { AppError } from "../platform/errors";
import { decideRefresh } from "./refresh-policy";

/**
 * The one way to get a usable access token for an `oauth2` connection — used by the proxy, connection
 * tests and the internal activity API. A valid token costs no extra I/O; a token due for refresh (or
 * refused upstream) goes through the connection's `ConnectionRefresher` Durable Object.
 */
export async function usableAccessToken(
  env: Env,
  config: AppConfig,
  connection: DecryptedConnection,
  options: { rejectedAccessToken?: string } = {},
): Promise<string> {
  if (connection.status === "expired" || connection.refreshExhausted) {
    throw new AppError("connection_expired", "This connection's authorization has expired; reconnect it", {
      details: { reconnect: `/api/oauth/${connection.provider}/authorize?connection_id=${connection.id}` },
    });
  }
  const tokens = connection.tokensEncrypted ? await readStoredTokens(keyringFor(config.keyring), connection) : null;
  if (!tokens) throw new AppError("connection_not_authorized", "Authorize this OAuth connection before using it");
  const forced = options.rejectedAccessToken !== undefined;
  const decision = decideRefresh(
    { expiresAt: tokens.expires_at, hasRefreshToken: Boolean(tokens.refresh_token) },
    Date.now(),
    forced,
  );
  if (!decision.refresh) return tokens.access_token;

  const stub = env.CONNECTION_REFRESHER.get(env.CONNECTION_REFRESHER.idFromName(connection.id));
  const outcome = await stub.refresh({
    connectionId: connection.id,
    userId: connection.userId,
    rejectedAccessToken: options.rejectedAccessToken,
  });
  if (outcome.ok) return outcome.accessToken;
  throw new AppError(outcome.code, outcome.message, {
    ...(outcome.code === "connection_expired"
      ? { details: { reconnect: `/api/oauth/${connection.provider}/authorize?connection_id=${connection.id}` } }
      : {}),
    ...(outcome.retryAfterSeconds ? { headers: { "retry-after": String(outcome.retryAfterSeconds) } } : {}),
  });
}
