/**
 * Personal API keys (SPEC §5.4): the key format, and which requests a key may make. Pure.
 *
 * A key is `eik_` + 32 random bytes (base64url, 256 bits). Only its SHA-256 is stored: a key that
 * random cannot be guessed or brute-forced from its hash, so a fast hash is enough (as for GitHub and
 * Stripe tokens) and lookups are one indexed read. The first 12 characters (`eik_` + 8) are kept as the
 * display prefix so a user can tell keys apart; they carry 48 bits, not enough to matter.
 */

export const API_KEY_PREFIX = "eik_";
export const API_KEY_PATTERN = /^eik_[A-Za-z0-9_-]{43}$/;
export const API_KEY_DISPLAY_PREFIX_LENGTH = 12;
export const MAX_API_KEYS_PER_USER = 50;
export const MAX_API_KEY_LIFETIME_DAYS = 365;
/** `last_used_at` is written at most this often per key (it is bookkeeping, not an audit log). */
export const API_KEY_TOUCH_INTERVAL_MS = 60_000;

/**
 * What a key may be limited to. A key created without `scopes` may do everything its owner may do
 * through the API except managing API keys and admin routes (SPEC §5.4).
 */
export const API_KEY_SCOPES = [
  "account:read",
  "connections:read",
  "connections:write",
  "connections:use",
  "workflows:read",
  "workflows:execute",
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const READ = new Set(["GET", "HEAD"]);
const ANY = null;

/**
 * The scope each API route needs when called with a key, first match wins. `scope: null` marks routes a
 * key can never use, whatever its scopes: key management (a leaked key must not mint or hide keys),
 * admin routes, and session management. A route with no row is open to default (unscoped) keys only.
 * Features add their routes here (one row each).
 */
export const API_KEY_ROUTE_SCOPES: ReadonlyArray<{
  path: RegExp;
  methods: ReadonlySet<string> | typeof ANY;
  scope: ApiKeyScope | null;
}> = [
  { path: /^\/api\/api-keys(\/|$)/, methods: ANY, scope: null },
  { path: /^\/api\/admin(\/|$)/, methods: ANY, scope: null },
  { path: /^\/api\/auth\/me$/, methods: READ, scope: "account:read" },
  { path: /^\/api\/auth(\/|$)/, methods: ANY, scope: null },
  // Which apps may act for the user is the user's own decision, as for keys.
  { path: /^\/api\/oauth\/grants(\/|$)/, methods: ANY, scope: null },
  { path: /^\/api\/connections\/[^/]+\/proxy(\/|$)/, methods: ANY, scope: "connections:use" },
  { path: /^\/api\/connections\/(test|[^/]+\/test)$/, methods: ANY, scope: "connections:use" },
  { path: /^\/api\/connections\/mcp\/discover$/, methods: ANY, scope: "connections:use" },
  { path: /^\/api\/connections\/[^/]+\/(refresh-tools|tools\/[^/]+\/call)$/, methods: ANY, scope: "connections:use" },
  { path: /^\/api\/paragon(\/|$)/, methods: ANY, scope: "connections:use" },
  { path: /^\/api\/webhooks\/send$/, methods: ANY, scope: "connections:use" },
  { path: /^\/api\/(connections|providers)(\/|$)/, methods: READ, scope: "connections:read" },
  { path: /^\/api\/connections(\/|$)/, methods: ANY, scope: "connections:write" },
  { path: /^\/api\/oauth(\/|$)/, methods: ANY, scope: "connections:write" },
  { path: /^\/api\/(workflows|agents|executions)(\/|$)/, methods: READ, scope: "workflows:read" },
  { path: /^\/api\/(workflows|agents|executions)(\/|$)/, methods: ANY, scope: "workflows:execute" },
];

export type ApiKeyAccess =
  | { allowed: true }
  | { allowed: false; reason: "session_only" }
  | { allowed: false; reason: "insufficient_scope"; scope: ApiKeyScope | null };

/**
 * Whether a key with `scopes` (null: the default, everything but session-only routes) may make this
 * request.
 */
export function authorizeApiKeyRequest(scopes: readonly string[] | null, method: string, path: string): ApiKeyAccess {
  const row = API_KEY_ROUTE_SCOPES.find(
    (entry) => entry.path.test(path) && (entry.methods === ANY || entry.methods.has(method.toUpperCase())),
  );
  if (row && row.scope === null) return { allowed: false, reason: "session_only" };
  if (scopes === null) return { allowed: true };
  if (!row) return { allowed: false, reason: "insufficient_scope", scope: null };
  return scopes.includes(row.scope as string)
    ? { allowed: true }
    : { allowed: false, reason: "insufficient_scope", scope: row.scope };
}

export type ApiKeyState = "active" | "revoked" | "expired";

/** A key works until it is revoked or its expiry passes (checked on every request, never cached). */
export function apiKeyState(key: { revokedAt: number | null; expiresAt: number | null }, now: number): ApiKeyState {
  if (key.revokedAt !== null) return "revoked";
  if (key.expiresAt !== null && key.expiresAt <= now) return "expired";
  return "active";
}

/**
 * The key in an `Authorization: Bearer` header (RFC 6750 §2.1), if the header carries one of ours.
 * `undefined`: no bearer credential at all; `null`: a bearer credential that is not an API key.
 */
export function bearerApiKey(authorization: string | undefined): string | null | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  if (!match) return undefined;
  const token = match[1] as string;
  return API_KEY_PATTERN.test(token) ? token : null;
}

/** The key's display prefix (`eik_` + 8 characters). */
export function displayPrefix(key: string): string {
  return key.slice(0, API_KEY_DISPLAY_PREFIX_LENGTH);
}
