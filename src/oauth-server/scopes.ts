/**
 * The scopes of our authorization server (SPEC §8), declared as data: what each one allows in plain
 * words (shown on the consent page) and whether a protected resource advertises it.
 *
 * `offline_access` (OpenID Connect Core §11, reused by OAuth 2.1 deployments) asks for a refresh
 * token; it is about the grant, not about the resource, so the MCP authorization spec (2025-11-25
 * "Scope Selection Strategy") keeps it out of RFC 9728 `scopes_supported` and out of challenges.
 */
export const SCOPES = {
  "workflows:read": { description: "See your workflows and the status of their runs", resource: true },
  "workflows:execute": { description: "Run your workflows", resource: true },
  "agents:read": { description: "See your agents", resource: true },
  "agents:execute": { description: "Run your agents", resource: true },
  "connections:use": {
    description: "Use the tools of your connected apps through this server (their credentials stay here)",
    resource: true,
  },
  offline_access: { description: "Stay connected when you are not using it (refresh tokens)", resource: false },
} as const satisfies Record<string, { description: string; resource: boolean }>;

export type Scope = keyof typeof SCOPES;

export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];
/** Scopes a protected resource advertises and challenges with (RFC 9728 §2 `scopes_supported`). */
export const RESOURCE_SCOPES = ALL_SCOPES.filter((scope) => SCOPES[scope].resource);
export const OFFLINE_ACCESS: Scope = "offline_access";

/** RFC 6749 §3.3: `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPES, value);
}

export type ScopeParse = { ok: true; scopes: Scope[] } | { ok: false; unknown: string[] };

/**
 * Parses a `scope` parameter (RFC 6749 §3.3: space-delimited, order-insensitive, case-sensitive).
 * `undefined` or blank means "not requested" and yields `[]`; the caller picks the default. Any
 * unknown or malformed token fails the whole request (`invalid_scope`, RFC 6749 §4.1.2.1) rather than
 * being dropped, so a client never believes it holds a scope it does not.
 */
export function parseScopeParameter(value: string | null | undefined): ScopeParse {
  const tokens = (value ?? "").split(" ").filter((token) => token !== "");
  const unknown = tokens.filter((token) => !SCOPE_TOKEN.test(token) || !isScope(token));
  if (unknown.length > 0) return { ok: false, unknown };
  return { ok: true, scopes: normalizeScopes(tokens as Scope[]) };
}

/** Deduplicated, in catalog order, so equal sets have equal strings (remembered consent compares them). */
export function normalizeScopes(scopes: Iterable<string>): Scope[] {
  const set = new Set(scopes);
  return ALL_SCOPES.filter((scope) => set.has(scope));
}

/** The space-delimited wire form (RFC 6749 §3.3). */
export function formatScopes(scopes: Iterable<string>): string {
  return normalizeScopes(scopes).join(" ");
}

/**
 * The scopes to grant for an authorization request (RFC 6749 §3.3: the server may fully or partially
 * ignore the requested scope). Without a `scope` parameter the client gets every resource scope.
 * `offline_access` follows the client's registration rather than the request: a client registered for
 * the refresh_token grant (RFC 7591 §2 `grant_types`) gets it — MCP clients request the resource's
 * `scopes_supported`, which never lists it, yet expect refresh tokens — and the consent page shows it;
 * a client not registered for refreshing never gets it.
 */
export function scopesToGrant(requested: Scope[], options: { mayRefresh: boolean }): Scope[] {
  const base = requested.length > 0 ? requested : RESOURCE_SCOPES;
  const withoutOffline = base.filter((scope) => scope !== OFFLINE_ACCESS);
  return normalizeScopes(options.mayRefresh ? [...withoutOffline, OFFLINE_ACCESS] : withoutOffline);
}

/** True when `granted` contains every scope in `required`. */
export function hasScopes(granted: Iterable<string>, required: readonly Scope[]): boolean {
  const set = new Set(granted);
  return required.every((scope) => set.has(scope));
}

/**
 * RFC 6749 §6: a refresh request may narrow the scope but never widen it beyond the original grant.
 * Returns the narrowed set, or null when `requested` asks for something the grant does not hold.
 */
export function narrowScopes(granted: readonly Scope[], requested: Scope[]): Scope[] | null {
  if (requested.length === 0) return [...granted];
  return hasScopes(granted, requested) ? normalizeScopes(requested) : null;
}
