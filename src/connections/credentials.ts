import type { Context } from "hono";
import { type Keyring, keyringFor } from "../crypto/keyring";
import { type Database, getDb } from "../db/client";
import type { ConnectionMethodColumn as ConnectionMethod } from "../db/schema";
import { encodeBasic } from "../outbound/http-auth";
import type { AppConfig } from "../platform/config";
import type { AppEnv } from "../platform/context";
import type { Logger } from "../platform/logger";
import type { ProviderEntry } from "./catalog";
import type { ConnectionData } from "./data";
import type { StatusEvent } from "./status";
import type { ConnectionPatch, DecryptedConnection } from "./store";

/**
 * Credential providers: how each connection method puts its credentials on an outgoing request. The
 * proxy core ("use a connection") knows no method; it looks the connection's method up in a table of
 * these (composed in `src/proxy/credentials.ts`): api_key, bearer and basic are defined here; OAuth 2.0
 * and client credentials in `oauth-client/`; MCP and Paragon connections in their own folders.
 */

/** What using a connection may need: storage, keys, configuration, a logger, a clock. */
export interface CredentialContext {
  env: Env;
  config: AppConfig;
  log: Logger;
  db: Database;
  keyring: Keyring;
  now(): number;
}

/** The fields of a connection that using it needs; a saved row, or an unsaved "test before saving" (id null). */
export type UsableConnection = Pick<
  DecryptedConnection,
  | "userId"
  | "provider"
  | "status"
  | "connection"
  | "baseUrl"
  | "defaultHeaders"
  | "timeoutMs"
  | "retries"
  | "backoffMs"
  | "verifyRequest"
  | "tokensEncrypted"
  | "refreshExhausted"
> & { id: string | null };

export type UsableConnectionOf<M extends ConnectionMethod> = UsableConnection & {
  connection: Extract<ConnectionData, { method: M }>;
};

/** Token health of a connection whose credential is a token we obtain (the `/status` route). */
export interface TokenHealth {
  state: "valid" | "expiring" | "expired" | "missing";
  expires_at: number | null;
  scopes: string[] | null;
}

export interface CredentialProvider<M extends ConnectionMethod = ConnectionMethod> {
  /**
   * Whether the generic HTTP proxy and connection tests may use this method; methods with endpoints of
   * their own (MCP tools, Paragon actions) carry the message that says where to go instead.
   */
  readonly proxyable: true | { refusal: string };
  /** A 401 from the upstream on a credential we believed valid is answered with one fresh credential and one retry. */
  readonly renewsOnRejection: boolean;
  /** Header names the injection writes (lowercase), so a caller's header of the same name never reaches the upstream. */
  injectedHeaders(connection: UsableConnectionOf<M>, provider: ProviderEntry | undefined): string[];
  /**
   * Adds the credentials to `request` in place. `rejected` is the credential the upstream just refused
   * (for `renewsOnRejection` methods). Returns the credential used when it can go stale, so a 401 can name it.
   */
  inject(
    context: CredentialContext,
    connection: UsableConnectionOf<M>,
    request: { url: URL; headers: Headers },
    provider: ProviderEntry | undefined,
    rejected?: string,
  ): Promise<string | undefined>;
  /**
   * Token health for `/status`, for methods whose credential is a token we obtain; `undefined` for a
   * connection of the method whose credential is one the user gave (an MCP server behind a static token).
   */
  tokenHealth?(context: CredentialContext, connection: UsableConnectionOf<M>): Promise<TokenHealth | undefined>;
  /** Best-effort revocation at the provider after the connection is deleted (runs in the background). */
  revoke?(context: CredentialContext, connection: UsableConnectionOf<M>): Promise<boolean>;
  /**
   * Work a method does before a new connection is saved (MCP: discover the server's tools). Returns extra
   * columns for the insert, whether the connection waits for authorization, and a status event to apply once
   * it exists (an unreachable MCP server is saved `invalid` with the reason).
   */
  prepareCreate?(context: CredentialContext, connection: UsableConnectionOf<M>): Promise<PreparedCreate>;
}

