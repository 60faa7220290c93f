import { describe, expect, it } from "vitest";
import { RevokedGrantsCache } from "../../../src/oauth-server/revocation-cache";

/** A controllable D1 stand-in: the revoked set "in storage" and the reads made. */
function harness() {
  let now = 1_000_000;
  const stored = new Map<string, number>();
  const reads: number[] = [];
  const cache = new RevokedGrantsCache({
    windowMs: 600_000,
    now: () => now,
    load: async (since) => {
      reads.push(since);
      return [...stored].filter(([, at]) => at >= since).map(([id]) => id);
    },
  });
  return {
    cache,
    stored,
    reads,
    advance: (ms: number) => {
      now += ms;
    },
    revokeInStorage: (id: string) => stored.set(id, now),
  };
}

describe("RevokedGrantsCache (SPEC §8: revocation visible on /mcp within 5 s)", () => {
  it("reads storage on first use, then at most once per refresh interval", async () => {
    const h = harness();
    expect((await h.cache.check("g1")).revoked).toBe(false);
    expect(h.reads).toHaveLength(1);
    h.advance(1_000);
    await h.cache.check("g1");
    await h.cache.check("g2");
    expect(h.reads).toHaveLength(1);
  });

  it("refreshes in the background after 2 s and answers from the current snapshot meanwhile", async () => {
    const h = harness();
    await h.cache.check("g1");
    h.revokeInStorage("g1");
    h.advance(2_500);
    const verdict = await h.cache.check("g1");
    expect(verdict.revoked).toBe(false);
    expect(verdict.refresh).toBeInstanceOf(Promise);
    await verdict.refresh;
    expect((await h.cache.check("g1")).revoked).toBe(true);
  });

  it.each([1_000, 3_999, 4_000, 4_999])(
    "a revocation made %i ms after the last read is seen by every check from 4 s after it (bound < 5 s)",
    async (delay) => {
      const h = harness();
      await h.cache.check("g1");
      h.advance(delay);
      h.revokeInStorage("g1");
      h.advance(4_000);
      // Whatever background refreshes were or were not awaited, a check now sees it.
      expect((await h.cache.check("g1")).revoked).toBe(true);
    },
  );

  it("waits for a fresh read rather than trust a snapshot 4 s old", async () => {
    const h = harness();
    await h.cache.check("g1");
    h.revokeInStorage("g1");
    h.advance(4_000);
    const verdict = await h.cache.check("g1");
    expect(verdict).toEqual({ revoked: true });
    expect(h.reads).toHaveLength(2);
  });

  it("makes concurrent checks share one read (single flight)", async () => {
    const h = harness();
    await Promise.all([h.cache.check("a"), h.cache.check("b"), h.cache.check("c")]);
    expect(h.reads).toHaveLength(1);
  });

  it("only asks for revocations inside the access-token window", async () => {
    const h = harness();
    await h.cache.check("g1");
    expect(h.reads[0]).toBe(1_000_000 - 600_000);
  });

  it("applies this isolate's own revocations at once", async () => {
    const h = harness();
    await h.cache.check("g1");
    h.cache.markRevoked("g1");
    expect((await h.cache.check("g1")).revoked).toBe(true);
  });

  it("fails closed when storage cannot be read: the check throws instead of answering 'not revoked'", async () => {
    const cache = new RevokedGrantsCache({ windowMs: 1, load: async () => Promise.reject(new Error("D1 down")) });
    await expect(cache.check("g1")).rejects.toThrow("D1 down");
  });
});
