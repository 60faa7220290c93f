import { timingSafeEqualStrings } from "../crypto/hmac";
import { sha256Hex } from "../crypto/tokens";

/**
 * Sign-in transactions: what `/api/auth/authorize` must remember for `/api/auth/callback`.
 * Kept in KV under the random `state` (RFC 6749 §10.12), for 10 minutes, deleted on first use, and
 * bound to the browser that started the flow by the hash of a nonce held in an HttpOnly cookie — so a
 * `state` leaked or injected into another browser (login CSRF, RFC 6819 §4.4.1.8) is useless.
 */
export const SIGN_IN_TRANSACTION_TTL_SECONDS = 600;
const KEY_PREFIX = "auth:tx:";

export interface SignInTransaction {
  /** `workos` (AuthKit, social, SSO) or `dev` (the dev identity provider). */
  via: "workos" | "dev";
  /** The provider or SSO organization the flow was started for, for the audit log. */
  provider: string;
  codeVerifier: string;
  returnTo: string;
  /** SHA-256 of the browser-binding nonce cookie. */
  browserNonceHash: string;
  createdAt: number;
}

export async function saveSignInTransaction(kv: KVNamespace, state: string, tx: SignInTransaction): Promise<void> {
  await kv.put(KEY_PREFIX + state, JSON.stringify(tx), { expirationTtl: SIGN_IN_TRANSACTION_TTL_SECONDS });
}

/** Reads a transaction without consuming it (the dev login form needs to know it exists). */
export async function peekSignInTransaction(kv: KVNamespace, state: string): Promise<SignInTransaction | null> {
  if (!isWellFormedState(state)) return null;
  return kv.get<SignInTransaction>(KEY_PREFIX + state, "json");
}

export type ConsumeResult =
  | { ok: true; transaction: SignInTransaction }
  | { ok: false; reason: "unknown_or_used" | "expired" | "other_browser" };

/**
 * Takes a transaction for the callback: it is deleted before anything else happens, so it works once.
 * Expiry is also checked here (KV's TTL is a floor of 60 s and eventually applied).
 */
export async function consumeSignInTransaction(
  kv: KVNamespace,
  state: string,
  browserNonce: string | undefined,
  now: number,
): Promise<ConsumeResult> {
  const tx = await peekSignInTransaction(kv, state);
  if (!tx) return { ok: false, reason: "unknown_or_used" };
  await kv.delete(KEY_PREFIX + state);
  if (now - tx.createdAt > SIGN_IN_TRANSACTION_TTL_SECONDS * 1000) return { ok: false, reason: "expired" };
  if (!browserNonce || !(await timingSafeEqualStrings(await sha256Hex(browserNonce), tx.browserNonceHash))) {
    return { ok: false, reason: "other_browser" };
  }
  return { ok: true, transaction: tx };
}

function isWellFormedState(state: string): boolean {
  return /^[A-Za-z0-9_-]{32,128}$/.test(state);
}