/** What {@link CredentialProvider.prepareCreate} contributes to a new connection. */
export interface PreparedCreate {
  columns?: ConnectionPatch;
  awaitsAuthorization?: boolean;
  afterCreate?: StatusEvent;
}

/** One provider per connection method. */
export type CredentialProviders = { [M in ConnectionMethod]: CredentialProvider<M> };

/** The provider of a connection's method, typed for that connection. */
export function credentialProviderFor(
  table: CredentialProviders,
  connection: UsableConnection,
): CredentialProvider<ConnectionMethod> {
  // The table is keyed by method, so the entry always fits the connection; TypeScript cannot see that.
  return table[connection.connection.method] as CredentialProvider<ConnectionMethod>;
}

export interface ApiKeyInjection {
  location: "header" | "query";
  name: string;
  prefix?: string;
}

/**
 * Where an API key goes when neither the connection nor its provider says otherwise: the generic
 * `custom_api` default of SPEC §6.3 (`Authorization: Bearer <key>`).
 */
export const DEFAULT_API_KEY_INJECTION: ApiKeyInjection = {
  location: "header",
  name: "Authorization",
  prefix: "Bearer ",
};

/** The catalog entry's API-key rule, if it has one. */
export function providerApiKeyInjection(provider: ProviderEntry | undefined): ApiKeyInjection | undefined {
  return provider?.api_key
    ? { location: provider.api_key.location, name: provider.api_key.name, prefix: provider.api_key.prefix }
    : undefined;
}

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
  // Header names are case-insensitive (RFC 9110 §5.1); query parameter names are not.
  const sameName =
    location === "header" ? name.toLowerCase() === providerDefault.name.toLowerCase() : name === providerDefault.name;
  const providersOwn = sameLocation && sameName;
  const prefix =
    data.key_prefix ??
    (providersOwn
      ? providerDefault.prefix
      : location === "header" && name.toLowerCase() === "authorization"
        ? "Bearer "
        : undefined);
  return { location, name, ...(prefix ? { prefix } : {}) };
}

/** An API key in a header or query parameter, as the connection or its catalog entry says (SPEC §6.6). */
export const apiKeyCredentials: CredentialProvider<"api_key"> = {
  proxyable: true,
  renewsOnRejection: false,
  injectedHeaders(connection, provider) {
    const injection = apiKeyInjection(connection.connection.data, providerApiKeyInjection(provider));
    return injection.location === "header" ? [injection.name.toLowerCase()] : [];
  },
  async inject(_context, connection, request, provider) {
    const data = connection.connection.data;
    const injection = apiKeyInjection(data, providerApiKeyInjection(provider));
    const value = `${injection.prefix ?? ""}${data.api_key}`;
    if (injection.location === "query") request.url.searchParams.set(injection.name, value);
    else request.headers.set(injection.name, value);
    return undefined;
  },
};

/** `Authorization: Bearer <token>` (RFC 6750 §2.1). */
export const bearerCredentials: CredentialProvider<"bearer"> = {
  proxyable: true,
  renewsOnRejection: false,
  injectedHeaders: () => ["authorization"],
  async inject(_context, connection, request) {
    request.headers.set("authorization", `Bearer ${connection.connection.data.token}`);
    return undefined;
  },
};

/** `Authorization: Basic …` (RFC 7617). */
export const basicCredentials: CredentialProvider<"basic"> = {
  proxyable: true,
  renewsOnRejection: false,
  injectedHeaders: () => ["authorization"],
  async inject(_context, connection, request) {
    const { username, password } = connection.connection.data;
    request.headers.set("authorization", `Basic ${encodeBasic(username, password)}`);
    return undefined;
  },
};

/** The credential context of an HTTP request. */
export function requestCredentialContext(c: Context<AppEnv>): CredentialContext {
  return {
    env: c.env,
    config: c.var.config,
    log: c.var.log,
    db: getDb(c.env.DB),
    keyring: keyringFor(c.var.config.keyring),
    now: Date.now,
  };
}
