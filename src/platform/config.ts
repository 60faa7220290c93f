import * as z from "zod";
import { type KeyringMaterial, parseKeyringMaterial } from "../crypto/keyring";
import { PARAGON_ENV_SHAPE, resolveParagonSettings } from "./paragon-settings";

/**
 * Application configuration, parsed from the Worker's environment with zod at first use.
 *
 * A missing or invalid variable fails loudly with every problem named at once, so a deployment with
 * a typo never half-works. Production additionally refuses development-only settings.
 */
export const ENVIRONMENTS = ["development", "test", "staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

const configSchema = z
  .object({
    ENVIRONMENT: z.enum(ENVIRONMENTS, { error: `must be one of ${ENVIRONMENTS.join(", ")}` }),
    APP_URL: z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" }).transform((url) => new URL(url)),
    CORS_ALLOWED_ORIGINS: optionalString,
    LOG_LEVEL: z.enum(LOG_LEVELS).optional().default("info"),
    ENCRYPTION_KEYS: optionalString,
    ENCRYPTION_KEY: optionalString,
    SESSION_SECRET: z
      .string({ error: "is required" })
      .min(32, { error: "must be at least 32 characters (use 32 random bytes, base64)" }),
    WORKOS_API_KEY: optionalString,
    WORKOS_CLIENT_ID: optionalString,
    WORKOS_WEBHOOK_SECRET: optionalString,
    /** Development/test only: point the SDK at a local fake (`host[:port]`, plain http when it has a port). */
    WORKOS_API_HOSTNAME: optionalString,
    WORKOS_MAX_RETRIES: z.coerce.number().int().min(0).max(5).optional().default(2),
    PLATFORM_ADMIN_EMAILS: optionalString,
    /** OAuth authorization server (src/oauth-server): access-token signing keys (JSON JWK array) and trusted CIMD hosts. */
    OAUTH_SIGNING_KEYS: optionalString,
    OAUTH_TRUSTED_CLIENT_HOSTS: optionalString,
    ...PARAGON_ENV_SHAPE,
  })
  .transform((raw, ctx) => {
    let keyring: KeyringMaterial | undefined;
    try {
      keyring = parseKeyringMaterial({ keys: raw.ENCRYPTION_KEYS, key: raw.ENCRYPTION_KEY });
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        path: [raw.ENCRYPTION_KEY && !raw.ENCRYPTION_KEYS ? "ENCRYPTION_KEY" : "ENCRYPTION_KEYS"],
        message: (error as Error).message,
      });
      return z.NEVER;
    }
    const corsOrigins = parseOrigins(raw.CORS_ALLOWED_ORIGINS);
    if (corsOrigins instanceof Error) {
      ctx.addIssue({ code: "custom", path: ["CORS_ALLOWED_ORIGINS"], message: corsOrigins.message });
      return z.NEVER;
    }
    if (Boolean(raw.WORKOS_API_KEY) !== Boolean(raw.WORKOS_CLIENT_ID)) {
      ctx.addIssue({
        code: "custom",
        path: [raw.WORKOS_API_KEY ? "WORKOS_CLIENT_ID" : "WORKOS_API_KEY"],
        message: "is required when the other WorkOS credential is set",
      });
      return z.NEVER;
    }
    // Paragon (SPEC §9): both-or-neither project id and key, PEM forms, fake origins only outside production.
    const paragon = resolveParagonSettings(raw, raw.ENVIRONMENT);
    for (const problem of paragon.problems)
      ctx.addIssue({ code: "custom", path: [problem.path], message: problem.message });
    if (paragon.problems.length > 0) return z.NEVER;
    return {
      environment: raw.ENVIRONMENT,
      /**
       * The one decision on whether user-supplied outbound targets may be plain http or loopback/private
       * (local development only, where upstreams run on this machine). Everything that sends a request to
       * a user-supplied URL reads this field; nothing re-derives it from `environment`.
       */
      allowInsecureTargets: raw.ENVIRONMENT === "development",
      appUrl: raw.APP_URL,
      appOrigin: raw.APP_URL.origin,
      corsAllowedOrigins: new Set([raw.APP_URL.origin, ...corsOrigins]),
      logLevel: raw.LOG_LEVEL,
      keyring,
      sessionSecret: raw.SESSION_SECRET,
      /** Operators allowed to run global operations (key rotation); verified emails, lowercased. */
      platformAdminEmails: new Set(
        (raw.PLATFORM_ADMIN_EMAILS ?? "")
          .split(",")
          .map((email) => email.trim().toLowerCase())
          .filter(Boolean),
      ),
      /** Validated by `signingKeysFor` in src/oauth-server/signing-keys.ts on first use (503 when missing). */
      oauth: {
        signingKeys: raw.OAUTH_SIGNING_KEYS,
        trustedClientHosts: new Set(
          (raw.OAUTH_TRUSTED_CLIENT_HOSTS ?? "")
            .split(",")
            .map((host) => host.trim().toLowerCase())
            .filter(Boolean),
        ),
      },
      workos:
        raw.WORKOS_API_KEY && raw.WORKOS_CLIENT_ID
          ? {
              apiKey: raw.WORKOS_API_KEY,
              clientId: raw.WORKOS_CLIENT_ID,
              webhookSecret: raw.WORKOS_WEBHOOK_SECRET,
              apiHostname: raw.WORKOS_API_HOSTNAME,
              maxRetries: raw.WORKOS_MAX_RETRIES,
            }
          : undefined,
      paragon: paragon.settings,
    };
  })
  .superRefine((config, ctx) => {
    if (config.environment !== "production") return;
    // Development-only settings that would silently weaken a production deployment.
    if (config.appUrl.protocol !== "https:") {
      ctx.addIssue({ code: "custom", path: ["APP_URL"], message: "must use https in production" });
    }
    if (isLoopbackHost(config.appUrl.hostname)) {
      ctx.addIssue({ code: "custom", path: ["APP_URL"], message: "must not be a loopback host in production" });
    }
    for (const origin of config.corsAllowedOrigins) {
      const url = new URL(origin);
      if (url.protocol !== "https:" || isLoopbackHost(url.hostname)) {
        ctx.addIssue({
          code: "custom",
          path: ["CORS_ALLOWED_ORIGINS"],
          message: `${origin} is a development origin, refused in production`,
        });
      }
    }
    if (config.workos?.apiHostname) {
      ctx.addIssue({
        code: "custom",
        path: ["WORKOS_API_HOSTNAME"],
        message: "is a development setting, refused in production",
      });
    }
    if (config.logLevel === "debug") {
      ctx.addIssue({ code: "custom", path: ["LOG_LEVEL"], message: "debug logging is refused in production" });
    }
  });

