import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { decryptString, encryptString } from "../crypto/aes-gcm";
import type { Keyring } from "../crypto/keyring";
import type { Database } from "../db/client";
import { connections } from "../db/schema";
import type { OAuthApp } from "../oauth-client/app";
import { callTokenEndpoint } from "../oauth-client/token-endpoint";
import { AppError } from "../platform/errors";
import type { DecryptedConnection } from "./store";
import { tokensAssociatedData } from "./store";

/** OAuth tokens as stored (encrypted) for a connection. */
export const storedTokensSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  token_type: z.string().default("Bearer"),
  /** Epoch ms; null when the provider did not say. */
  expires_at: z.number().nullable(),
  scope: z.array(z.string()).optional(),
  /** Provider-specific fields kept from the token response (e.g. Slack's team). */
  extras: z.record(z.string(), z.unknown()).optional(),
});
export type StoredTokens = z.output<typeof storedTokensSchema>;

/** A client-credentials token is fetched again this long before it expires. */
export const CLIENT_CREDENTIALS_EXPIRY_MARGIN_MS = 60_000;

export async function readStoredTokens(keyring: Keyring, row: DecryptedConnection): Promise<StoredTokens | null> {
  if (!row.tokensEncrypted) return null;
  const plaintext = await decryptString(keyring, row.tokensEncrypted, tokensAssociatedData(row.id, row.userId));
  return storedTokensSchema.parse(JSON.parse(plaintext));
}

/**
 * The columns of a connection that has just obtained OAuth tokens (code exchange or refresh): the
 * encrypted tokens, their expiry, and a clean bill of health. One update writes them all.
 */
export async function authorizedConnectionColumns(
  keyring: Keyring,
  row: { id: string; userId: string },
  tokens: StoredTokens,
  now: number,
) {
  return {
    tokensEncrypted: await encryptString(keyring, JSON.stringify(tokens), tokensAssociatedData(row.id, row.userId)),
    tokenExpiresAt: tokens.expires_at,
    status: "active" as const,
    statusReason: null,
    lastRefreshAt: now,
    lastRefreshError: null,
    refreshAttempts: 0,
    refreshExhausted: false,
    updatedAt: now,
  };
}

export async function writeStoredTokens(
  db: Database,
  keyring: Keyring,
  row: { id: string; userId: string },
  tokens: StoredTokens,
): Promise<void> {
  await db
    .update(connections)
    .set({
      tokensEncrypted: await encryptString(keyring, JSON.stringify(tokens), tokensAssociatedData(row.id, row.userId)),
      tokenExpiresAt: tokens.expires_at,
      updatedAt: Date.now(),
    })
    .where(and(eq(connections.id, row.id), eq(connections.userId, row.userId)));
}

export interface TokenContext {
  db: Database;
  keyring: Keyring;
  allowInsecureTargets: boolean;
  now?: () => number;
}

/**
 * A usable access token for an `oauth2_client_credentials` connection (RFC 6749 §4.4): the cached one
 * while it is valid, else a new one from the token endpoint, cached encrypted until shortly before it
 * expires. `forceNew` skips the cache (after an upstream 401 on a token believed valid).
 */
export async function clientCredentialsToken(
  context: TokenContext,
  row: DecryptedConnection,
  forceNew = false,
): Promise<string> {
  if (row.connection.method !== "oauth2_client_credentials") throw new Error("not a client-credentials connection");
  const now = (context.now ?? Date.now)();
  if (!forceNew) {
    const cached = await readStoredTokens(context.keyring, row);
    if (cached && (cached.expires_at === null || cached.expires_at - CLIENT_CREDENTIALS_EXPIRY_MARGIN_MS > now))
      return cached.access_token;
  }
  const data = row.connection.data;
  const app: OAuthApp = {
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
  const result = await callTokenEndpoint(
    app,
    { grant_type: "client_credentials", ...(app.scopes.length > 0 ? { scope: app.scopes.join(" ") } : {}) },
    { allowInsecure: context.allowInsecureTargets, now },
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
  const tokens = result.tokens;
  await writeStoredTokens(context.db, context.keyring, row, tokens);
  return tokens.access_token;
}
