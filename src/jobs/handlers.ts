import type { Database } from "../db/client";
import { auditEvents } from "../db/schema";
import type { Logger } from "../platform/logger";
import type { JobKind, JobOf } from "./messages";

export interface JobContext {
  env: Env;
  db: Database;
  log: Logger;
}

export type JobHandler<K extends JobKind> = (job: JobOf<K>, context: JobContext) => Promise<void>;
export type JobHandlers = { [K in JobKind]: JobHandler<K> };

/**
 * The handler of every job kind. Handlers must be idempotent: a message can be delivered more than
 * once (at-least-once delivery), so each uses the job's own ids as keys.
 */
export const JOB_HANDLERS: JobHandlers = {
  "audit.record": async (job, { db }) => {
    // The event id is the primary key: a redelivered message inserts nothing twice.
    await db.insert(auditEvents).values(job.payload).onConflictDoNothing();
  },
};
