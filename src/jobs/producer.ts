import { type JobMessage, jobMessageSchema, type NewJob } from "./messages";

/**
 * Sends one job to the jobs queue. The message is validated against its kind's schema before it is
 * sent, so a malformed (or secret-carrying, since schemas are strict) message never reaches the queue.
 * @returns the job id, which names the job in logs and in `job_failures`.
 */
export async function enqueueJob(queue: Queue, job: NewJob, options?: QueueSendOptions): Promise<string> {
  const message: JobMessage = jobMessageSchema.parse({ ...job, jobId: crypto.randomUUID(), enqueuedAt: Date.now() });
  await queue.send(message, { contentType: "json", ...options });
  return message.jobId;
}
