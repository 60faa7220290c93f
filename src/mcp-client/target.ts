import { encodeBasic } from "../outbound/http-auth";

/**
 * How we authenticate to an MCP server (SPEC §6.7 `auth_type`). `oauth2` carries an access token obtained by
 * the MCP authorization flow (see ./oauth); the others carry the user's static credential.
 */
export type McpAuth =
  | { type: "none" }
  | { type: "api_key"; apiKey: string; headerName?: string }
  | { type: "bearer"; token: string }
  | { type: "basic"; username: string; password: string }
  | { type: "oauth2"; accessToken: string };

/** The header an API key goes in when the connection names none (the common convention of MCP servers). */
export const DEFAULT_API_KEY_HEADER = "X-API-Key";

/** Default bound on connecting and on each call (SPEC §6.7: 30 s). */
export const DEFAULT_MCP_TIMEOUT_MS = 30_000;

/**
 * What discovery learnt about a server (stored in the connection's `capabilities`, SPEC §6.1): the protocol revision
 * it negotiated and the capabilities it declared. A call uses it to pick its protocol lane (./lanes.ts).
 */
export interface McpServerFacts {
  protocolVersion: string;
  capabilities: Record<string, unknown>;
}

/** One MCP server as we talk to it. */
export interface McpTarget {
  serverUrl: string;
  auth: McpAuth;
  /** Bound on the whole operation (connect + the request); default {@link DEFAULT_MCP_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** From the SSRF policy: http:// and private targets only in development. */
  allowInsecure: boolean;
  /** Extra headers sent on every request (a connection's `default_headers`); never overrides auth. */
  headers?: Record<string, string>;
  /** What discovery stored about the server; absent when it was never discovered (then calls use the handshake). */
  server?: McpServerFacts;
}

/**
 * The request headers that carry the credential: `Authorization: Bearer` (RFC 6750 §2.1) for bearer and OAuth
 * tokens, `Authorization: Basic` (RFC 7617 §2) for basic, the configured header (default `X-API-Key`) for an API
 * key — an API key whose header is `Authorization` is sent as a bearer token, the form servers expect there.
 */
export function credentialHeaders(auth: McpAuth): Record<string, string> {
  switch (auth.type) {
    case "none":
      return {};
    case "api_key": {
      const name = auth.headerName ?? DEFAULT_API_KEY_HEADER;
      if (name.toLowerCase() === "authorization") return { Authorization: `Bearer ${auth.apiKey}` };
      return { [name]: auth.apiKey };
    }
    case "bearer":
      return { Authorization: `Bearer ${auth.token}` };
    case "oauth2":
      return { Authorization: `Bearer ${auth.accessToken}` };
    case "basic":
      return { Authorization: `Basic ${encodeBasic(auth.username, auth.password)}` };
  }
}

/** Every secret in an auth value, so an error message from upstream can be checked for leaks. */
export function credentialSecrets(auth: McpAuth): string[] {
  switch (auth.type) {
    case "none":
      return [];
    case "api_key":
      return [auth.apiKey];
    case "bearer":
      return [auth.token];
    case "oauth2":
      return [auth.accessToken];
    case "basic":
      return [auth.password];
  }
}
