import * as z from "zod";
import type { ConnectionMethodColumn } from "../db/schema";

/**
 * The `data` of each connection method (SPEC §6.3 wire shapes), validated strictly: unknown fields
 * are refused so a typo never silently stores a credential where nothing reads it. These objects hold
 * secrets; they exist decrypted only inside one request.
 */
const MAX_SECRET_LENGTH = 8192;

/**
 * CR, LF and NUL are never valid in an HTTP field value (RFC 9110 §5.5), and most `data` strings end up in
 * one (a key in a header, a username in `Authorization: Basic`, a token after `Bearer`); WHATWG URL parsing
 * silently strips newlines from URLs. A value carrying them would make every later request fail to build —
 * or, with a lenient client, inject a header — so input validation refuses it with the field's path
 * (`fieldValueIssues`). The read schemas below stay as they were, so a connection saved before this check
 * still decrypts (its requests fail with 422 `connection_unusable` instead).
 */
export const FORBIDDEN_IN_FIELD_VALUE = /[\r\n\0]/;
const FIELD_VALUE_ERROR = "must not contain CR, LF or NUL (RFC 9110 §5.5)";

/** A string that can travel in an HTTP field value (no CR, LF, NUL): for header maps in request bodies. */
export const fieldSafeString = () =>
  z.string().refine((value) => !FORBIDDEN_IN_FIELD_VALUE.test(value), { error: FIELD_VALUE_ERROR });

/** Every string (object keys included) anywhere in `value` that holds CR, LF or NUL, with its path. */
export function fieldValueIssues(
  value: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; message: string }[] {
  if (typeof value === "string")
    return FORBIDDEN_IN_FIELD_VALUE.test(value) ? [{ path, message: FIELD_VALUE_ERROR }] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => fieldValueIssues(item, [...path, index]));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([key, item]) => [
      ...(FORBIDDEN_IN_FIELD_VALUE.test(key) ? [{ path: [...path, key], message: FIELD_VALUE_ERROR }] : []),
      ...fieldValueIssues(item, [...path, key]),
    ]);
  return [];
}
const secret = z.string().min(1, { error: "must not be empty" }).max(MAX_SECRET_LENGTH);
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/; // RFC 9110 §5.6.2 field-name token
const headerName = z.string().min(1).max(128).regex(HTTP_TOKEN, { error: "must be a valid HTTP header name" });
const queryName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._~-]+$/, { error: "must be a plain query parameter name" });
const httpsUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2048);
const scopes = z.array(z.string().min(1).max(256)).max(100);
const stringMap = z
  .record(z.string().max(128), z.string().max(2048))
  .refine((value) => Object.keys(value).length <= 50, {
    error: "at most 50 entries",
  });

export const apiKeyData = z
  .strictObject({
    api_key: secret,
    api_secret: secret.optional(),
    key_location: z.enum(["header", "query"]).optional(),
    key_name: z.string().min(1).max(128).optional(),
    key_prefix: z.string().max(32).optional(),
  })
  .superRefine((data, ctx) => {
    if (!data.key_name) return;
    const check = data.key_location === "query" ? queryName : headerName;
    if (!check.safeParse(data.key_name).success) {
      ctx.addIssue({
        code: "custom",
        path: ["key_name"],
        message: `must be a valid ${data.key_location ?? "header"} name`,
      });
    }
  });

export const bearerData = z.strictObject({ token: secret });

export const basicData = z.strictObject({
  username: z
    .string()
    .min(1)
    .max(512)
    .refine((value) => !value.includes(":"), { error: "must not contain ':' (RFC 7617 §2)" }),
  password: secret,
});

const TOKEN_AUTH_METHODS = ["client_secret_basic", "client_secret_post"] as const;

