import * as z from "zod";

/**
 * Paragon settings (SPEC §9), parsed with zod. Kept in the feature folder so `src/platform/config.ts`
 * only spreads `PARAGON_ENV_SHAPE` into its schema and calls `resolveParagonSettings` in its transform.
 *
 * - `PARAGON_PROJECT_ID` + `PARAGON_SIGNING_KEY` (PEM, PKCS#8 or PKCS#1) enable the user-facing routes;
 *   one without the other is a configuration error, both absent means "not configured" (503).
 * - `PARAGON_WEBHOOK_SECRET` alone enables the webhook.
 * - `PARAGON_ACTIONKIT_URL` / `PARAGON_PROXY_URL` default to Paragon's public cloud endpoints; another
 *   origin (a local fake, an on-premise install) is refused in production, as SPEC §9 requires.
 * @see https://docs.useparagon.com/actionkit/api-reference/list-tools (servers: actionkit.useparagon.com)
 * @see https://docs.useparagon.com/apis/proxy (proxy.useparagon.com)
 */
export const DEFAULT_ACTIONKIT_ORIGIN = "https://actionkit.useparagon.com";
export const DEFAULT_PROXY_ORIGIN = "https://proxy.useparagon.com";
const MIN_WEBHOOK_SECRET_LENGTH = 16;
/** Project ids are UUIDs in Paragon's dashboard; only path-safe characters may reach a URL or `aud`. */
const PROJECT_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

/** The raw variables, to spread into the application's environment schema. */
export const PARAGON_ENV_SHAPE = {
  PARAGON_PROJECT_ID: optionalString,
  PARAGON_SIGNING_KEY: optionalString,
  PARAGON_WEBHOOK_SECRET: optionalString,
  PARAGON_ACTIONKIT_URL: optionalString,
  PARAGON_PROXY_URL: optionalString,
};

export type ParagonEnv = { [K in keyof typeof PARAGON_ENV_SHAPE]: string | undefined };

/** What the user-facing routes need: present only when both the project id and the signing key are set. */
export interface ParagonApiSettings {
  projectId: string;
  /** The PEM as configured (escaped `\n` already expanded); imported lazily by `signing-key.ts`. */
  signingKeyPem: string;
  /** Origins without a trailing slash. */
  actionKitOrigin: string;
  proxyOrigin: string;
}

export interface ParagonSettings {
  api?: ParagonApiSettings;
  webhookSecret?: string;
}

export interface SettingsProblem {
  path: keyof ParagonEnv;
  message: string;
}

/**
 * Resolves the Paragon settings from already-trimmed variables. Pure: returns every problem instead of
 * throwing, so the application config can report them together with its own.
 */
export function resolveParagonSettings(
  raw: ParagonEnv,
  environment: string,
): { settings: ParagonSettings; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const production = environment === "production";
  const origin = (name: "PARAGON_ACTIONKIT_URL" | "PARAGON_PROXY_URL", fallback: string) => {
    const value = raw[name];
    if (!value) return fallback;
    const parsed = parseOrigin(value);
    if (parsed instanceof Error) {
      problems.push({ path: name, message: parsed.message });
      return fallback;
    }
    if (production && parsed !== fallback) {
      problems.push({ path: name, message: `only ${fallback} is allowed in production` });
    }
    return parsed;
  };
  const actionKitOrigin = origin("PARAGON_ACTIONKIT_URL", DEFAULT_ACTIONKIT_ORIGIN);
  const proxyOrigin = origin("PARAGON_PROXY_URL", DEFAULT_PROXY_ORIGIN);

  if (raw.PARAGON_PROJECT_ID && !PROJECT_ID.test(raw.PARAGON_PROJECT_ID)) {
    problems.push({
      path: "PARAGON_PROJECT_ID",
      message: "must be the project id (a UUID) from the Paragon dashboard",
    });
  }
  const signingKeyPem = raw.PARAGON_SIGNING_KEY ? normalizePem(raw.PARAGON_SIGNING_KEY) : undefined;
  if (signingKeyPem) {
    const problem = pemProblem(signingKeyPem);
    if (problem) problems.push({ path: "PARAGON_SIGNING_KEY", message: problem });
  }
  if (Boolean(raw.PARAGON_PROJECT_ID) !== Boolean(signingKeyPem)) {
    problems.push({
      path: raw.PARAGON_PROJECT_ID ? "PARAGON_SIGNING_KEY" : "PARAGON_PROJECT_ID",
      message: "is required when the other Paragon setting is set",
    });
  }
  if (raw.PARAGON_WEBHOOK_SECRET && raw.PARAGON_WEBHOOK_SECRET.length < MIN_WEBHOOK_SECRET_LENGTH) {
    problems.push({
      path: "PARAGON_WEBHOOK_SECRET",
      message: `must be at least ${MIN_WEBHOOK_SECRET_LENGTH} characters (the signing secret from Settings > ActionKit)`,
    });
  }
  const settings: ParagonSettings = {
    ...(raw.PARAGON_PROJECT_ID && signingKeyPem
      ? { api: { projectId: raw.PARAGON_PROJECT_ID, signingKeyPem, actionKitOrigin, proxyOrigin } }
      : {}),
    ...(raw.PARAGON_WEBHOOK_SECRET ? { webhookSecret: raw.PARAGON_WEBHOOK_SECRET } : {}),
  };
  return { settings, problems };
}

const paragonEnvSchema = z.object(PARAGON_ENV_SHAPE);

/**
 * Standalone parse (tests, tools): throws an Error listing every problem by variable name.
 * @example parseParagonSettings(env, "development").api?.projectId
 */
export function parseParagonSettings(vars: Record<string, unknown>, environment: string): ParagonSettings {
  const raw = paragonEnvSchema.parse(vars);
  const { settings, problems } = resolveParagonSettings(raw, environment);
  if (problems.length > 0) {
    throw new Error(`Invalid Paragon configuration: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
  }
  return settings;
}

/**
 * Secrets set through dashboards and `.env` files often arrive on one line with literal `\n`, or
 * wrapped in quotes; both are undone so the PEM has its real line breaks.
 */
export function normalizePem(value: string): string {
  let pem = value.trim();
  if ((pem.startsWith('"') && pem.endsWith('"')) || (pem.startsWith("'") && pem.endsWith("'"))) {
    pem = pem.slice(1, -1);
  }
  return pem.replaceAll("\\r\\n", "\n").replaceAll("\\n", "\n").replaceAll("\r\n", "\n").trim();
}

/** The PEM labels we accept (RFC 7468 §10 PKCS#8 "PRIVATE KEY"; PKCS#1 "RSA PRIVATE KEY"). */
export type PemKind = "pkcs8" | "pkcs1";

export function pemKind(pem: string): PemKind | undefined {
  if (/^-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----$/.test(pem)) return "pkcs8";
  if (/^-----BEGIN RSA PRIVATE KEY-----[\s\S]+-----END RSA PRIVATE KEY-----$/.test(pem)) return "pkcs1";
  return undefined;
}

function pemProblem(pem: string): string | undefined {
  if (pem.includes("ENCRYPTED")) return "must not be passphrase-encrypted (download the key unencrypted)";
  if (!pemKind(pem)) {
    return 'must be a PEM private key ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----")';
  }
  return undefined;
}

function parseOrigin(value: string): string | Error {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return new Error("must be an absolute http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return new Error("must be an http(s) URL");
  if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) {
    return new Error("must be an origin (scheme://host[:port]) without a path");
  }
  return url.origin;
}
