import { Hono } from "hono";
import type { ZodType } from "zod";
import * as z from "zod";
import { API_KEY_SCOPES } from "../auth/api-keys/keys";
import { type Auth, type HttpMethod, OPERATIONS, type Operation } from "./operations";
import { FEATURE_OPERATIONS } from "./operations-features";

/**
 * The OpenAPI 3.1 document of the API, built from the operation table and the zod schemas the routes
 * validate with. zod 4 converts each schema to JSON Schema draft 2020-12 itself (`z.toJSONSchema`), and
 * draft 2020-12 is the dialect of OpenAPI 3.1's Schema Object, so what is left here is the document's
 * frame: paths, parameters, request bodies, responses and security.
 *
 * Why not hono-openapi: its converter loads zod through `await import("zod/v4/core")` (and zod v3's
 * `zod-to-json-schema`), which makes esbuild bundle the whole zod namespace — every locale — and zod v3:
 * about 500 KB of the Worker for one JSON document. A static `z.toJSONSchema` tree-shakes.
 * @see https://spec.openapis.org/oas/v3.1.0.html
 * @see https://zod.dev/json-schema
 */

type SchemaObject = z.core.JSONSchema.BaseSchema;

interface ParameterObject {
  name: string;
  in: "path" | "query";
  required: boolean;
  description?: string;
  schema: SchemaObject;
}

type ContentObject = Record<string, { schema: SchemaObject }>;

interface ResponseObject {
  description: string;
  content?: ContentObject;
}

type SecurityRequirement = Record<string, string[]>;

interface OperationObject {
  operationId: string;
  tags: string[];
  summary: string;
  security: SecurityRequirement[];
  parameters?: ParameterObject[];
  requestBody?: { required: true; content: ContentObject };
  responses: Record<string, ResponseObject>;
}

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  paths: Record<string, Partial<Record<HttpMethod, OperationObject>>>;
  components: { securitySchemes: Record<string, Record<string, string>> };
}

/**
 * The JSON Schema of what a client sends (`io: "input"`: before transforms, defaults optional).
 * `unrepresentable` stays "throw" so a schema with no JSON Schema equivalent fails the document test
 * instead of being documented as "anything". `$defs` (from a recursive schema or a `.meta({ id })`) are
 * refused: their `#/$defs/…` refs would resolve against the OpenAPI document's root, not the schema.
 */
function toSchemaObject(schema: ZodType, where: string): SchemaObject {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: "input", target: "draft-2020-12" });
  if (json.$defs) throw new Error(`${where}: the schema has $defs, which this document cannot reference`);
  return json;
}

/** `{success: false, error: {code, message, details?, request_id}}` (SPEC §6.3). */
const errorEnvelope = z.object({
  success: z.literal(false),
  error: z.object({
    code: z.string().describe("Stable snake_case code"),
    message: z.string(),
    details: z.unknown().optional(),
    request_id: z.string(),
  }),
});
const successEnvelope = z.object({ success: z.literal(true), data: z.unknown() });

const SECURITY: Record<Auth, SecurityRequirement[]> = {
  session: [{ sessionCookie: [] }],
  session_or_key: [{ sessionCookie: [] }, { apiKey: [] }],
  none: [],
  signature: [],
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input (`invalid_request`, `invalid_json`, …)",
  401: "Not signed in, or the API key is invalid, expired or revoked",
  403: "Forbidden (CSRF, or a route or scope the API key does not allow)",
  404: "Not found (including another user's resource)",
  429: "Rate limited; see Retry-After",
};

const TEXT_CONTENT_TYPES = { sse: "text/event-stream", html: "text/html" } as const;

/** The only form-encoded body: the dev identity provider's sign-in form posts it. */
const FORM_BODY_PATH = "/api/auth/dev/login";

/** Hono's `:name` segments as OpenAPI's `{name}`. */
const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");

/** `delete /api/api-keys/:id` → `deleteApiApiKeysId` (stable: clients generate method names from it). */
const operationIdOf = (operation: Operation) =>
  `${operation.method}${operation.path.replace(/[/:-](\w)/g, (_, letter: string) => letter.toUpperCase()).replace(/\W/g, "")}`;

