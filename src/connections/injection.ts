import type { ConnectionData } from "./data";

/**
 * Where an API key goes when neither the connection nor its provider says otherwise: the generic
 * `custom_api` default of SPEC §6.3 (`Authorization: Bearer <key>`).
 */
export const DEFAULT_API_KEY_INJECTION: ApiKeyInjection = {
  location: "header",
  name: "Authorization",
  prefix: "Bearer ",
};

export interface ApiKeyInjection {
  location: "header" | "query";
  name: string;
  prefix?: string;
}

/**
 * Headers a caller may never set on a proxied request: they would carry the caller's own credentials
 * (or cookies for our domain) to the upstream, or let the caller override the injected ones.
 */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-api-key",
  "api-key",
  "x-auth-token",
  "x-csrf-token",
]);

/** RFC 9110 §7.6.1 hop-by-hop headers, plus ones the platform sets itself. */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "expect",
]);

/**
 * Resolves the API-key injection: each of location, name and prefix comes from the connection's own
 * `data` when set, else from the provider's catalog entry (or the generic default). A custom name
 * that is not the provider's gets no prefix, except `Authorization`, which gets `Bearer `.
 */
export function apiKeyInjection(
  data: { key_location?: "header" | "query"; key_name?: string; key_prefix?: string },
  providerDefault: ApiKeyInjection = DEFAULT_API_KEY_INJECTION,
): ApiKeyInjection {
  const location = data.key_location ?? providerDefault.location;
  const sameLocation = location === providerDefault.location;
  const name =
    data.key_name ?? (sameLocation ? providerDefault.name : location === "query" ? "api_key" : "Authorization");
  const providersOwn = sameLocation && name === providerDefault.name;
  const prefix =
    data.key_prefix ??
    (providersOwn
      ? providerDefault.prefix
      : location === "header" && name.toLowerCase() === "authorization"
        ? "Bearer "
        : undefined);
  return { location, name, ...(prefix ? { prefix } : {}) };
}

export interface InjectionInput {
  connection: ConnectionData;
  /** A usable OAuth access token for `oauth2` / `oauth2_client_credentials`. */
  accessToken?: string;
  providerApiKey?: ApiKeyInjection;
}

/**
 * Adds the connection's credentials to an outgoing request, in place (SPEC §6.6):
 * API key in a header or query parameter, `Authorization: Bearer` for bearer and OAuth tokens,
 * `Authorization: Basic` (RFC 7617) for basic. Returns the header names it set, so callers can keep
 * them out of anything echoed back.
 */
export function injectCredentials(url: URL, headers: Headers, input: InjectionInput): string[] {
  const { connection } = input;
  switch (connection.method) {
    case "api_key": {
      const injection = apiKeyInjection(connection.data, input.providerApiKey);
      const value = `${injection.prefix ?? ""}${connection.data.api_key}`;
      if (injection.location === "query") {
        url.searchParams.set(injection.name, value);
        return [];
      }
      headers.set(injection.name, value);
      return [injection.name.toLowerCase()];
    }
    case "bearer":
      headers.set("authorization", `Bearer ${connection.data.token}`);
      return ["authorization"];
    case "basic":
      headers.set("authorization", `Basic ${encodeBasic(connection.data.username, connection.data.password)}`);
      return ["authorization"];
    case "oauth2":
    case "oauth2_client_credentials":
      if (!input.accessToken) throw new Error("an OAuth connection needs an access token to inject");
      headers.set("authorization", `Bearer ${input.accessToken}`);
      return ["authorization"];
    case "mcp":
    case "paragon":
      throw new Error(`${connection.method} connections are not used through the HTTP proxy`);
  }
}

/** RFC 7617 §2: base64 of `user-id ":" password`, UTF-8 encoded. */
export function encodeBasic(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Copies the caller's headers for forwarding: drops hop-by-hop headers, credential headers, the
 * header the connection injects its key into, and Cloudflare/forwarding metadata about our caller.
 */
export function forwardableRequestHeaders(incoming: Headers, extraBlocked: readonly string[] = []): Headers {
  const blocked = new Set(extraBlocked.map((name) => name.toLowerCase()));
  const out = new Headers();
  for (const [name, value] of incoming) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP_HEADERS.has(lower) || CREDENTIAL_HEADERS.has(lower) || blocked.has(lower)) continue;
    if (
      lower.startsWith("cf-") ||
      lower.startsWith("x-forwarded-") ||
      lower === "x-real-ip" ||
      lower === "origin" ||
      lower === "referer"
    )
      continue;
    if (lower.startsWith("sec-") || lower === "x-request-id" || lower.startsWith("x-proxy-")) continue;
    out.set(name, value);
  }
  return out;
}

/** Upstream response headers that are passed back: all but hop-by-hop ones and `set-cookie`. */
export function forwardableResponseHeaders(upstream: Headers): Headers {
  const out = new Headers();
  for (const [name, value] of upstream) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP_HEADERS.has(lower) || lower === "set-cookie" || lower === "set-cookie2") continue;
    // Policies about our origin are ours to set, not the upstream's.
    if (
      lower.startsWith("content-security-policy") ||
      lower.startsWith("access-control-") ||
      lower === "strict-transport-security"
    )
      continue;
    out.append(name, value);
  }
  return out;
}
