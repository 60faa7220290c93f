import type { z } from "zod";
import { type JobDefinition, jobMessageSchemaOf } from "./define";

/**
 * Sends one job to the jobs queue. The message is validated against its kind's schema before it is
 * sent, so a malformed (or secret-carrying, since schemas are strict) message never reaches the queue.
 * @returns the job id, which names the job in logs and in `job_failures`.
 */
export async function enqueueJob<K extends string, S extends z.ZodType>(
  queue: Queue,
  definition: JobDefinition<K, S>,
  payload: z.input<S>,
  options?: QueueSendOptions,
): Promise<string> {
  const message = jobMessageSchemaOf(definition).parse({
    kind: definition.kind,
    jobId: crypto.randomUUID(),
    enqueuedAt: Date.now(),
    payload,
  });
  await queue.send(message, { contentType: "json", ...options });
  return message.jobId;
}