export const oauth2Data = z.strictObject({
  client_id: z.string().min(1).max(512).optional(),
  client_secret: secret.optional(),
  authorization_url: httpsUrl.optional(),
  token_url: httpsUrl.optional(),
  /** RFC 7009 revocation endpoint; when absent, the issuer's RFC 8414 metadata is consulted on delete. */
  revocation_url: httpsUrl.optional(),
  scopes: scopes.optional(),
  pkce: z.boolean().optional(),
  token_auth_method: z.enum(TOKEN_AUTH_METHODS).optional(),
  extra_authorize_params: stringMap.optional(),
});

export const clientCredentialsData = z.strictObject({
  client_id: z.string().min(1).max(512),
  client_secret: secret,
  token_url: httpsUrl,
  scopes: scopes.optional(),
  token_auth_method: z.enum(TOKEN_AUTH_METHODS).optional(),
});

export const MCP_AUTH_TYPES = ["none", "api_key", "bearer", "basic", "oauth2"] as const;

export const mcpData = z
  .strictObject({
    server_url: httpsUrl,
    auth_type: z.enum(MCP_AUTH_TYPES),
    api_key: secret.optional(),
    header_name: headerName.optional(),
    token: secret.optional(),
    username: z.string().min(1).max(512).optional(),
    password: secret.optional(),
    client_id: z.string().min(1).max(512).optional(),
    client_secret: secret.optional(),
    scopes: scopes.optional(),
  })
  .superRefine((data, ctx) => {
    const need = (field: keyof typeof data) => {
      if (data[field] === undefined)
        ctx.addIssue({ code: "custom", path: [field], message: `is required for auth_type ${data.auth_type}` });
    };
    if (data.auth_type === "api_key") need("api_key");
    if (data.auth_type === "bearer") need("token");
    if (data.auth_type === "basic") {
      need("username");
      need("password");
    }
  });

export const paragonData = z.strictObject({
  paragon_user_id: z.string().min(1).max(256),
  integration: z.string().min(1).max(128),
  credential_id: z.string().min(1).max(256),
});

export const DATA_SCHEMAS = {
  api_key: apiKeyData,
  bearer: bearerData,
  basic: basicData,
  oauth2: oauth2Data,
  oauth2_client_credentials: clientCredentialsData,
  mcp: mcpData,
  paragon: paragonData,
} as const satisfies Record<ConnectionMethodColumn, z.ZodType>;

export type ConnectionData = {
  [M in ConnectionMethodColumn]: { method: M; data: z.output<(typeof DATA_SCHEMAS)[M]> };
}[ConnectionMethodColumn];
export type DataOf<M extends ConnectionMethodColumn> = z.output<(typeof DATA_SCHEMAS)[M]>;

/**
 * Fields that are write-only: they can be set or replaced but never appear in any response.
 * Everything else in `data` is configuration the owner may read back (as `settings`).
 */
export const SECRET_FIELDS: Record<ConnectionMethodColumn, readonly string[]> = {
  api_key: ["api_key", "api_secret"],
  bearer: ["token"],
  basic: ["password"],
  oauth2: ["client_secret"],
  oauth2_client_credentials: ["client_secret"],
  mcp: ["api_key", "token", "password", "client_secret"],
  paragon: [],
};

/** The readable part of `data`, and the names of the secret fields that are set. */
export function describeData(method: ConnectionMethodColumn, data: Record<string, unknown>) {
  const secretFields = new Set(SECRET_FIELDS[method]);
  const settings: Record<string, unknown> = {};
  const secretsSet: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (secretFields.has(key)) {
      if (value !== undefined) secretsSet.push(key);
    } else {
      settings[key] = value;
    }
  }
  return { settings, secrets_set: secretsSet.sort() };
}

/** Every secret string in `data`, for leak checks (e.g. redacting an upstream error message). */
export function secretValues(method: ConnectionMethodColumn, data: Record<string, unknown>): string[] {
  return SECRET_FIELDS[method].flatMap((field) => (typeof data[field] === "string" ? [data[field] as string] : []));
}
