import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import type { WorkerKeySource } from "./settings";

/** A fetched JWKS is reused this long; a token with an unknown `kid` triggers a refetch after the cooldown. */
export const WORKER_JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;
export const WORKER_JWKS_COOLDOWN_MS = 30_000;
export const WORKER_JWKS_TIMEOUT_MS = 5_000;

const remoteSets = new Map<string, JWTVerifyGetKey>();
const inlineSets = new WeakMap<object, JWTVerifyGetKey>();

/**
 * The key lookup for a key source. Remote sets are cached per URL for the isolate's life (jose refetches when
 * the cache is older than `cacheMaxAge`, or on an unknown `kid` after `cooldownDuration`), so key rotation
 * works without a redeploy: publish the new key, then start signing with it.
 * @see https://github.com/panva/jose/blob/main/docs/jwks/remote/functions/createRemoteJWKSet.md
 */
export function workerKeyLookup(source: WorkerKeySource): JWTVerifyGetKey {
  if (source.kind === "inline") {
    let lookup = inlineSets.get(source.jwks);
    if (!lookup) {
      lookup = createLocalJWKSet(source.jwks as Parameters<typeof createLocalJWKSet>[0]);
      inlineSets.set(source.jwks, lookup);
    }
    return lookup;
  }
  let lookup = remoteSets.get(source.url.href);
  if (!lookup) {
    lookup = createRemoteJWKSet(source.url, {
      cacheMaxAge: WORKER_JWKS_CACHE_MAX_AGE_MS,
      cooldownDuration: WORKER_JWKS_COOLDOWN_MS,
      timeoutDuration: WORKER_JWKS_TIMEOUT_MS,
    });
    remoteSets.set(source.url.href, lookup);
  }
  return lookup;
}
