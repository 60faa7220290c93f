import { LruMap } from "../platform/lru-map";
import { type AccessTokenCheck, CLOCK_TOLERANCE_SECONDS, type VerifiedAccessToken } from "./access-token";

/**
 * A per-isolate memo of access tokens whose signature and claims have already been verified, so an AI client's
 * stream of `/mcp` requests with the same bearer token costs one ES256 check, not one per request.
 *
 * Why it is safe: a JWT's signature, `typ`, issuer and audience checks depend only on the token's bytes and
 * the verification inputs, so the memo is keyed by the exact token string and scoped to one key set, issuer and
 * audience (a changed `OAUTH_SIGNING_KEYS` is a new key set, so a dropped key's tokens are checked afresh).
 * The one check that depends on time — expiry (RFC 7519 §4.1.4) — is repeated on every hit, exactly as
 * `jose` applies it (`exp <= now - tolerance` is expired). Only successful checks are kept; a refused token is
 * verified again each time. Revocation is not a property of the token and is still checked on every request
 * (revocation-cache.ts). Holds at most {@link VERIFIED_TOKENS_MAX} tokens, dropping the least recently used.
 */
export const VERIFIED_TOKENS_MAX = 1_000;

export interface VerifiedTokenMemoOptions {
  /** The full verification (`verifyAccessToken` with fixed keys, issuer and audience). */
  verify: (token: string, nowSeconds: number) => Promise<AccessTokenCheck>;
  maxEntries?: number;
}

export class VerifiedTokenMemo {
  readonly #verify: VerifiedTokenMemoOptions["verify"];
  /** Verified tokens. */
  readonly #entries: LruMap<string, VerifiedAccessToken>;

  constructor(options: VerifiedTokenMemoOptions) {
    this.#verify = options.verify;
    this.#entries = new LruMap(options.maxEntries ?? VERIFIED_TOKENS_MAX);
  }

  /** The same answer as the full verification at `nowSeconds`, without repeating it for a token seen before. */
  async check(token: string, nowSeconds: number): Promise<AccessTokenCheck> {
    const known = this.#entries.get(token);
    if (known) {
      if (known.expiresAt <= nowSeconds - CLOCK_TOLERANCE_SECONDS) {
        this.#entries.delete(token);
        return { ok: false, reason: "expired" };
      }
      return { ok: true, token: { ...known, scopes: [...known.scopes] } };
    }
    const checked = await this.#verify(token, nowSeconds);
    if (checked.ok) {
      this.#entries.set(token, { ...checked.token, scopes: [...checked.token.scopes] });
    }
    return checked;
  }
}
