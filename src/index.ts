import { createApp } from "./app";
import { JOB_REGISTRY } from "./job-registry";
import { consumeJobs, recordDeadLetters } from "./jobs/consumer";
import { getConfig } from "./platform/config";
import { createLogger } from "./platform/logger";

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
} satisfies ExportedHandler<Env>;
