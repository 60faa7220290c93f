import type { ConnectionEvent } from "./webhook-event";

/**
 * The connection-sync decision for one Paragon connection event (SPEC §9), as a pure function:
 * given the event and the user's live `paragon` connections for that integration, what to write.
 * The shell (`webhook.ts`) loads, calls this, and writes; replays and redeliveries decide "none".
 *
 * - `installed`: the connection holding that credential is (re)activated; a new credential reuses a
 *   disconnected connection of the integration (a reconnect), else gets a new connection named
 *   `<integration> (Paragon)`, made unique among the user's names (`… (2)`, `… (3)`).
 * - `uninstalled`: the connection of that credential — or, with no credential named, every active one of
 *   the integration — is marked `disconnected`.
 * - `updated`: metadata (and status) of the credential's connection follow Paragon; an update for a
 *   credential we never saw installed creates it (the install event was lost).
 */
export interface ParagonConnectionRow {
  id: string;
  name: string;
  status: "active" | "invalid" | "expired" | "revoked" | "disconnected";
  credentialId: string | null;
  metadata: Record<string, unknown> | null;
}

export type SyncDecision =
  | { action: "create"; name: string; credentialId: string; metadata: Record<string, unknown> | null }
  | {
      action: "update";
      connectionId: string;
      changes: { status?: "active"; credentialId?: string; metadata?: Record<string, unknown> | null };
    }
  | { action: "disconnect"; connectionIds: string[] }
  | { action: "none"; reason: string };

export function connectionNameFor(integration: string): string {
  return `${integration} (Paragon)`;
}

/**
 * `base`, else `base (2)`, `base (3)`, … — the first not in `taken` (names are unique per owner, SPEC §6.1;
 * the same suffix as the connection store's `uniqueConnectionName`).
 */
export function uniqueConnectionName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base} (${n})`;
    if (!taken.has(candidate)) return candidate;
  }
}

export function decideParagonSync(
  event: Pick<ConnectionEvent, "type" | "integration" | "credentialId" | "metadata">,
  /** The user's live paragon connections for `event.integration`, oldest first. */
  existing: readonly ParagonConnectionRow[],
  /** Every live connection name of the user (any method). */
  takenNames: ReadonlySet<string>,
): SyncDecision {
  const metadata = event.metadata ?? null;
  const byCredential = event.credentialId ? existing.find((row) => row.credentialId === event.credentialId) : undefined;

  switch (event.type) {
    case "integration.installed":
    case "integration.updated": {
      const credentialId = event.credentialId;
      const target =
        byCredential ??
        (credentialId ? undefined : existing[0]) ??
        (event.type === "integration.installed" ? existing.find((row) => row.status === "disconnected") : undefined);
      if (!target) {
        if (!credentialId) return { action: "none", reason: "no credential id to create a connection with" };
        return {
          action: "create",
          name: uniqueConnectionName(connectionNameFor(event.integration), takenNames),
          credentialId,
          metadata,
        };
      }
      const changes: Extract<SyncDecision, { action: "update" }>["changes"] = {};
      // An update never revives a connection the user disconnected; only an install does.
      if (event.type === "integration.installed" && target.status !== "active") changes.status = "active";
      if (credentialId && target.credentialId !== credentialId) changes.credentialId = credentialId;
      if (event.metadata !== undefined && !sameJson(target.metadata, metadata)) changes.metadata = metadata;
      if (Object.keys(changes).length === 0) return { action: "none", reason: "already in sync" };
      return { action: "update", connectionId: target.id, changes };
    }
    case "integration.uninstalled": {
      const targets = event.credentialId
        ? byCredential
          ? [byCredential]
          : []
        : existing.filter((row) => row.status !== "disconnected");
      const toDisconnect = targets.filter((row) => row.status !== "disconnected").map((row) => row.id);
      if (toDisconnect.length === 0) return { action: "none", reason: "nothing to disconnect" };
      return { action: "disconnect", connectionIds: toDisconnect };
    }
  }
}

/** Structural equality of JSON values (key order insensitive), for "did the metadata change?". */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((value, index) => sameJson(value, b[index]));
  }
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every(
    (key) =>
      Object.hasOwn(b, key) && sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
