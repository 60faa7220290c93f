import { and, asc, eq, isNull } from "drizzle-orm";
import {
  applyStatusEvent,
  type EncryptedConnection,
  encryptConnectionData,
  insertConnection,
  updateConnection,
} from "../connections/store";
import type { Keyring } from "../crypto/keyring";
import type { Database } from "../db/client";
import { connections, users } from "../db/schema";
import type { Logger } from "../platform/logger";
import { decideParagonSync, type ParagonConnectionRow, type SyncDecision } from "./sync";
import type { ConnectionEvent } from "./webhook-event";

/**
 * Applies one Paragon connection event to the user's `paragon` connections: loads, asks the pure
 * `decideParagonSync`, writes. Idempotent — running it again for the same event decides "none" — so the
 * webhook can run it inline and the jobs queue can retry it after a failure.
 */
export interface SyncDependencies {
  db: Database;
  keyring: Keyring;
  log: Logger;
  now: number;
  /** The Paragon proxy base URL of an integration (the new connection's `base_url`), when the API is configured. */
  proxyBaseFor?: (integration: string) => string;
}

export type SyncOutcome = SyncDecision["action"] | "unknown_user";

export async function syncParagonConnection(deps: SyncDependencies, event: ConnectionEvent): Promise<SyncOutcome> {
  const { db, now } = deps;
  const user = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, event.userId), isNull(users.deletedAt)))
    .get();
  if (!user) {
    // Not retryable: the user token's `sub` is always one of our users, so this user was deleted.
    deps.log.warn("Paragon event for an unknown user ignored", { event: event.type, integration: event.integration });
    return "unknown_user";
  }
  const live = await db
    .select({ name: connections.name, row: connections })
    .from(connections)
    .where(and(eq(connections.userId, user.id), isNull(connections.deletedAt)))
    .orderBy(asc(connections.createdAt));
  const mine = live
    .map(({ row }) => row)
    .filter((row) => row.connectionMethod === "paragon" && row.paragonIntegration === event.integration);
  const decision = decideParagonSync(event, mine.map(toSyncRow), new Set(live.map(({ name }) => name)));
  const byId = new Map(mine.map((row) => [row.id, row]));

  switch (decision.action) {
    case "create": {
      const id = crypto.randomUUID();
      await insertConnection(db, {
        id,
        userId: user.id,
        organizationId: null,
        name: decision.name,
        provider: event.integration,
        connectionMethod: "paragon",
        awaitsAuthorization: false,
        dataEncrypted: await encryptConnectionData(deps.keyring, id, user.id, {
          paragon_user_id: user.id,
          integration: event.integration,
          credential_id: decision.credentialId,
        }),
        paragonUserId: user.id,
        paragonIntegration: event.integration,
        paragonCredentialId: decision.credentialId,
        paragonMetadata: decision.metadata,
        baseUrl: deps.proxyBaseFor?.(event.integration) ?? null,
        createdAt: now,
        updatedAt: now,
      });
      break;
    }
    case "update": {
      const current = byId.get(decision.connectionId) as EncryptedConnection;
      const { status, credentialId, metadata } = decision.changes;
      await updateConnection(
        db,
        current,
        {
          ...(credentialId
            ? {
                paragonCredentialId: credentialId,
                dataEncrypted: await encryptConnectionData(deps.keyring, current.id, user.id, {
                  paragon_user_id: user.id,
                  integration: event.integration,
                  credential_id: credentialId,
                }),
              }
            : {}),
          ...(metadata !== undefined ? { paragonMetadata: metadata } : {}),
        },
        { now, ...(status ? { event: { type: "authorized" } } : {}) },
      );
      break;
    }
    case "disconnect":
      for (const id of decision.connectionIds) {
        await applyStatusEvent(
          db,
          byId.get(id) as EncryptedConnection,
          { type: "disconnected_at_provider", message: "Disconnected in Paragon" },
          { updatedAt: now },
        );
      }
      break;
    case "none":
      break;
  }
  deps.log.info("Paragon connection event applied", {
    event: event.type,
    integration: event.integration,
    action: decision.action,
  });
  return decision.action;
}

function toSyncRow(row: EncryptedConnection): ParagonConnectionRow {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    credentialId: row.paragonCredentialId,
    metadata: row.paragonMetadata ?? null,
  };
}
