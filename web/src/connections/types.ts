/** Wire shapes of the connections API (src/connections/routes.ts, src/connections/catalog/schema.ts). */

export type CatalogAuthMethod = "api_key" | "bearer" | "basic" | "oauth2" | "oauth2_client_credentials";
export type ConnectionMethod = CatalogAuthMethod | "mcp" | "paragon";
export type ConnectionStatus = "active" | "invalid" | "expired" | "revoked" | "disconnected";
export type TokenAuthMethod = "client_secret_basic" | "client_secret_post";

/** One entry of `GET /api/providers` (only the fields the UI reads). */
export interface Provider {
  id: string;
  name: string;
  category: string;
  description: string;
  docs_url: string;
  auth_methods: CatalogAuthMethod[];
  api_base_url?: string;
  api_key?: { location: "header" | "query"; name: string; prefix?: string; secret_name?: string };
  /** Present for catalog OAuth providers: the deployment holds the OAuth app. */
  oauth2?: { default_scopes: string[] };
  user_supplied?: { base_url: boolean; injection: boolean; verify: boolean; oauth2: boolean };
}

/** A connection as the API returns it: never its secrets, only `settings` and which `secrets_set`. */
export interface Connection {
  id: string;
  name: string;
  provider: string;
  connection_method: ConnectionMethod;
  status: ConnectionStatus;
  status_reason: string | null;
  base_url: string | null;
  token_expires_at: number | null;
  last_used_at: number | null;
  last_tested_at: number | null;
  last_test_success: boolean | null;
  created_at: number;
  updated_at: number;
  settings?: Record<string, unknown>;
  secrets_set?: string[];
}

/** `POST /api/connections/:id/test` and `POST /api/connections/test`. */
export interface TestResult {
  success: boolean;
  message: string;
  statusCode: number | null;
  responseTime: number;
  tested_at: number;
}

/** `GET /api/connections/:id/status`. */
export interface ConnectionHealth {
  id: string;
  status: ConnectionStatus;
  status_reason: string | null;
  healthy: boolean;
  last_used_at: number | null;
  last_tested_at: number | null;
  last_test_success: boolean | null;
  token: {
    state: "valid" | "expiring" | "expired" | "missing";
    expires_at: number | null;
    scopes: string[] | null;
    last_refresh_at: number | null;
    last_refresh_error: string | null;
    refresh_attempts: number;
    refresh_exhausted: boolean;
  } | null;
}

/** The body of `POST /api/connections` (and, without `name`, of `POST /api/connections/test`). */
export interface ConnectionInput {
  name: string;
  provider: string;
  connection_method: CatalogAuthMethod;
  data: Record<string, unknown>;
  base_url?: string;
  verify_request?: { method: "GET"; path: string };
}
