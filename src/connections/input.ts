import type { z } from "zod";
import type { ConnectionMethodColumn } from "../db/schema";
import { checkOutboundUrl } from "../outbound/url-policy";
import type { AppConfig } from "../platform/config";
import { AppError } from "../platform/errors";
import { findProvider, type ProviderEntry } from "./catalog";
import { type ConnectionData, DATA_SCHEMAS, fieldValueIssues } from "./data";
import { parseConnectionData } from "./store";

/** Methods whose providers live in registries of their own (MCP servers, Paragon integrations): a free slug. */
const OWN_REGISTRY_METHODS: ReadonlySet<ConnectionMethodColumn> = new Set(["mcp", "paragon"]);
const PROVIDER_SLUG = /^[a-z][a-z0-9_]{0,63}$/;

/** What creating or testing a connection needs to know of its provider. */
export interface ProviderFacts {
  id: string;
  /** The catalog entry; undefined for methods with registries of their own. */
  entry: ProviderEntry | undefined;
  apiBaseUrl: string | undefined;
  needsBaseUrl: boolean;
  retry: { max_retries: number; backoff_ms: number } | undefined;
}

/** Validates provider × method and the method's data shape; errors point at `data.<field>`. */
export function validateConnectionInput(
  method: ConnectionMethodColumn,
  providerId: string,
  data: unknown,
): { provider: ProviderFacts; connection: ConnectionData } {
  const ownRegistry = OWN_REGISTRY_METHODS.has(method);
  const entry = ownRegistry ? undefined : findProvider(providerId);
  if ((!ownRegistry && !entry) || !PROVIDER_SLUG.test(providerId)) {
    throw new AppError("invalid_request", `Unknown provider "${providerId}"`, {
      details: [{ path: "provider", message: "see GET /api/providers" }],
    });
  }
  if (entry && !(entry.auth_methods as readonly string[]).includes(method)) {
    throw new AppError("invalid_request", `Provider ${entry.id} does not support ${method}`, {
      details: [{ path: "connection_method", message: `one of ${entry.auth_methods.join(", ")}` }],
    });
  }
  const unsafe = fieldValueIssues(data);
  if (unsafe.length > 0) {
    throw new AppError("invalid_request", "data holds characters no HTTP request can carry", {
      details: unsafe.map((issue) => ({
        path: ["data", ...issue.path].join("."),
        code: "custom",
        message: issue.message,
      })),
    });
  }
  const result = DATA_SCHEMAS[method].safeParse(data);
  if (!result.success) {
    throw new AppError("invalid_request", `data does not match the ${method} shape`, {
      details: result.error.issues.map((issue) => ({
        path: ["data", ...issue.path].join("."),
        code: issue.code,
        message: issue.message,
      })),
    });
  }
  if (method === "oauth2" && entry?.user_supplied?.oauth2) {
    const oauth = result.data as z.output<(typeof DATA_SCHEMAS)["oauth2"]>;
    const missing = (["client_id", "authorization_url", "token_url"] as const).filter((field) => !oauth[field]);
    if (missing.length > 0) {
      throw new AppError("invalid_request", `${entry.id} needs the OAuth app settings`, {
        details: missing.map((field) => ({ path: `data.${field}`, message: "is required" })),
      });
    }
  }
  return {
    provider: {
      id: providerId,
      entry,
      apiBaseUrl: entry?.api_base_url,
      needsBaseUrl: Boolean(entry?.user_supplied?.base_url),
      retry: entry?.retry,
    },
    connection: parseConnectionData(method, result.data),
  };
}

/**
 * A user-supplied destination (`base_url`, `mcp_server_url`, an MCP `data.server_url`) must pass the SSRF
 * policy now, not on first use. `field` is the path reported in the error.
 */
export function checkBaseUrl(config: AppConfig, baseUrl: string | null | undefined, field = "base_url"): void {
  if (!baseUrl) return;
  const check = checkOutboundUrl(baseUrl, { allowInsecure: config.allowInsecureTargets });
  if (!check.ok)
    throw new AppError("invalid_request", `${field} is not allowed: ${check.message}`, {
      details: [{ path: field, message: check.message }],
    });
}
