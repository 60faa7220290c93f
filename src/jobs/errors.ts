/**
 * Thrown by a job handler when retrying cannot help (the referenced row is gone, the input is
 * invalid). The job is recorded as dead at once instead of being retried into the dead-letter queue.
 */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}
