import { desc, eq } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { recordAudit } from "../audit/record";
import { currentSession, requireSession } from "../auth/session-auth";
import { getDb } from "../db/client";
import { reencryptionRuns } from "../db/schema";
import { enqueueJob } from "../jobs/producer";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { ciphertextsByKey } from "./rotation";
import { reencryptJob } from "./rotation-job";

/**
 * Encryption-key operations (rotation), for platform operators — the people listed in
 * `PLATFORM_ADMIN_EMAILS` with a verified email — not organization admins: the keyring is global.
 */
function requirePlatformAdmin(c: Context<AppEnv>) {
  const session = currentSession(c);
  if (!session.user.emailVerified || !c.var.config.platformAdminEmails.has(session.user.email)) {
    throw new AppError("forbidden", "Only platform administrators can manage encryption keys");
  }
  return session;
}

function describeRun(run: typeof reencryptionRuns.$inferSelect) {
  return {
    id: run.id,
    status: run.status,
    target_key_id: run.targetKeyId,
    processed: run.processed,
    failed: run.failed,
    last_error: run.lastError,
    started_at: run.startedAt,
    updated_at: run.updatedAt,
    finished_at: run.finishedAt,
  };
}

export const encryptionAdminRoutes = new Hono<AppEnv>()
  .use(requireSession())

  /** Which keys ciphertexts are under, and recent runs. */
  .get("/", async (c) => {
    requirePlatformAdmin(c);
    const db = getDb(c.env.DB);
    const keyring = c.var.config.keyring;
    const runs = await db.select().from(reencryptionRuns).orderBy(desc(reencryptionRuns.startedAt)).limit(5);
    return c.json({
      success: true,
      data: {
        primary_key_id: keyring.primaryKeyId,
        configured_key_ids: [...keyring.keys.keys()],
        connections_by_key: await ciphertextsByKey(db),
        runs: runs.map(describeRun),
      },
    });
  })

  /** Starts re-encrypting everything under old keys (or returns the run already in progress). */
  .post("/reencrypt", async (c) => {
    const session = requirePlatformAdmin(c);
    const db = getDb(c.env.DB);
    const primary = c.var.config.keyring.primaryKeyId;
    const running = await db.select().from(reencryptionRuns).where(eq(reencryptionRuns.status, "running")).get();
    if (running && running.targetKeyId === primary) return c.json({ success: true, data: describeRun(running) }, 202);
    const now = Date.now();
    const run = await db
      .insert(reencryptionRuns)
      .values({
        id: crypto.randomUUID(),
        targetKeyId: primary,
        status: "running",
        startedBy: session.userId,
        startedAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    await enqueueJob(c.env.JOBS, reencryptJob, { runId: run.id, cursor: null });
    recordAudit(c, {
      action: "admin.encryption.reencrypt",
      outcome: "success",
      actorId: session.userId,
      targetType: "reencryption_run",
      targetId: run.id,
    });
    return c.json({ success: true, data: describeRun(run) }, 202);
  })

  .get("/reencrypt/:id", async (c) => {
    requirePlatformAdmin(c);
    const run = await getDb(c.env.DB)
      .select()
      .from(reencryptionRuns)
      .where(eq(reencryptionRuns.id, c.req.param("id")))
      .get();
    if (!run) throw new AppError("not_found", "Run not found");
    return c.json({ success: true, data: describeRun(run) });
  });
