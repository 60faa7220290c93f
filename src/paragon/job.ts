import * as z from "zod";
import { keyringFor } from "../crypto/keyring";
import { defineJob } from "../jobs/define";
import { getConfig } from "../platform/config";
import { syncParagonConnection } from "./connection-sync";
import { paragonProxyBase } from "./credentials";
import { CONNECTION_EVENTS } from "./webhook-event";

/**
 * `paragon.sync_connection`: a Paragon connection event whose inline processing failed, retried by the
 * jobs queue with backoff (and recorded in `job_failures` if it keeps failing) — never dropped. The
 * payload is the parsed event: ids and Paragon metadata, no credential.
 */
export const paragonSyncPayload = z.strictObject({
  kind: z.literal("connection"),
  type: z.enum(CONNECTION_EVENTS),
  dedupeKey: z.string().min(1).max(300),
  userId: z.string().min(1).max(256),
  integration: z.string().min(1).max(128),
  credentialId: z.string().min(1).max(256).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const paragonSyncJob = defineJob({
  kind: "paragon.sync_connection",
  payload: paragonSyncPayload,
  async handler(job, { env, db, log }) {
    const config = getConfig(env);
    const api = config.paragon.api;
    const proxyBaseFor = api
      ? (integration: string) => paragonProxyBase(api.proxyOrigin, api.projectId, integration)
      : undefined;
    await syncParagonConnection(
      { db, keyring: keyringFor(config.keyring), log, now: Date.now(), proxyBaseFor },
      job.payload,
    );
  },
});