export type AppConfig = z.output<typeof configSchema>;

/** Thrown when the environment does not describe a valid configuration; lists every problem. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Parses a configuration from raw variables. Pure; throws `ConfigError`. */
export function parseConfig(vars: Record<string, unknown>): AppConfig {
  const result = configSchema.safeParse(vars);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.length > 0 ? issue.path.join(".") : "configuration";
      const raw = issue.path.length === 1 ? vars[issue.path[0] as string] : "present";
      const missing = (raw === undefined || raw === "") && issue.code !== "custom";
      return `${name}: ${missing ? "is required" : issue.message}`;
    }),
  );
}

const cache = new WeakMap<object, AppConfig>();

/** The configuration for this Worker environment, parsed once per `env` object. */
export function getConfig(env: Env): AppConfig {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env as unknown as Record<string, unknown>);
    cache.set(env, config);
  }
  return config;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\./.test(host);
}

function parseOrigins(list: string | undefined): string[] | Error {
  if (!list) return [];
  const origins: string[] = [];
  for (const entry of list
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    if (entry === "*") return new Error("a wildcard is not allowed: list each origin");
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return new Error(`${entry} is not a URL`);
    }
    if (url.origin !== entry.replace(/\/$/, "")) return new Error(`${entry} must be an origin (scheme://host[:port])`);
    origins.push(url.origin);
  }
  return origins;
}
