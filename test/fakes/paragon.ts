/**
 * In-memory fake of Paragon's ActionKit API and Proxy API, plus webhook signing, faithful to the wire
 * formats Paragon documents (see docs/paragon.md for what was checked against which page):
 *
 * - Every request must carry `Authorization: Bearer <Paragon User Token>`: an RS256 JWT verified with
 *   the project's public key, `aud: useparagon.com/{projectId}`, unexpired, `sub` = Connected User.
 *   Anything else is a 401 `{ message }`, as Paragon answers.
 * - ActionKit `GET /projects/{id}/tools` (and legacy `/actions`): `{ actions: { <integration>: [tool] },
 *   errors: [] }`, json_schema tools `{ type: "function", function: { name, description, parameters } }`,
 *   `format=paragon` tools in Paragon's UI schema; `integrations=`, `categories=`, `limit_to_available=`.
 * - ActionKit `POST /projects/{id}/tools {tool, parameters}` (legacy `/actions {action, parameters}`):
 *   the tool's result; a tool of an integration the user has not connected → 400
 *   `{ message: "Integration not enabled for user." }`; a missing required parameter → 400.
 * - Proxy `ALL /projects/{id}/sdk/proxy/{integration}/{path}`: echoes what the third-party API would
 *   receive (method, path, query, headers, body) for a connected integration.
 * - `reply(...)` scripts the next answers (4xx/5xx bodies, 429 + Retry-After, or `hang` for timeouts).
 * - `signWebhook` signs a raw body like Paragon (`x-paragon-signature: v1=<HMAC-SHA256 of the raw body>`,
 *   hex or base64) or like the seed (`sha256=<hex>`).
 */
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { jwtVerify } from "jose";
import { hmacSha256, toHex } from "../../src/crypto/hmac";

export const FAKE_ACTIONKIT_HOST = "actionkit.useparagon.com";
export const FAKE_PROXY_HOST = "proxy.useparagon.com";

export interface FakeTool {
  name: string;
  description: string;
  integration: string;
  category: string;
  parameters: { type: "object"; properties: Record<string, unknown>; required?: string[] };
  /** What running it answers; by default `{ ok: true, tool, parameters }`. */
  run?: (parameters: Record<string, unknown>) => unknown;
}

export const DEFAULT_FAKE_TOOLS: FakeTool[] = [
  {
    name: "SLACK_SEND_MESSAGE",
    description: "Send a message to a Slack channel",
    integration: "slack",
    category: "communication",
    parameters: {
      type: "object",
      properties: {
        channel: { type: "string", description: "Channel ID or name" },
        text: { type: "string", description: "Message text" },
      },
      required: ["channel", "text"],
    },
    run: (parameters) => ({ ok: true, channel: "C1234567890", ts: "1234567890.123456", text: parameters.text }),
  },
  {
    name: "SLACK_LIST_CHANNELS",
    description: "List channels in the Slack workspace",
    integration: "slack",
    category: "communication",
    parameters: { type: "object", properties: {} },
    run: () => ({ channels: [{ id: "C1234567890", name: "general" }] }),
  },
  {
    name: "SALESFORCE_CREATE_RECORD_CONTACT",
    description: "Create a contact in Salesforce",
    integration: "salesforce",
    category: "crm",
    parameters: {
      type: "object",
      properties: { "field-LastName": { type: "string", description: "Last name" } },
      required: ["field-LastName"],
    },
    run: () => ({ id: "003XXXXXXXXXXXXXXX", success: true }),
  },
];

export interface ScriptedParagonReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer: the caller's timeout must fire. */
  hang?: boolean;
}

export interface ReceivedParagonRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  /** `sub` of the verified user token. */
  userId: string;
}

export interface FakeParagonOptions {
  projectId: string;
  /** The public half of the signing key the Worker signs user tokens with. */
  publicKey: CryptoKey;
  tools?: FakeTool[];
}

