import * as z from "zod";
import { gmailRawMessage } from "./gmail-message";

/**
 * The `integration` node's operations (SPEC §7.1 `{service, operation, connectionId, config}`), declared as
 * data: which provider and connection methods they use, the request (method, path template, which params go
 * in the path and which in the JSON body) and how to tell success from failure. The request goes through the
 * proxy core under the connection's base URL, so credential injection, SSRF policy and header hygiene are the
 * proxy's. Adding an operation is one entry here and a row in its test table.
 */

type IntegrationMethod = "POST" | "PUT" | "PATCH";

export interface IntegrationOperation {
  service: string;
  operation: string;
  description: string;
  docs_url: string;
  /** The provider catalog entry whose base URL and default headers apply (`src/connections/catalog`). */
  provider: string;
  /** Connection methods that can authorize the call. */
  connection_methods: readonly string[];
  /** OAuth scopes the call needs; the provider's catalog entry requests them (checked by the catalog test). */
  oauth_scopes: readonly string[];
  method: IntegrationMethod;
  /** Path under the provider's base URL; `{name}` is replaced by the URL-encoded param. */
  path: string;
  /** The node's `config.config`, validated at save time and again at run time. */
  params: z.ZodType<Record<string, unknown>>;
  /** Which params make the JSON body (those present), or a named encoder for provider-specific bodies. */
  body: { fields: readonly string[] } | { encoder: "gmail_raw_message" };
  /** A 2xx answer is a failure unless this JSON field has this value (Slack answers 200 `{ok:false}`). */
  success_json?: { path: string; equals: unknown };
  /** Where a failure's message is in the JSON answer. */
  error_field?: string;
}

const text = (max: number) => z.string().min(1).max(max);
const emails = z.union([z.email(), z.array(z.email()).min(1).max(50)]);

export const INTEGRATION_OPERATIONS: readonly IntegrationOperation[] = [
  {
    service: "slack",
    operation: "send_message",
    description: "Post a message to a channel",
    docs_url: "https://api.slack.com/methods/chat.postMessage",
    provider: "slack",
    connection_methods: ["oauth2", "bearer"],
    oauth_scopes: ["chat:write"],
    method: "POST",
    path: "/chat.postMessage",
    params: z.strictObject({
      channel: text(200),
      text: text(40_000),
      thread_ts: z.string().max(64).optional(),
      blocks: z.array(z.record(z.string(), z.unknown())).max(50).optional(),
      unfurl_links: z.boolean().optional(),
    }),
    body: { fields: ["channel", "text", "thread_ts", "blocks", "unfurl_links"] },
    success_json: { path: "ok", equals: true },
    error_field: "error",
  },
  {
    service: "github",
    operation: "create_issue",
    description: "Open an issue in a repository",
    docs_url: "https://docs.github.com/en/rest/issues/issues#create-an-issue",
    provider: "github",
    connection_methods: ["oauth2", "bearer"],
    oauth_scopes: ["repo"],
    method: "POST",
    path: "/repos/{owner}/{repo}/issues",
    params: z.strictObject({
      owner: text(100),
      repo: text(100),
      title: text(256),
      body: z.string().max(65_536).optional(),
      labels: z.array(text(100)).max(100).optional(),
      assignees: z.array(text(100)).max(10).optional(),
    }),
    body: { fields: ["title", "body", "labels", "assignees"] },
    error_field: "message",
  },
  {
    service: "notion",
    operation: "create_page",
    description: "Create a page in a database or under a page",
    docs_url: "https://developers.notion.com/reference/post-page",
    provider: "notion",
    connection_methods: ["oauth2", "bearer"],
    oauth_scopes: [] /* Notion authorizes by the pages shared with the integration, not by scopes */,
    method: "POST",
    path: "/v1/pages",
    params: z.strictObject({
      parent: z.union([z.strictObject({ database_id: text(64) }), z.strictObject({ page_id: text(64) })]),
      properties: z.record(z.string(), z.unknown()),
      children: z.array(z.record(z.string(), z.unknown())).max(100).optional(),
      icon: z.record(z.string(), z.unknown()).optional(),
      cover: z.record(z.string(), z.unknown()).optional(),
    }),
    body: { fields: ["parent", "properties", "children", "icon", "cover"] },
    error_field: "message",
  },
  {
    service: "gmail",
    operation: "send_email",
    description: "Send an email from the connected account",
    docs_url: "https://developers.google.com/gmail/api/reference/rest/v1/users.messages/send",
    provider: "google_gmail",
    connection_methods: ["oauth2"],
    oauth_scopes: ["https://www.googleapis.com/auth/gmail.send"],
    method: "POST",
    path: "/gmail/v1/users/me/messages/send",
    params: z.strictObject({
      to: emails,
      cc: emails.optional(),
      bcc: emails.optional(),
      reply_to: z.email().optional(),
      subject: z.string().max(998), // RFC 5322 §2.1.1 line limit
      body: z.string().max(1_000_000),
      html: z.boolean().optional(),
    }),
    body: { encoder: "gmail_raw_message" },
    error_field: "error.message",
  },
];

/** The operation for a service and operation name, if declared. */
export function findIntegrationOperation(service: string, operation: string): IntegrationOperation | undefined {
  return INTEGRATION_OPERATIONS.find((entry) => entry.service === service && entry.operation === operation);
}

/** A request to send through the connection: path under its base URL, JSON body. */
export interface IntegrationRequest {
  method: IntegrationMethod;
  path: string;
  body: unknown;
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value)]);

/** Builds the request of an operation from its (validated) params. */
export function buildIntegrationRequest(
  operation: IntegrationOperation,
  params: Record<string, unknown>,
): IntegrationRequest {
  const path = operation.path.replace(/\{([a-z_]+)\}/g, (_, name: string) => encodeURIComponent(String(params[name])));
  if ("encoder" in operation.body) {
    const raw = gmailRawMessage({
      to: asList(params.to),
      ...(params.cc !== undefined && { cc: asList(params.cc) }),
      ...(params.bcc !== undefined && { bcc: asList(params.bcc) }),
      ...(typeof params.reply_to === "string" && { replyTo: params.reply_to }),
      subject: String(params.subject ?? ""),
      body: String(params.body ?? ""),
      html: params.html === true,
    });
    return { method: operation.method, path, body: { raw } };
  }
  const body: Record<string, unknown> = {};
  for (const field of operation.body.fields) if (params[field] !== undefined) body[field] = params[field];
  return { method: operation.method, path, body };
}

function readField(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export type IntegrationOutcome = { ok: true } | { ok: false; message: string };

/** Whether an operation's answer is a success, and the provider's own message when it is not. */
export function judgeIntegrationResponse(
  operation: IntegrationOperation,
  status: number,
  body: unknown,
): IntegrationOutcome {
  const providerMessage = operation.error_field ? readField(body, operation.error_field) : undefined;
  const detail = typeof providerMessage === "string" ? `: ${providerMessage}` : "";
  if (status < 200 || status > 299) return { ok: false, message: `${operation.service} answered ${status}${detail}` };
  if (operation.success_json && readField(body, operation.success_json.path) !== operation.success_json.equals)
    return { ok: false, message: `${operation.service} refused the request${detail}` };
  return { ok: true };
}
