import { useId, useState } from "react";
import { API_ORIGIN, api } from "../api";
import { EmptyState, Loaded, useLoad } from "../shell/states";

/**
 * `/docs/api`: the API reference, rendered from the Worker's own OpenAPI 3.1 document
 * (`GET /api/openapi.json`, generated from the routes' zod schemas), so it cannot drift from the API.
 */

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  description?: string;
  anyOf?: JsonSchema[];
}
interface OperationObject {
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: JsonSchema }>;
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
  responses: Record<string, { description: string }>;
}
interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, OperationObject>>;
}

/** The document is not an envelope; wrap it so the shared loading states apply. */
async function loadDocument() {
  try {
    const response = await fetch(`${API_ORIGIN}/api/openapi.json`, { credentials: "include" });
    if (!response.ok) return api<OpenApiDocument>("/api/openapi.json");
    return { success: true as const, data: (await response.json()) as OpenApiDocument };
  } catch {
    return { success: false as const, error: { code: "network_error", message: "Could not reach the server." } };
  }
}

const METHODS = ["get", "post", "put", "patch", "delete"];

export function ApiReferencePage() {
  const [document, reload] = useLoad(loadDocument);
  const filterId = useId();
  const [filter, setFilter] = useState("");
  return (
    <section className="page-section" aria-labelledby="api-heading">
      <div className="page-head">
        <h1 id="api-heading" className="grow">
          API reference
        </h1>
        <a className="button secondary" href={`${API_ORIGIN}/api/openapi.json`} target="_blank" rel="noreferrer">
          OpenAPI JSON
        </a>
      </div>
      <p className="muted">
        Programs authenticate with <code>Authorization: Bearer &lt;API key&gt;</code>; the browser app uses its session
        cookie. Every answer is <code>{"{success, data}"}</code> or{" "}
        <code>{"{success: false, error: {code, message}}"}</code>.
      </p>
      <div className="field search">
        <label htmlFor={filterId}>Filter endpoints</label>
        <input
          id={filterId}
          type="search"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          placeholder="connections, keys, proxy…"
        />
      </div>
      <Loaded load={document} what="the API reference" retry={reload}>
        {(doc) => {
          const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
          const rows = Object.entries(doc.paths).flatMap(([path, operations]) =>
            METHODS.flatMap((method) => {
              const operation = operations[method];
              if (!operation) return [];
              const text =
                `${method} ${path} ${operation.summary ?? ""} ${operation.tags?.join(" ") ?? ""}`.toLowerCase();
              return words.every((word) => text.includes(word)) ? [{ path, method, operation }] : [];
            }),
          );
          if (rows.length === 0) return <EmptyState title={`No endpoint matches “${filter}”`} />;
          const tags = [...new Set(rows.map((row) => row.operation.tags?.[0] ?? "other"))];
          return tags.map((tag) => (
            <section key={tag} aria-label={tag} className="api-group">
              <h2>{tag}</h2>
              {rows
                .filter((row) => (row.operation.tags?.[0] ?? "other") === tag)
                .map((row) => (
                  <OperationView key={`${row.method} ${row.path}`} {...row} />
                ))}
            </section>
          ));
        }}
      </Loaded>
    </section>
  );
}

function OperationView({ method, path, operation }: { method: string; path: string; operation: OperationObject }) {
  const schemes = new Set((operation.security ?? []).flatMap((entry) => Object.keys(entry)));
  const body = operation.requestBody && Object.entries(operation.requestBody.content)[0];
  return (
    <details className="operation" data-testid="api-operation">
      <summary>
        <span className={`method method-${method}`}>{method.toUpperCase()}</span> <code>{path}</code>{" "}
        <span className="muted">{operation.summary}</span>
      </summary>
      <div className="operation-body">
        <p className="small">
          {schemes.size === 0
            ? "No authentication."
            : `Authentication: ${[...schemes].map((scheme) => (scheme === "apiKey" ? "API key" : "session cookie")).join(" or ")}.`}
        </p>
        {operation.parameters && operation.parameters.length > 0 && (
          <>
            <h3>Parameters</h3>
            <ul className="schema">
              {operation.parameters.map((parameter) => (
                <li key={`${parameter.in}:${parameter.name}`}>
                  <code>{parameter.name}</code>{" "}
                  <span className="muted">
                    ({parameter.in}
                    {parameter.required ? ", required" : ""})
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
        {body && (
          <>
            <h3>Body ({body[0]})</h3>
            <SchemaView schema={body[1].schema} />
          </>
        )}
        <h3>Responses</h3>
        <ul className="schema">
          {Object.entries(operation.responses).map(([status, response]) => (
            <li key={status}>
              <code>{status}</code> {response.description}
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}

function typeOf(schema: JsonSchema | undefined): string {
  if (!schema) return "any";
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" | ");
  if (schema.type === "array") return `${typeOf(schema.items)}[]`;
  return Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any");
}

function SchemaView({ schema }: { schema: JsonSchema | undefined }) {
  if (!schema?.properties) return <p className="small muted">{typeOf(schema)}</p>;
  const required = new Set(schema.required ?? []);
  return (
    <ul className="schema">
      {Object.entries(schema.properties).map(([name, property]) => (
        <li key={name}>
          <code>{name}</code>
          {required.has(name) ? <strong> required</strong> : null} <span className="muted">{typeOf(property)}</span>
          {property.description ? ` — ${property.description}` : ""}
        </li>
      ))}
    </ul>
  );
}
