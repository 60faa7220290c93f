import { expect } from "vitest";
import { expectData } from "./http";
import type { Browser } from "./session";

export interface Summary {
  id: string;
  name: string;
  provider: string;
  connection_method: string;
  status: string;
  status_reason: string | null;
  base_url: string | null;
  settings?: Record<string, unknown>;
  secrets_set?: string[];
  last_used_at: number | null;
  last_tested_at: number | null;
}

export const UPSTREAM_HOST = "api.upstream.test";
export const UPSTREAM = `https://${UPSTREAM_HOST}`;

/** Creates a connection through the API and returns its summary. */
export async function createConnection(browser: Browser, body: Record<string, unknown>): Promise<Summary> {
  const response = await browser.json("/api/connections", "POST", body);
  const data = await expectData<Summary>(response, 201);
  expect(data.id).toMatch(/^[0-9a-f-]{36}$/);
  return data;
}

let counter = 0;
/** One valid create body per method, with recognisable secret values. */
export function bodyFor(method: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  const base: Record<string, Record<string, unknown>> = {
    api_key: { provider: "custom_api", base_url: UPSTREAM, data: { api_key: `sk-secret-apikey-${counter}` } },
    bearer: { provider: "custom_api", base_url: UPSTREAM, data: { token: `secret-bearer-token-${counter}` } },
    basic: {
      provider: "custom_api",
      base_url: UPSTREAM,
      data: { username: "svc-user", password: `secret-basic-pw-${counter}` },
    },
    oauth2: {
      provider: "custom_oauth2",
      base_url: UPSTREAM,
      data: {
        client_id: "client-abc",
        client_secret: `secret-oauth-client-${counter}`,
        authorization_url: "https://auth.upstream.test/authorize",
        token_url: "https://auth.upstream.test/token",
        scopes: ["read"],
      },
    },
    oauth2_client_credentials: {
      provider: "custom_oauth2",
      base_url: UPSTREAM,
      data: {
        client_id: "cc-client",
        client_secret: `secret-cc-${counter}`,
        token_url: "https://auth.upstream.test/token",
        scopes: ["a", "b"],
      },
    },
    mcp: {
      provider: "custom_mcp",
      data: { server_url: "https://mcp.upstream.test/mcp", auth_type: "bearer", token: `secret-mcp-token-${counter}` },
    },
    paragon: {
      provider: "salesforce",
      data: { paragon_user_id: "pu-1", integration: "salesforce", credential_id: "cred-1" },
    },
  };
  return { name: `${method} connection ${counter}`, connection_method: method, ...base[method], ...overrides };
}

export const ALL_METHODS = [
  "api_key",
  "bearer",
  "basic",
  "oauth2",
  "oauth2_client_credentials",
  "mcp",
  "paragon",
] as const;
