/**
 * A per-isolate view of revoked grants, so `/mcp` can honour revocation without a storage read per
 * request (the access token itself is a self-contained JWT).
 *
 * The bound (SPEC §8: a revoked grant's tokens stop within 5 s): the set is re-read from D1 — which
 * is strongly consistent — in the background once it is {@link REVOKED_GRANTS_REFRESH_MS} old, and a
 * request never trusts a snapshot whose read *started* more than {@link REVOKED_GRANTS_MAX_STALENESS_MS}
 * ago (it waits for a fresh read instead). So a revocation committed at time T is seen by every
 * isolate for every check from T + 4 s on, whatever the load. The read returns only grants revoked
 * within the longest access-token lifetime (older ones' tokens have expired anyway), so it stays small.
 *
 * Pure apart from the injected loader and clock.
 */
export const REVOKED_GRANTS_REFRESH_MS = 2_000;
export const REVOKED_GRANTS_MAX_STALENESS_MS = 4_000;

export interface RevokedGrantsCacheOptions {
  /** Grant ids revoked at or after `sinceMs` (epoch milliseconds). */
  load: (sinceMs: number) => Promise<Iterable<string>>;
  /** How far back revocations matter: the longest access-token lifetime plus clock tolerance. */
  windowMs: number;
  now?: () => number;
  refreshMs?: number;
  maxStalenessMs?: number;
}

export interface RevocationVerdict {
  revoked: boolean;
  /** A background refresh the caller should hand to `waitUntil`, when one was started. */
  refresh?: Promise<void>;
}

export class RevokedGrantsCache {
  readonly #options: Required<Omit<RevokedGrantsCacheOptions, "now">> & { now: () => number };
  #revoked = new Set<string>();
  /** When the read behind `#revoked` started; -Infinity before the first read. */
  #snapshotStartedAt = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<void> | undefined;
  /** Revocations made by this isolate since the last read, kept until a read started after them. */
  #local = new Map<string, number>();

  constructor(options: RevokedGrantsCacheOptions) {
    this.#options = {
      refreshMs: REVOKED_GRANTS_REFRESH_MS,
      maxStalenessMs: REVOKED_GRANTS_MAX_STALENESS_MS,
      now: () => Date.now(),
      ...options,
    };
  }

  /** Whether `grantId` is revoked, by a snapshot at most `maxStalenessMs` old. */
  async check(grantId: string): Promise<RevocationVerdict> {
    const now = this.#options.now();
    const age = now - this.#snapshotStartedAt;
    if (age >= this.#options.maxStalenessMs) {
      await this.#refresh();
      return { revoked: this.#has(grantId) };
    }
    if (age >= this.#options.refreshMs) return { revoked: this.#has(grantId), refresh: this.#refresh() };
    return { revoked: this.#has(grantId) };
  }

  /** Records a revocation made by this isolate, effective here at once. */
  markRevoked(grantId: string): void {
    this.#local.set(grantId, this.#options.now());
  }

  #has(grantId: string): boolean {
    return this.#revoked.has(grantId) || this.#local.has(grantId);
  }

  /** One read at a time per isolate (single flight); concurrent callers share it. */
  #refresh(): Promise<void> {
    if (!this.#inFlight) {
      const startedAt = this.#options.now();
      this.#inFlight = this.#options
        .load(startedAt - this.#options.windowMs)
        .then((ids) => {
          this.#revoked = new Set(ids);
          this.#snapshotStartedAt = startedAt;
          for (const [id, at] of this.#local) if (at < startedAt) this.#local.delete(id);
        })
        .finally(() => {
          this.#inFlight = undefined;
        });
    }
    return this.#inFlight;
  }
}
