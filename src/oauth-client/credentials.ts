import type { CredentialProvider, TokenHealth, UsableConnection } from "../connections/credentials";
import type { ConnectionRef } from "../connections/store";
import { AppError } from "../platform/errors";
import { clientCredentialsToken } from "./client-credentials";
import { usableAccessToken } from "./lifecycle";
import { decideRefresh, tokenTimesOf } from "./refresh-policy";
import { revokeAtProvider } from "./revoke";
import { readStoredTokens } from "./token-store";

/** A token-based connection must be saved (and, for `oauth2`, authorized) before it can be used. */
function savedConnection<C extends UsableConnection>(connection: C): C & ConnectionRef {
  if (!connection.id)
    throw new AppError("connection_not_authorized", "Save and authorize the connection before using it");
  return connection as C & ConnectionRef;
}

async function tokenHealthOf(
  context: Parameters<NonNullable<CredentialProvider["tokenHealth"]>>[0],
  connection: UsableConnection & ConnectionRef,
): Promise<TokenHealth> {
  const tokens = await readStoredTokens(context.keyring, connection);
  if (!tokens) return { state: "missing", expires_at: null, scopes: null };
  const now = context.now();
  const expired = connection.status === "expired" || (tokens.expires_at !== null && tokens.expires_at <= now);
  const decision = decideRefresh({ ...tokenTimesOf(tokens), hasRefreshToken: true }, now);
  return {
    state: expired ? "expired" : decision.reason === "expiring" ? "expiring" : "valid",
    expires_at: tokens.expires_at,
    scopes: tokens.scope ?? null,
  };
}

/** `Authorization: Bearer` with a fresh access token from the authorization-code grant (SPEC §6.5). */
export const oauth2Credentials: CredentialProvider<"oauth2"> = {
  proxyable: true,
  renewsOnRejection: true,
  injectedHeaders: () => ["authorization"],
  async inject(context, connection, request, _provider, rejected) {
    const token = await usableAccessToken(context, savedConnection(connection), { rejectedAccessToken: rejected });
    request.headers.set("authorization", `Bearer ${token}`);
    return token;
  },
  tokenHealth: (context, connection) => tokenHealthOf(context, savedConnection(connection)),
  revoke: (context, connection) => revokeAtProvider(context, savedConnection(connection)),
};

/** `Authorization: Bearer` with a cached client-credentials token (RFC 6749 §4.4). */
export const clientCredentialsCredentials: CredentialProvider<"oauth2_client_credentials"> = {
  proxyable: true,
  renewsOnRejection: true,
  injectedHeaders: () => ["authorization"],
  async inject(context, connection, request, _provider, rejected) {
    const token = await clientCredentialsToken(context, savedConnection(connection), rejected !== undefined);
    request.headers.set("authorization", `Bearer ${token}`);
    return token;
  },
  tokenHealth: (context, connection) => tokenHealthOf(context, savedConnection(connection)),
};
