import * as z from "zod";
import type { Database } from "../db/client";
import type { Logger } from "../platform/logger";

/**
 * Jobs are declared by the feature that owns them (`defineJob`) and composed in `src/job-registry.ts`;
 * this folder only holds the envelope, the producer, the consumer and dead-letter recording.
 *
 * Every message is `{kind, jobId, enqueuedAt, payload}`: the `jobId` is stable across retries and the
 * dead-letter queue, so failures of one job are recorded on one row. Payload schemas are strict, so
 * nothing undeclared (a secret) can ride along; messages carry ids, never credentials (SPEC §1).
 */
export interface JobContext {
  env: Env;
  db: Database;
  log: Logger;
}

export interface Job<K extends string = string, P = unknown> {
  kind: K;
  jobId: string;
  enqueuedAt: number;
  payload: P;
}

export interface JobDefinition<K extends string = string, S extends z.ZodType = z.ZodType> {
  kind: K;
  /** The payload's strict schema, checked before a message is sent and again when it is consumed. */
  payload: S;
  /**
   * Idempotent: a message can be delivered more than once (at-least-once delivery), so a handler keys
   * its writes on the job's own ids. Throw `PermanentJobError` when retrying cannot help.
   */
  handler(job: Job<K, z.output<S>>, context: JobContext): Promise<void>;
  /** Optional: reacts once the queue gave up on a message (after `recordDeadLetters` recorded it). */
  onDeadLetter?(payload: z.output<S>, context: JobContext): Promise<void>;
}

/** Declares a job kind; the identity function that keeps its payload and handler types together. */
export function defineJob<K extends string, S extends z.ZodType>(definition: JobDefinition<K, S>): JobDefinition<K, S> {
  return definition;
}

const envelope = {
  jobId: z.uuid(),
  enqueuedAt: z.number().int().nonnegative(),
};

/** The full message schema of one job kind. */
export function jobMessageSchemaOf(definition: JobDefinition) {
  return z.strictObject({ ...envelope, kind: z.literal(definition.kind), payload: definition.payload });
}

export type JobHandlers = Record<string, JobDefinition["handler"]>;

/** Every job kind of the application, as the consumer needs them. */
export interface JobRegistry {
  /** Validates any message of a known kind. */
  schema: z.ZodType<Job>;
  handlers: JobHandlers;
  /** Per kind, the reaction to a dead letter (a failed execution, …), for kinds that declare one. */
  deadLetterHandlers: Record<string, NonNullable<JobDefinition["onDeadLetter"]>>;
}

/** Composes job definitions into a registry; a kind declared twice is a start-up error. */
export function createJobRegistry(definitions: readonly JobDefinition[]): JobRegistry {
  const handlers: JobHandlers = {};
  const deadLetterHandlers: JobRegistry["deadLetterHandlers"] = {};
  for (const definition of definitions) {
    if (handlers[definition.kind]) throw new Error(`job kind ${definition.kind} is declared twice`);
    handlers[definition.kind] = definition.handler as JobDefinition["handler"];
    if (definition.onDeadLetter) deadLetterHandlers[definition.kind] = definition.onDeadLetter.bind(definition);
  }
  const schemas = definitions.map(jobMessageSchemaOf);
  const schema =
    schemas.length === 1
      ? (schemas[0] as z.ZodType<Job>)
      : (z.discriminatedUnion("kind", schemas as unknown as [ReturnType<typeof jobMessageSchemaOf>]) as z.ZodType<Job>);
  return { schema, handlers, deadLetterHandlers };
}
