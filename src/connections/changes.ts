/**
 * A per-isolate count of connection writes, so caches of connection-derived data (the `/mcp` gateway's tool
 * lists, `src/mcp-client/gateway-cache.ts`) can drop what this isolate has just changed without a storage read.
 * One counter for every user: writes are rare next to reads, and over-invalidating only costs a re-read.
 *
 * It sees only this isolate's writes; a cache that uses it still needs its own staleness bound for writes made
 * elsewhere (other isolates, Durable Objects, direct SQL).
 */
let generation = 0;

/** The current generation: it changes after every connection write in this isolate. */
export function connectionsGeneration(): number {
  return generation;
}

/** Called by the connection store after each write that can change what a user's connections look like. */
export function noteConnectionsChanged(): void {
  generation += 1;
}
