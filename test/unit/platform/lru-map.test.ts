import { describe, expect, it } from "vitest";
import { LruMap } from "../../../src/platform/lru-map";

describe("LruMap", () => {
  it("drops the least recently used entry once full; get makes an entry recent, peek does not", () => {
    const map = new LruMap<string, number>(2);
    map.set("a", 1);
    map.set("b", 2);
    expect(map.get("a")).toBe(1); // a is now the most recent
    map.set("c", 3); // drops b
    expect(map.peek("b")).toBeUndefined();
    expect(map.peek("a")).toBe(1); // b gone, a kept; peek leaves a the oldest
    map.set("d", 4); // drops a
    expect([map.peek("a"), map.peek("c"), map.peek("d")]).toEqual([undefined, 3, 4]);
    expect(map.size).toBe(2);
  });

  it("replaces a key in place without evicting another, and deletes", () => {
    const map = new LruMap<string, number>(2);
    map.set("a", 1);
    map.set("b", 2);
    map.set("a", 10);
    expect([map.peek("a"), map.peek("b"), map.size]).toEqual([10, 2, 2]);
    expect(map.delete("a")).toBe(true);
    expect(map.get("a")).toBeUndefined();
    expect(map.size).toBe(1);
  });

  it("keeps a stored undefined-free null value", () => {
    const map = new LruMap<string, null>(1);
    map.set("k", null);
    expect(map.get("k")).toBeNull();
  });
});
