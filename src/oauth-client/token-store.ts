import * as z from "zod";
import type { ConnectionPatch, ConnectionRef } from "../connections/store";
import { tokensAssociatedData, updateConnection } from "../connections/store";
import { decryptString, encryptString } from "../crypto/aes-gcm";
import type { Keyring } from "../crypto/keyring";
import type { Database } from "../db/client";

/** OAuth tokens as stored (encrypted) for a connection — the decrypted type; the column holds only ciphertext. */
export const storedTokensSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  token_type: z.string().default("Bearer"),
  /** Epoch ms; null when the provider did not say. */
  expires_at: z.number().nullable(),
  /**
   * Epoch ms when the token response arrived: with `expires_at` it gives the token's lifetime, which sets the
   * refresh margin (refresh-policy.ts). Absent on tokens stored before it was recorded.
   */
  obtained_at: z.number().optional(),
  scope: z.array(z.string()).optional(),
  /** Provider-specific fields kept from the token response (e.g. Slack's team). */
  extras: z.record(z.string(), z.unknown()).optional(),
});
export type StoredTokens = z.output<typeof storedTokensSchema>;

/** A connection whose sealed tokens can be read: its ref and its `tokens_encrypted` column. */
export type SealedTokensOwner = ConnectionRef & { tokensEncrypted: string | null };

export async function readStoredTokens(keyring: Keyring, owner: SealedTokensOwner): Promise<StoredTokens | null> {
  if (!owner.tokensEncrypted) return null;
  const plaintext = await decryptString(keyring, owner.tokensEncrypted, tokensAssociatedData(owner.id, owner.userId));
  return storedTokensSchema.parse(JSON.parse(plaintext));
}

export async function sealTokens(keyring: Keyring, owner: ConnectionRef, tokens: StoredTokens): Promise<string> {
  return encryptString(keyring, JSON.stringify(tokens), tokensAssociatedData(owner.id, owner.userId));
}

/**
 * The columns of a connection that has just obtained OAuth tokens (code exchange or refresh): the
 * encrypted tokens, their expiry, and a clean bill of health. Written with the `authorized` status event.
 */
export async function authorizedTokenColumns(
  keyring: Keyring,
  owner: ConnectionRef,
  tokens: StoredTokens,
  now: number,
): Promise<ConnectionPatch> {
  return {
    tokensEncrypted: await sealTokens(keyring, owner, tokens),
    tokenExpiresAt: tokens.expires_at,
    lastRefreshAt: now,
    lastRefreshError: null,
    refreshAttempts: 0,
    refreshExhausted: false,
  };
}

/** Caches tokens without touching the connection's status (client-credentials tokens). */
export async function writeStoredTokens(
  db: Database,
  keyring: Keyring,
  current: Parameters<typeof updateConnection>[1],
  tokens: StoredTokens,
  now: number,
): Promise<void> {
  await updateConnection(
    db,
    current,
    { tokensEncrypted: await sealTokens(keyring, current, tokens), tokenExpiresAt: tokens.expires_at },
    { now },
  );
}
