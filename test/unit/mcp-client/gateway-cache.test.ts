import { describe, expect, it } from "vitest";
import {
  GATEWAY_LIST_MAX_STALENESS_MS,
  GATEWAY_LIST_REFRESH_MS,
  UserListCache,
} from "../../../src/mcp-client/gateway-cache";

/** A controllable storage stand-in: each user's listing "in storage", the reads made, and the write generation. */
function harness(options: { maxUsers?: number } = {}) {
  let now = 1_000_000;
  let generation = 0;
  const stored = new Map<string, string[]>();
  const reads: string[] = [];
  let failNext = false;
  const pending: (() => void)[] = [];
  let holdReads = false;
  const cache = new UserListCache<string[]>({
    now: () => now,
    generation: () => generation,
    ...options,
    load: async (userId) => {
      reads.push(userId);
      const value = [...(stored.get(userId) ?? [])];
      if (holdReads) await new Promise<void>((resolve) => pending.push(resolve));
      if (failNext) {
        failNext = false;
        throw new Error("D1 unavailable");
      }
      return value;
    },
  });
  return {
    cache,
    stored,
    reads,
    advance: (ms: number) => {
      now += ms;
    },
    /** A connection write through this isolate (the store bumps the generation after D1 answers). */
    writeHere: (userId: string, tools: string[]) => {
      stored.set(userId, tools);
      generation += 1;
    },
    /** A write by another isolate, a Durable Object or direct SQL: storage changes, this isolate is not told. */
    writeElsewhere: (userId: string, tools: string[]) => stored.set(userId, tools),
    failNextRead: () => {
      failNext = true;
    },
    holdReads: () => {
      holdReads = true;
    },
    releaseReads: () => {
      holdReads = false;
      for (const release of pending.splice(0)) release();
    },
  };
}

describe("UserListCache (the /mcp gateway's per-user listing: this isolate's writes at once, others' within 5 s)", () => {
  it("reads storage on first use, then answers from memory until the refresh interval", async () => {
    const h = harness();
    h.writeElsewhere("u1", ["docs__echo"]);
    expect((await h.cache.get("u1")).value).toEqual(["docs__echo"]);
    h.advance(GATEWAY_LIST_REFRESH_MS - 1);
    const again = await h.cache.get("u1");
    expect(again).toEqual({ value: ["docs__echo"] });
    expect(h.reads).toEqual(["u1"]);
  });

  it("keeps users apart", async () => {
    const h = harness();
    h.writeElsewhere("u1", ["docs__echo"]);
    h.writeElsewhere("u2", ["linear__connect"]);
    expect((await h.cache.get("u1")).value).toEqual(["docs__echo"]);
    expect((await h.cache.get("u2")).value).toEqual(["linear__connect"]);
    expect(h.reads).toEqual(["u1", "u2"]);
  });

  it("sees a connection removed through this isolate on the very next request", async () => {
    const h = harness();
    h.writeElsewhere("u1", ["docs__echo"]);
    await h.cache.get("u1");
    h.advance(1);
    h.writeHere("u1", []);
    expect((await h.cache.get("u1")).value).toEqual([]);
  });

  it("re-reads in the background after 2 s and answers from the current listing meanwhile", async () => {
    const h = harness();
    h.writeElsewhere("u1", ["docs__echo"]);
    await h.cache.get("u1");
    h.writeElsewhere("u1", []);
    h.advance(GATEWAY_LIST_REFRESH_MS);
    const stale = await h.cache.get("u1");
    expect(stale.value).toEqual(["docs__echo"]);
    expect(stale.refresh).toBeInstanceOf(Promise);
    await stale.refresh;
    expect(await h.cache.get("u1")).toEqual({ value: [] });
  });

  it.each([0, 1_000, 1_999, 2_000, 4_999])(
    "a connection removed elsewhere %i ms after the last read is gone from every answer 5 s after the removal",
    async (delay) => {
      const h = harness();
      h.writeElsewhere("u1", ["docs__echo"]);
      await h.cache.get("u1");
      h.advance(delay);
      h.writeElsewhere("u1", []);
      await h.cache.get("u1"); // may start a background re-read, left unawaited
      h.advance(GATEWAY_LIST_MAX_STALENESS_MS);
      // Whether or not any background re-read was awaited, an answer now comes from a read started after it.
      expect((await h.cache.get("u1")).value).toEqual([]);
    },
  );

  it("never uses a listing whose read started 5 s ago, even with no request in between", async () => {
    const h = harness();
    h.writeElsewhere("u1", ["docs__echo"]);
    await h.cache.get("u1");
    h.writeElsewhere("u1", ["docs__echo", "docs__add"]);
    h.advance(GATEWAY_LIST_MAX_STALENESS_MS);
    const fresh = await h.cache.get("u1");
    expect(fresh).toEqual({ value: ["docs__echo", "docs__add"] });
    expect(h.reads).toHaveLength(2);
  });

  it("shares one read among concurrent requests (single flight)", async () => {
    const h = harness();
    h.writeElsewhere("u1", ["docs__echo"]);
    h.holdReads();
    const answers = Promise.all([h.cache.get("u1"), h.cache.get("u1"), h.cache.get("u1")]);
    h.releaseReads();
    expect((await answers).map((a) => a.value)).toEqual([["docs__echo"], ["docs__echo"], ["docs__echo"]]);
    expect(h.reads).toEqual(["u1"]);
  });

  it("does not let a request join a read that started before this isolate's last write", async () => {
    const h = harness();
    h.writeElsewhere("u1", ["docs__echo"]);
    h.holdReads();
    const before = h.cache.get("u1");
    h.writeHere("u1", []);
    const after = h.cache.get("u1");
    h.releaseReads();
    expect((await before).value).toEqual(["docs__echo"]);
    expect((await after).value).toEqual([]);
    // And the older read, finishing last or not, is not what later requests get.
    expect((await h.cache.get("u1")).value).toEqual([]);
    expect(h.reads).toEqual(["u1", "u1"]);
  });

  it("does not cache a failed read: the request fails and the next one reads again", async () => {
    const h = harness();
    h.writeElsewhere("u1", ["docs__echo"]);
    h.failNextRead();
    await expect(h.cache.get("u1")).rejects.toThrow("D1 unavailable");
    expect((await h.cache.get("u1")).value).toEqual(["docs__echo"]);
    expect(h.reads).toEqual(["u1", "u1"]);
  });

  it("keeps answering from the current listing when a background re-read fails, until 5 s", async () => {
    const h = harness();
    h.writeElsewhere("u1", ["docs__echo"]);
    await h.cache.get("u1");
    h.advance(GATEWAY_LIST_REFRESH_MS);
    h.failNextRead();
    const stale = await h.cache.get("u1");
    await expect(stale.refresh).rejects.toThrow("D1 unavailable");
    h.advance(1);
    expect((await h.cache.get("u1")).value).toEqual(["docs__echo"]);
    h.advance(GATEWAY_LIST_MAX_STALENESS_MS);
    h.writeElsewhere("u1", []);
    expect((await h.cache.get("u1")).value).toEqual([]);
  });

  it("drops the least recently read user beyond its size", async () => {
    const h = harness({ maxUsers: 2 });
    for (const user of ["u1", "u2"]) await h.cache.get(user);
    await h.cache.get("u1"); // u2 is now the least recently read
    await h.cache.get("u3");
    expect(h.reads).toEqual(["u1", "u2", "u3"]);
    await h.cache.get("u1");
    await h.cache.get("u2");
    expect(h.reads).toEqual(["u1", "u2", "u3", "u2"]);
  });
});
