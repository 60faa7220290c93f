import { LruMap } from "../platform/lru-map";

/**
 * A per-isolate cache of each user's MCP connection listing for the `/mcp` gateway (SPEC §8), so that an AI
 * client's every JSON-RPC request does not cost a D1 read (`/mcp` registers the gateway's tools per request, and
 * the read was the largest cost of a `tools/list`).
 *
 * The bound: a change to a user's connections made **through this isolate** is seen by its next request (every
 * connection write bumps `connectionsGeneration()`, and an entry read under an older generation is not used); a
 * change made anywhere else (another isolate, a Durable Object, direct SQL) is seen by every request from
 * {@link GATEWAY_LIST_MAX_STALENESS_MS} after it commits: an entry is re-read in the background once it is
 * {@link GATEWAY_LIST_REFRESH_MS} old, and never used once the read behind it *started* that long ago (D1 is
 * strongly consistent, so a read started after a commit sees it).
 *
 * What a stale entry can do in between is list a tool: it cannot run one against a removed connection, because a
 * gateway call re-reads the connection (`findConnection`) and answers "connect required" when it is gone; a
 * connection changed elsewhere is called as it now stands in D1. Failed reads are not cached. Pure apart from the
 * injected loader, clock and generation.
 */
export const GATEWAY_LIST_REFRESH_MS = 2_000;
export const GATEWAY_LIST_MAX_STALENESS_MS = 5_000;
/** Users kept per isolate; the least recently read are dropped first. */
export const GATEWAY_LIST_MAX_USERS = 1_000;

export interface UserListCacheOptions<T> {
  /** The user's listing, read from storage. */
  load: (userId: string) => Promise<T>;
  /** This isolate's connection-write generation (`src/connections/changes.ts`). */
  generation: () => number;
  now?: () => number;
  refreshMs?: number;
  maxStalenessMs?: number;
  maxUsers?: number;
}

export interface CachedListing<T> {
  value: T;
  /** A background re-read the caller should hand to `waitUntil`, when one was started. */
  refresh?: Promise<void>;
}

/** When a read started and under which generation: what decides whether its result may be used. */
interface Snapshot<T> {
  startedAt: number;
  generation: number;
  value: Promise<T>;
}

export class UserListCache<T> {
  readonly #options: Required<UserListCacheOptions<T>>;
  /** Completed reads. */
  readonly #entries: LruMap<string, Snapshot<T>>;
  /** Reads in progress, one per user (single flight). */
  #inFlight = new Map<string, Snapshot<T>>();

  constructor(options: UserListCacheOptions<T>) {
    this.#options = {
      refreshMs: GATEWAY_LIST_REFRESH_MS,
      maxStalenessMs: GATEWAY_LIST_MAX_STALENESS_MS,
      maxUsers: GATEWAY_LIST_MAX_USERS,
      now: () => Date.now(),
      ...options,
    };
    this.#entries = new LruMap(this.#options.maxUsers);
  }

  /** The user's listing, from a read at most `maxStalenessMs` old and not older than this isolate's last write. */
  async get(userId: string): Promise<CachedListing<T>> {
    const now = this.#options.now();
    const entry = this.#entries.get(userId);
    if (!entry || !this.#usable(entry, now)) return { value: await this.#read(userId, now).value };
    const value = await entry.value;
    if (now - entry.startedAt < this.#options.refreshMs) return { value };
    const refresh = this.#read(userId, now).value.then(() => undefined);
    return { value, refresh };
  }

  #usable(snapshot: Snapshot<T>, now: number): boolean {
    return (
      snapshot.generation === this.#options.generation() && now - snapshot.startedAt < this.#options.maxStalenessMs
    );
  }

  /** Joins the user's read in progress when it is itself usable, else starts one. */
  #read(userId: string, now: number): Snapshot<T> {
    const running = this.#inFlight.get(userId);
    if (running && this.#usable(running, now)) return running;
    const snapshot: Snapshot<T> = {
      startedAt: now,
      generation: this.#options.generation(),
      value: this.#options.load(userId),
    };
    this.#inFlight.set(userId, snapshot);
    snapshot.value.then(
      () => {
        if (this.#inFlight.get(userId) === snapshot) this.#inFlight.delete(userId);
        const current = this.#entries.peek(userId);
        // A slow read never replaces a newer one.
        if (current && (current.startedAt > snapshot.startedAt || current.generation > snapshot.generation)) return;
        this.#entries.set(userId, snapshot);
      },
      () => {
        if (this.#inFlight.get(userId) === snapshot) this.#inFlight.delete(userId);
      },
    );
    return snapshot;
  }
}