/** Every `:name` of the path (always a string), then the query schema's properties. */
function parametersOf(operation: Operation, operationId: string): ParameterObject[] {
  const path = (operation.path.match(/(?<=:)\w+/g) ?? []).map(
    (name): ParameterObject => ({ name, in: "path", required: true, schema: { type: "string" } }),
  );
  if (!operation.query) return path;
  const query = toSchemaObject(operation.query, `${operationId} query`);
  if (query.type !== "object" || !query.properties)
    throw new Error(`${operationId}: the query schema is not an object`);
  const required = new Set(query.required ?? []);
  const fromQuery = Object.entries(query.properties).map(([name, property]): ParameterObject => {
    const { description, ...schema } = typeof property === "boolean" ? {} : property;
    return { name, in: "query", required: required.has(name), ...(description ? { description } : {}), schema };
  });
  return [...path, ...fromQuery];
}

function successResponse(operation: Operation, envelope: SchemaObject): ResponseObject {
  const { description } = operation.success;
  switch (operation.successContent) {
    case "redirect":
      return { description };
    case "sse":
    case "html":
      return {
        description,
        content: { [TEXT_CONTENT_TYPES[operation.successContent]]: { schema: { type: "string" } } },
      };
    default:
      return { description, content: { "application/json": { schema: envelope } } };
  }
}

function describeOperation(
  operation: Operation,
  envelopes: { success: SchemaObject; errors: Record<string, ResponseObject> },
): OperationObject {
  const operationId = operationIdOf(operation);
  const parameters = parametersOf(operation, operationId);
  const mediaType = operation.path === FORM_BODY_PATH ? "application/x-www-form-urlencoded" : "application/json";
  return {
    operationId,
    tags: [operation.tag],
    summary: operation.summary,
    security: SECURITY[operation.auth],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body
      ? {
          requestBody: {
            required: true,
            content: { [mediaType]: { schema: toSchemaObject(operation.body, `${operationId} body`) } },
          },
        }
      : {}),
    responses: { [operation.success.status]: successResponse(operation, envelopes.success), ...envelopes.errors },
  };
}

export interface DocumentOptions {
  /** The deployment's origin (APP_URL), listed as the server. */
  serverUrl: string;
  version: string;
}

/** Builds the document (cached per isolate by the caller). */
export function buildOpenApiDocument(options: DocumentOptions): OpenApiDocument {
  const errorSchema = toSchemaObject(errorEnvelope, "error envelope");
  const envelopes = {
    success: toSchemaObject(successEnvelope, "success envelope"),
    errors: Object.fromEntries(
      Object.entries(ERROR_DESCRIPTIONS).map(([status, description]) => [
        status,
        { description, content: { "application/json": { schema: errorSchema } } },
      ]),
    ),
  };
  const paths: OpenApiDocument["paths"] = {};
  for (const operation of [...OPERATIONS, ...FEATURE_OPERATIONS]) {
    const path = toOpenApiPath(operation.path);
    paths[path] = { ...paths[path], [operation.method]: describeOperation(operation, envelopes) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Edge Integrations API",
      version: options.version,
      description:
        "Sign in, store encrypted credentials (connections) and use them through a credential-injecting proxy. Programs authenticate with a personal API key: `Authorization: Bearer <key>`.",
    },
    servers: [{ url: options.serverUrl }],
    paths,
    components: {
      securitySchemes: {
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "__Host-session",
          description:
            "The browser session (SPEC §5.3); state-changing requests also need a same-origin Origin header.",
        },
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: `A personal API key (eik_…), optionally limited to scopes: ${API_KEY_SCOPES.join(", ")}.`,
        },
      },
    },
  };
}

/** The serialized document, built once per isolate. */
let cachedJson: string | undefined;

/**
 * `GET /api/openapi.json`. Mounted at `/api`. The body is sent as text so the route's RPC type stays
 * small: `c.json(document)` would put every JSON Schema type into `typeof app`, past what the
 * declaration emit for the web app (`web/.app-types`) can serialize.
 */
export const apiDocsRoutes = new Hono<{ Bindings: { APP_URL: string } }>().get("/openapi.json", (c) => {
  cachedJson ??= JSON.stringify(buildOpenApiDocument({ serverUrl: c.env.APP_URL, version: "0.1.0" }));
  return c.body(cachedJson, 200, { "content-type": "application/json", "cache-control": "public, max-age=300" });
});
