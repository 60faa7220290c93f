import { createApp } from "./app";
import { getDb } from "./db/client";
import { sweepExpired } from "./db/retention";
import { JOB_REGISTRY } from "./job-registry";
import { consumeJobs, recordDeadLetters } from "./jobs/consumer";
import { getConfig } from "./platform/config";
import { createLogger } from "./platform/logger";
import { RETENTION_RULES } from "./retention-registry";

export { ConnectionRefresher } from "./oauth-client/refresher";
export { ExecutionWorkflow } from "./workflows/engine/workflow";
export { ExecutionEvents } from "./workflows/executions/events-object";

const app = createApp();

/** Queue names ending in this suffix are dead-letter queues (wrangler.toml `dead_letter_queue`). */
const DEAD_LETTER_QUEUE_SUFFIX = "-dlq";

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    const log = createLogger({ level: getConfig(env).logLevel, context: { queue: batch.queue } });
    if (batch.queue.endsWith(DEAD_LETTER_QUEUE_SUFFIX)) {
      await recordDeadLetters(batch, env, log, Date.now, JOB_REGISTRY);
    } else {
      await consumeJobs(batch, env, log, JOB_REGISTRY);
    }
  },

  /** The hourly cron (wrangler.toml `[triggers]`): deletes rows no feature needs any more (src/db/retention.ts). */
  async scheduled(controller, env) {
    const log = createLogger({ level: getConfig(env).logLevel, context: { cron: controller.cron } });
    const reports = await sweepExpired(getDb(env.DB), RETENTION_RULES, controller.scheduledTime);
    const deleted = Object.fromEntries(reports.filter((report) => report.deleted > 0).map((r) => [r.rule, r.deleted]));
    const backlog = reports.filter((report) => report.backlog).map((report) => report.rule);
    log.info("retention sweep", { deleted, ...(backlog.length > 0 ? { backlog } : {}) });
  },
} satisfies ExportedHandler<Env>;
