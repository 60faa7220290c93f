import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { decryptString, encryptString } from "../crypto/aes-gcm";
import type { Keyring } from "../crypto/keyring";
import type { Database } from "../db/client";
import { connections } from "../db/schema";
import { checkOutboundUrl } from "../outbound/url-policy";
import { AppError } from "../platform/errors";
import { encodeBasic } from "./injection";
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
const TOKEN_REQUEST_TIMEOUT_MS = 10_000;

export async function readStoredTokens(keyring: Keyring, row: DecryptedConnection): Promise<StoredTokens | null> {
  if (!row.tokensEncrypted) return null;
  const plaintext = await decryptString(keyring, row.tokensEncrypted, tokensAssociatedData(row.id, row.userId));
  return storedTokensSchema.parse(JSON.parse(plaintext));
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

const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

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
  const target = checkOutboundUrl(data.token_url, { allowInsecure: context.allowInsecureTargets });
  if (!target.ok) throw new AppError("target_not_allowed", `The token URL is not allowed: ${target.message}`);
  const body = new URLSearchParams({ grant_type: "client_credentials" });
  if (data.scopes?.length) body.set("scope", data.scopes.join(" "));
  const headers = new Headers({ "content-type": "application/x-www-form-urlencoded", accept: "application/json" });
  if ((data.token_auth_method ?? "client_secret_basic") === "client_secret_basic") {
    // RFC 6749 §2.3.1: form-encode id and secret before base64.
    headers.set("authorization", `Basic ${encodeBasic(formEncode(data.client_id), formEncode(data.client_secret))}`);
  } else {
    body.set("client_id", data.client_id);
    body.set("client_secret", data.client_secret);
  }
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
    });
  } catch {
    throw new AppError("upstream_error", "The token endpoint could not be reached");
  }
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    const error =
      typeof (json as { error?: unknown } | null)?.error === "string"
        ? (json as { error: string }).error
        : `HTTP ${response.status}`;
    throw new AppError(
      response.status >= 500 ? "upstream_error" : "connection_not_authorized",
      `The token endpoint refused the client credentials (${error})`,
    );
  }
  const parsed = tokenResponseSchema.safeParse(json);
  if (!parsed.success) throw new AppError("upstream_error", "The token endpoint returned a malformed token response");
  const tokens: StoredTokens = {
    access_token: parsed.data.access_token,
    token_type: parsed.data.token_type ?? "Bearer",
    expires_at: parsed.data.expires_in ? now + parsed.data.expires_in * 1000 : null,
    ...(parsed.data.scope ? { scope: parsed.data.scope.split(/[ ,]+/).filter(Boolean) } : {}),
  };
  await writeStoredTokens(context.db, context.keyring, row, tokens);
  return tokens.access_token;
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, "+");
}