export function createFakeParagon(options: FakeParagonOptions) {
  const tools = options.tools ?? DEFAULT_FAKE_TOOLS;
  /** Connected User id → integrations they connected through the Connect Portal. */
  const connected = new Map<string, Set<string>>();
  const received: ReceivedParagonRequest[] = [];
  const script: ScriptedParagonReply[] = [];
  const audience = `useparagon.com/${options.projectId}`;

  const app = new Hono<{ Variables: { userId: string } }>();
  app.use("/projects/:projectId/*", async (c, next) => {
    if (c.req.param("projectId") !== options.projectId) return c.json({ message: "Project not found." }, 404);
    const authorization = c.req.header("authorization") ?? "";
    const token = /^Bearer (.+)$/.exec(authorization)?.[1];
    if (!token) return c.json({ message: "Unauthorized" }, 401);
    try {
      const { payload } = await jwtVerify(token, options.publicKey, { algorithms: ["RS256"], audience });
      if (!payload.sub || payload.iat === undefined || payload.exp === undefined) throw new Error("claims");
      c.set("userId", payload.sub);
    } catch {
      return c.json({ message: "Invalid user token." }, 401);
    }
    const url = new URL(c.req.url);
    received.push({
      method: c.req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(c.req.raw.headers),
      body: await c.req.raw.clone().text(),
      userId: c.get("userId"),
    });
    const next_ = script.shift();
    if (next_?.hang) return new Promise<Response>(() => {});
    if (next_) {
      return c.json((next_.body ?? {}) as object, next_.status as ContentfulStatusCode, next_.headers);
    }
    await next();
  });

  const listTools = (c: { req: { query: (name: string) => string | undefined } }, userId: string) => {
    const split = (value: string | undefined) => (value ? value.split(",").map((part) => part.trim()) : undefined);
    const integrations = split(c.req.query("integrations"));
    const categories = split(c.req.query("categories"));
    const limitToAvailable = c.req.query("limit_to_available") !== "false";
    const format = c.req.query("format") ?? "json_schema";
    const mine = connected.get(userId) ?? new Set<string>();
    const grouped: Record<string, unknown[]> = {};
    for (const tool of tools) {
      if (limitToAvailable && !mine.has(tool.integration)) continue;
      if (integrations && !integrations.includes(tool.integration)) continue;
      if (categories && !categories.includes(tool.category)) continue;
      const group = grouped[tool.integration] ?? [];
      group.push(format === "paragon" ? paragonFormat(tool) : jsonSchemaFormat(tool));
      grouped[tool.integration] = group;
    }
    return { actions: grouped, errors: [] };
  };

  const runTool = async (body: Record<string, unknown>, userId: string) => {
    const name = typeof body.tool === "string" ? body.tool : typeof body.action === "string" ? body.action : "";
    const tool = tools.find((candidate) => candidate.name === name);
    if (!tool) return { status: 400 as const, body: { message: `Tool ${name || "(none)"} does not exist.` } };
    if (!connected.get(userId)?.has(tool.integration)) {
      return { status: 400 as const, body: { message: "Integration not enabled for user." } };
    }
    const parameters = (body.parameters ?? {}) as Record<string, unknown>;
    const missing = (tool.parameters.required ?? []).filter((field) => parameters[field] === undefined);
    if (missing.length > 0) {
      return { status: 400 as const, body: { message: `Missing required parameter(s): ${missing.join(", ")}` } };
    }
    return { status: 200 as const, body: tool.run ? tool.run(parameters) : { ok: true, tool: name, parameters } };
  };

  for (const path of ["tools", "actions"]) {
    app.get(`/projects/:projectId/${path}`, (c) => c.json(listTools(c, c.get("userId"))));
    app.post(`/projects/:projectId/${path}`, async (c) => {
      let body: Record<string, unknown>;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ message: "Request body must be JSON." }, 400);
      }
      const result = await runTool(body, c.get("userId"));
      return c.json(result.body as object, result.status);
    });
  }

  app.all("/projects/:projectId/sdk/proxy/:integration/*", async (c) => {
    const integration = c.req.param("integration");
    if (!connected.get(c.get("userId"))?.has(integration)) {
      return c.json({ message: "Integration not enabled for user." }, 400);
    }
    const url = new URL(c.req.url);
    const prefix = `/projects/${options.projectId}/sdk/proxy/${integration}`;
    return c.json(
      {
        integration,
        method: c.req.method,
        path: url.pathname.slice(prefix.length) || "/",
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(c.req.raw.headers),
        body: await c.req.text(),
      },
      200,
      { "x-provider-request-id": "req_123", "set-cookie": "provider_session=1; Path=/" },
    );
  });

  return {
    received,
    /** What the Connect Portal does when the user connects an account. */
    connect(userId: string, integration: string) {
      let set = connected.get(userId);
      if (!set) {
        set = new Set();
        connected.set(userId, set);
      }
      set.add(integration);
    },
    /** Queues answers for the next authenticated requests, in order. */
    reply(...replies: ScriptedParagonReply[]) {
      script.push(...replies);
    },
    fetch: (request: Request) => app.fetch(request),
  };
}

function jsonSchemaFormat(tool: FakeTool) {
  return {
    type: "function",
    function: {
      name: tool.name,
      description: tool.description,
      parameters: { ...tool.parameters, additionalProperties: false },
    },
  };
}

/** Paragon's UI schema (docs: actionkit/schema-formats): inputs with `id`, `title`, `type`, `required`. */
function paragonFormat(tool: FakeTool) {
  const required = new Set(tool.parameters.required ?? []);
  return {
    name: tool.name,
    title: tool.description,
    inputs: Object.entries(tool.parameters.properties).map(([id, schema]) => ({
      id,
      title: (schema as { description?: string }).description ?? id,
      type: "TEXT",
      required: required.has(id),
    })),
  };
}

export type WebhookSignatureForm = "v1-hex" | "v1-base64" | "sha256-hex";

/**
 * Signs raw webhook bytes the way Paragon does (`v1=` + HMAC-SHA256 of the raw JSON body; hex vs base64
 * is not stated in the docs, so both are produced) or the seed did (`sha256=<hex>`).
 */
export async function signParagonWebhook(
  secret: string,
  rawBody: string | Uint8Array,
  form: WebhookSignatureForm = "v1-hex",
): Promise<string> {
  const mac = await hmacSha256(secret, rawBody);
  if (form === "sha256-hex") return `sha256=${toHex(mac)}`;
  if (form === "v1-hex") return `v1=${toHex(mac)}`;
  let binary = "";
  for (const byte of mac) binary += String.fromCharCode(byte);
  return `v1=${btoa(binary)}`;
}

/** An `integration.installed | uninstalled | updated` event body, in the seed's documented shape. */
export function paragonConnectionEvent(fields: {
  event: "integration.installed" | "integration.uninstalled" | "integration.updated";
  userId: string;
  integration: string;
  credentialId?: string;
  eventId?: string;
  data?: Record<string, unknown>;
}) {
  return {
    ...(fields.eventId ? { eventId: fields.eventId } : {}),
    event: fields.event,
    integration: fields.integration,
    ...(fields.credentialId ? { credentialId: fields.credentialId } : {}),
    userId: fields.userId,
    timestamp: 1_764_590_400,
    data: fields.data ?? {},
  };
}
