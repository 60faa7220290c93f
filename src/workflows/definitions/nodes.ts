import * as z from "zod";
import { CREDENTIAL_HEADERS } from "../../outbound/headers";
import { LLM_PROVIDER_IDS } from "../activities/llm";
import { hasTemplate, MAX_EXPRESSION_LENGTH, parseJsonPath } from "../interpreter";

/**
 * Config schemas per node type (SPEC §7.1), with the seeds' camelCase field names. Strings may hold `{{…}}` /
 * `${…}` templates, resolved at run time; fields that decide *what* runs and *with which credentials*
 * (`connectionId`, `provider`, `service`, `operation`) must be literal so they can be checked when saving.
 */

/** Node ids: `[A-Za-z0-9_-]{1,64}` (SPEC §7.1). */
export const NODE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** RFC 9110 §5.6.2 token: a header field name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;

export const MAX_TEMPLATE_STRING_LENGTH = 100_000;

export const connectionIdField = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be a connection id (templates are not allowed here)" });
const outputVariable = z.string().regex(IDENTIFIER, { error: "must be an identifier such as summary_text" });
/** Credentials live in connections, never in a definition: credential headers are refused when saving. */
const headers = z
  .record(z.string().regex(HEADER_NAME, { error: "must be a header name" }), z.string().max(8192))
  .refine((value) => Object.keys(value).length <= 50, { error: "at most 50 headers" })
  .superRefine((value, ctx) => {
    for (const name of Object.keys(value))
      if (CREDENTIAL_HEADERS.has(name.toLowerCase()))
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "credential headers are not allowed here: use a connection (connectionId) instead",
        });
  });
const query = z
  .record(z.string().min(1).max(256), z.union([z.string().max(8192), z.number(), z.boolean()]))
  .refine((value) => Object.keys(value).length <= 50, { error: "at most 50 query parameters" });
const text = (max: number) => z.string().min(1).max(max);

export const retryPolicySchema = z.strictObject({
  attempts: z.number().int().min(1).max(10).optional(),
  backoffMs: z.number().int().min(0).max(60_000).optional(),
});

const jsonPath = z
  .string()
  .max(512)
  .superRefine((value, ctx) => {
    try {
      parseJsonPath(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  });

const mapSchema = z
  .array(z.strictObject({ as: z.string().regex(IDENTIFIER, { error: "must be an identifier" }), select: jsonPath }))
  .max(50);

const expressionString = z.string().min(1).max(MAX_EXPRESSION_LENGTH);

/** A URL or a template that will produce one; checked against the SSRF policy at run time. */
const urlField = z
  .string()
  .max(2048)
  .refine((value) => hasTemplate(value) || /^https?:\/\//i.test(value), { error: "must be an http(s) URL" });
/** A path under the connection's base URL. */
const pathField = z
  .string()
  .max(2048)
  .refine((value) => hasTemplate(value) || value.startsWith("/"), { error: 'must start with "/"' });

function targetRules<T extends { connectionId?: string; url?: string; path?: string }>(value: T, ctx: z.RefinementCtx) {
  if (value.connectionId === undefined && value.url === undefined)
    ctx.addIssue({ code: "custom", path: ["url"], message: "give a url or a connectionId" });
  if (value.connectionId !== undefined && value.url !== undefined)
    ctx.addIssue({
      code: "custom",
      path: ["url"],
      message: "give either a url or a connectionId (with path), not both",
    });
  if (value.path !== undefined && value.connectionId === undefined)
    ctx.addIssue({ code: "custom", path: ["path"], message: "path needs a connectionId" });
}

const common = { retryPolicy: retryPolicySchema.optional() };

export const httpConfigSchema = z
  .strictObject({
    connectionId: connectionIdField.optional(),
    url: urlField.optional(),
    path: pathField.optional(),
    method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
    headers: headers.optional(),
    query: query.optional(),
    body: z.unknown().optional(),
    timeoutMs: z.number().int().min(100).max(120_000).optional(),
    map: mapSchema.optional(),
    outputVariable: outputVariable.optional(),
    ...common,
  })
  .superRefine(targetRules);

export const webhookConfigSchema = z
  .strictObject({
    connectionId: connectionIdField.optional(),
    url: urlField.optional(),
    path: pathField.optional(),
    method: z.enum(["POST", "PUT", "PATCH"]),
    headers: headers.optional(),
    body: z.unknown().optional(),
    mode: z.enum(["blocking", "fire-and-forget"]).optional(),
    condition: expressionString.optional(),
    /** An `api_key` connection whose key is the HMAC secret of `X-Webhook-Signature` (never stored in the definition). */
    signingConnectionId: connectionIdField.optional(),
    timeoutMs: z.number().int().min(100).max(30_000).optional(),
    map: mapSchema.optional(),
    outputVariable: outputVariable.optional(),
    ...common,
  })
  .superRefine(targetRules);

export const llmConfigSchema = z.strictObject({
  provider: z.enum(LLM_PROVIDER_IDS),
  model: text(200),
  connectionId: connectionIdField,
  prompt: text(MAX_TEMPLATE_STRING_LENGTH),
  system: z.string().max(MAX_TEMPLATE_STRING_LENGTH).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(1).max(200_000).optional(),
  outputVariable: outputVariable.optional(),
  ...common,
});

export const integrationConfigSchema = z.strictObject({
  service: text(64),
  operation: text(64),
  connectionId: connectionIdField,
  config: z.record(z.string(), z.unknown()),
  outputVariable: outputVariable.optional(),
  ...common,
});

export const mcpToolConfigSchema = z.strictObject({
  connectionId: connectionIdField,
  tool: text(200),
  parameters: z.record(z.string(), z.unknown()).optional(),
  timeoutMs: z.number().int().min(100).max(120_000).optional(),
  outputVariable: outputVariable.optional(),
  ...common,
});

export const paragonActionConfigSchema = z.strictObject({
  integration: text(100),
  action: text(200),
  /** One of the owner's `paragon` connections for this integration, when they connected several accounts. */
  connectionId: connectionIdField.optional(),
  timeoutMs: z.number().int().min(100).max(120_000).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  outputVariable: outputVariable.optional(),
  ...common,
});

/** The config schema of each node type: node types are data. */
export const NODE_CONFIG_SCHEMAS = {
  http: httpConfigSchema,
  webhook: webhookConfigSchema,
  llm: llmConfigSchema,
  integration: integrationConfigSchema,
  mcp_tool: mcpToolConfigSchema,
  paragon_action: paragonActionConfigSchema,
} as const satisfies Record<string, z.ZodType>;

/** Connection methods each node's `connectionId` may use (SPEC §7.1 "whose method does not fit the node"). */
export const HTTP_CONNECTION_METHODS = ["api_key", "bearer", "basic", "oauth2", "oauth2_client_credentials"] as const;
