import type { CredentialContext, UsableConnectionOf } from "../connections/credentials";
import type { ConnectionRef } from "../connections/store";
import { AppError } from "../platform/errors";
import { decideRefresh, tokenTimesOf } from "./refresh-policy";
import { readStoredTokens } from "./token-store";

/** Where the owner re-authorizes an expired connection. */
export function reconnectLink(connection: { id: string; provider: string }): string {
  return `/api/oauth/${connection.provider}/authorize?connection_id=${connection.id}`;
}

/**
 * The one way to get a usable access token for an `oauth2` connection — used by the proxy, connection
 * tests and the internal activity API. A valid token costs no extra I/O; a token due for refresh (or
 * refused upstream) goes through the connection's `ConnectionRefresher` Durable Object.
 */
export async function usableAccessToken(
  context: CredentialContext,
  connection: UsableConnectionOf<"oauth2"> & ConnectionRef,
  options: { rejectedAccessToken?: string } = {},
): Promise<string> {
  if (connection.status === "expired" || connection.refreshExhausted) {
    throw new AppError("connection_expired", "This connection's authorization has expired; reconnect it", {
      details: { reconnect: reconnectLink(connection) },
    });
  }
  const tokens = await readStoredTokens(context.keyring, connection);
  if (!tokens) throw new AppError("connection_not_authorized", "Authorize this OAuth connection before using it");
  const forced = options.rejectedAccessToken !== undefined;
  const decision = decideRefresh(tokenTimesOf(tokens), context.now(), forced);
  if (!decision.refresh) return tokens.access_token;

  const namespace = context.env.CONNECTION_REFRESHER;
  const outcome = await namespace.get(namespace.idFromName(connection.id)).refresh({
    connectionId: connection.id,
    userId: connection.userId,
    rejectedAccessToken: options.rejectedAccessToken,
  });
  if (outcome.ok) return outcome.accessToken;
  throw new AppError(outcome.code, outcome.message, {
    ...(outcome.code === "connection_expired" ? { details: { reconnect: reconnectLink(connection) } } : {}),
    ...(outcome.retryAfterSeconds ? { headers: { "retry-after": String(outcome.retryAfterSeconds) } } : {}),
  });
}
