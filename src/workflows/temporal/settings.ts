import * as z from "zod";
import { ConfigError, isLoopbackHost } from "../../platform/config";

/**
 * Settings of the Temporal hand-off (SPEC §7.3). Temporal is used only when `TEMPORAL_HTTP_URL` is set;
 * without it every execution runs on the embedded Cloudflare Workflows engine.
 */
export const DEFAULT_TEMPORAL_NAMESPACE = "default";
export const DEFAULT_TEMPORAL_TASK_QUEUE = "edge-workflows";

export interface TemporalSettings {
  /** Base URL of Temporal's HTTP API (a frontend's HTTP port, 7243 by default, or Temporal Cloud's). */
  httpUrl: URL;
  namespace: string;
  taskQueue: string;
  /** Sent as `Authorization: Bearer`; optional for self-hosted clusters without auth. */
  apiKey?: string;
}

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

// Namespaces and task queues are path segments / proto strings; keep them to names an operator would type.
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

const settingsSchema = z.object({
  TEMPORAL_HTTP_URL: optionalString.pipe(
    z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" }).optional(),
  ),
  TEMPORAL_NAMESPACE: optionalString.pipe(
    z.string().regex(NAME_PATTERN, { error: "must be a Temporal namespace name" }).optional(),
  ),
  TEMPORAL_TASK_QUEUE: optionalString.pipe(
    z.string().regex(NAME_PATTERN, { error: "must be a task queue name" }).optional(),
  ),
  TEMPORAL_API_KEY: optionalString,
});

/**
 * Reads the Temporal settings from the Worker's variables. Returns `undefined` when `TEMPORAL_HTTP_URL` is
 * not set (Temporal disabled). Throws `ConfigError` naming every problem, like `parseConfig`.
 *
 * An API key is a credential: outside development it is refused over plain http to a non-loopback host,
 * where anyone on the path could read it.
 */
export function parseTemporalSettings(
  vars: Record<string, unknown>,
  environment: string,
): TemporalSettings | undefined {
  const parsed = settingsSchema.safeParse(vars);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const raw = parsed.data;
  if (!raw.TEMPORAL_HTTP_URL) return undefined;
  const httpUrl = new URL(raw.TEMPORAL_HTTP_URL);
  if (
    raw.TEMPORAL_API_KEY &&
    httpUrl.protocol === "http:" &&
    !isLoopbackHost(httpUrl.hostname) &&
    environment !== "development" &&
    environment !== "test"
  ) {
    throw new ConfigError(["TEMPORAL_HTTP_URL: must use https when TEMPORAL_API_KEY is set"]);
  }
  return {
    httpUrl,
    namespace: raw.TEMPORAL_NAMESPACE ?? DEFAULT_TEMPORAL_NAMESPACE,
    taskQueue: raw.TEMPORAL_TASK_QUEUE ?? DEFAULT_TEMPORAL_TASK_QUEUE,
    apiKey: raw.TEMPORAL_API_KEY,
  };
}

const cache = new WeakMap<object, TemporalSettings | null>();

/** The Temporal settings of this Worker environment, parsed once per `env` object. */
export function getTemporalSettings(env: Env, environment: string): TemporalSettings | undefined {
  let settings = cache.get(env);
  if (settings === undefined) {
    settings = parseTemporalSettings(env as unknown as Record<string, unknown>, environment) ?? null;
    cache.set(env, settings);
  }
  return settings ?? undefined;
}
