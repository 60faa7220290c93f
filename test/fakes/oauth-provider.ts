/**
 * In-memory fake of a third-party OAuth 2.0 authorization server (GitHub, Slack, Google, ... as seen by our
 * product's OAuth *client*), faithful to RFC 6749 (authorization code, refresh token and client credentials grants,
 * §5.2 error bodies, §2.3.1 client authentication), RFC 7636 (PKCE, S256 only), RFC 7009 (token revocation) and
 * RFC 6750 (bearer-protected resources).
 *
 * Tests route the Worker's outbound `fetch` for `fake.host` to `fake.fetch(request)` (e.g. with
 * `interceptOutbound({ [fake.host]: fake.fetch })` from test/helpers/outbound.ts).
 *
 * Endpoints (all under `https://<host>`):
 * - `GET  /authorize`  auto-approves and redirects to the client's `redirect_uri` with `code` and `state`.
 * - `POST /token`      form (or JSON, like Notion) bodies; client auth by HTTP Basic or body credentials.
 * - `POST /revoke`     RFC 7009.
 * - `GET  /userinfo`, `GET /api/me`  the fake user (bearer-protected); any other `/api/*` echoes the request.
 * - `GET  /.well-known/oauth-authorization-server`  RFC 8414 metadata.
 *
 * Settings (`accessTokenTtlSeconds`, `rotateRefreshTokens`, `latencyMs`, ...) are plain mutable properties.
 */
import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { PKCE_METHOD, verifyCodeChallenge } from "../../src/crypto/pkce";
import { randomToken } from "../../src/crypto/tokens";

export const FAKE_OAUTH_PROVIDER_HOST = "auth.provider.test";
export const FAKE_OAUTH_DEFAULT_CLIENT_ID = "fake-client-id";
export const FAKE_OAUTH_DEFAULT_CLIENT_SECRET = "fake-client-secret";
export const FAKE_OAUTH_DEFAULT_REDIRECT_URI = "http://localhost:8787/api/oauth/custom_oauth2/callback";
/** The default client also accepts any redirect URI under this prefix. */
export const FAKE_OAUTH_DEFAULT_REDIRECT_PREFIX = "http://localhost:8787/api/oauth/";

/** `BASE64URL(SHA256(verifier))` is always 43 characters (RFC 7636 §4.2). */
const S256_CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

// ---------------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------------

export type TokenAuthMethod = "client_secret_basic" | "client_secret_post";

export interface FakeOAuthClientRegistration {
  clientId: string;
  clientSecret: string;
  /** Accepted `redirect_uri`s, compared exactly (RFC 6749 §3.1.2.3). */
  redirectUris: string[];
  /** Also accept any redirect URI under one of these prefixes (same origin, path below it). */
  redirectUriPrefixes?: string[];
  /** When set, only this client authentication method is accepted at /token and /revoke; otherwise both are. */
  tokenAuthMethod?: TokenAuthMethod;
}

export interface FakeOAuthUser {
  id: string;
  email: string;
  name: string;
}

/** One request to `/token`, recorded when it arrives (before `latencyMs` and injected failures). */
export interface FakeTokenCall {
  /** `grant_type` as sent; null when absent or the body was unreadable. */
  grantType: string | null;
  /** The client id the caller presented (Basic header or body); null when none. */
  clientId: string | null;
  /** Epoch ms. */
  at: number;
  /** Every body parameter as sent (including `client_secret` for client_secret_post). */
  body: Record<string, string>;
  /** How the client authenticated: HTTP Basic, body credentials, or not at all. */
  authMethod: "basic" | "post" | "none";
  /** HTTP status of the answer; null while it is still pending (e.g. during `latencyMs`). */
  status: number | null;
}

export interface FakeRevocation {
  token: string;
  tokenTypeHint: string | null;
  clientId: string;
  /** What the token turned out to be; null for an unknown token (still answered 200, RFC 7009 §2.2). */
  kind: "access_token" | "refresh_token" | null;
  /** Epoch ms. */
  at: number;
}

/** One request to a bearer-protected endpoint (`/userinfo`, `/api/*`). */
export interface FakeApiRequest {
  method: string;
  path: string;
  /** The bearer token presented; null when none. */
  token: string | null;
  status: number;
  /** Epoch ms. */
  at: number;
}

/** A failure `failNextToken` injects into the next matching `/token` call(s). */
export interface FakeTokenFailure {
  status: number;
  /** RFC 6749 §5.2 `error`. Defaults by status: 401 invalid_client, 5xx server_error, other 4xx invalid_request. */
  error?: string;
  errorDescription?: string;
  /** Raw response body (sent as `application/json`, e.g. malformed JSON); replaces the `{ error }` body. */
  body?: string;
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
  /** How many consecutive matching calls fail. Defaults to 1. */
  count?: number;
  /** Only calls with this `grant_type` match (and consume the failure). Defaults to any. */
  grantType?: string;
  /**
   * Default false: the call fails before the grant is processed (nothing changes: a refresh token stays valid, a
   * code stays unused). True: the grant is processed (code consumed, refresh token rotated) and only the answer is
   * lost — the client never sees the new tokens.
   */
  afterProcessing?: boolean;
}

export interface FakeOAuthProviderSettings {
  /** Lifetime of issued access tokens (`expires_in`). 0 makes them expire at once. Default 3600. */
  accessTokenTtlSeconds: number;
  /** Lifetime of authorization codes. Default 600 (10 minutes). */
  authorizationCodeTtlSeconds: number;
  /** Every refresh returns a new refresh token and retires the old one (reuse → invalid_grant). Default true. */
  rotateRefreshTokens: boolean;
  /**
   * Answer refreshes without `refresh_token` (like Google). The refresh token used stays valid (no rotation).
   * Default false.
   */
  omitRefreshTokenOnRefresh: boolean;
  /** Issue refresh tokens for the authorization code grant at all (GitHub OAuth apps don't). Default true. */
  issueRefreshTokens: boolean;
  /**
   * Presenting a rotated-out refresh token revokes the whole grant (every access and refresh token issued from
   * the same authorization), as reuse detection does (OAuth 2.0 Security BCP §4.14.2). Default false.
   */
  revokeGrantOnRefreshTokenReuse: boolean;
  /** Delay, via `setTimeout`, before every `/token` answer (widens race windows). Default 0. */
  latencyMs: number;
  /** Extra fields merged (last, so they may override standard ones) into every successful token response. */
  tokenResponseExtras: Record<string, unknown>;
  /** Scopes granted when the request names none (RFC 6749 §3.3). Default []. */
  defaultScopes: string[];
  /** When set, the scopes granted regardless of what was requested (a provider narrowing or widening). */
  grantedScopes: string[] | null;
  /** Leave `scope` out of token responses. Default false (granted scopes are echoed). */
  omitScopeInResponse: boolean;
  /** Separator of `scope` in token responses. Default " " (RFC 6749 §3.3); GitHub and Slack use ",". */
  scopeSeparator: string;
  /** Refuse authorization requests without `code_challenge` (OAuth 2.1 style). Default false. */
  requirePkce: boolean;
  /** Leave `expires_in` out of token responses (tokens still expire server-side). Default false. */
  omitExpiresIn: boolean;
  /** The resource owner who approves authorization requests (captured into each grant when issued). */
  user: FakeOAuthUser;
}

export interface FakeOAuthProviderOptions extends Partial<FakeOAuthProviderSettings> {
  /** Defaults to `auth.provider.test`. */
  host?: string;
  /** Register the default client (`fake-client-id`). Default true. */
  registerDefaultClient?: boolean;
  /** Clock (epoch ms). Defaults to `Date.now` (so `vi.useFakeTimers` moves it). */
  now?: () => number;
}

export interface FakeAuthorizationCode {
  code: string;
  clientId: string;
  /** The `redirect_uri` the authorization request carried; null when it was omitted (single registered URI). */
  redirectUri: string | null;
  /** Where the code was delivered (the request's `redirect_uri` or the single registered one). */
  resolvedRedirectUri: string;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  scope: string[];
  state: string | null;
  user: FakeOAuthUser;
  /** Epoch ms. */
  expiresAt: number;
  used: boolean;
  /** The grant the code was exchanged for, once used. */
  grantId: string | null;
}

/** One authorization (a code exchange, a client credentials grant or `issueTokensDirectly`). */
export interface FakeGrant {
  id: string;
  clientId: string;
  /** Null for client credentials. */
  user: FakeOAuthUser | null;
  scope: string[];
  revoked: boolean;
}

export interface FakeAccessToken {
  token: string;
  grantId: string;
  clientId: string;
  scope: string[];
  /** Epoch ms. */
  issuedAt: number;
  /** Epoch ms; the token is valid while `now < expiresAt`. */
  expiresAt: number;
  revoked: boolean;
}

export interface FakeRefreshToken {
  token: string;
  grantId: string;
  clientId: string;
  /** The scope of the original grant (a refresh may narrow the access token, never the grant). */
  scope: string[];
  /** Epoch ms. */
  issuedAt: number;
  /** `rotated`: replaced by a newer token; `invalidated`: by `invalidateRefreshTokens`; `revoked`: RFC 7009. */
  status: "active" | "rotated" | "revoked" | "invalidated";
}

export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
}

// ---------------------------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------------------------

/** Creates a fresh fake with empty state. One per test keeps tests independent. */
export function createFakeOAuthProvider(options: FakeOAuthProviderOptions = {}): FakeOAuthProvider {
  return new FakeOAuthProvider(options);
}

/** An RFC 6749 §5.2 error, thrown inside handlers and turned into a JSON answer. */
class OAuthError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${error}: ${description}`);
  }
}

/** Parameters of a `/token` or `/revoke` body, with anything that makes the request malformed. */
interface ParsedBody {
  params: Record<string, string>;
  problem: string | null;
}

interface PresentedClient {
  method: "basic" | "post" | "none";
  clientId: string | null;
  clientSecret: string | null;
  problem: { status: ContentfulStatusCode; error: string; description: string } | null;
}

interface PendingTokenFailure extends FakeTokenFailure {
  remaining: number;
}

type Ctx = Context;

export class FakeOAuthProvider implements FakeOAuthProviderSettings {
  readonly host: string;
  readonly issuer: string;
  readonly baseUrl: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  readonly userinfoEndpoint: string;
  /** Base URL of the bearer-protected resource API (`GET /api/me`, anything else under it echoes). */
  readonly apiBaseUrl: string;

  // Settings (mutable at any time).
  accessTokenTtlSeconds = 3600;
  authorizationCodeTtlSeconds = 600;
  rotateRefreshTokens = true;
  omitRefreshTokenOnRefresh = false;
  issueRefreshTokens = true;
  revokeGrantOnRefreshTokenReuse = false;
  latencyMs = 0;
  tokenResponseExtras: Record<string, unknown> = {};
  defaultScopes: string[] = [];
  grantedScopes: string[] | null = null;
  omitScopeInResponse = false;
  scopeSeparator = " ";
  requirePkce = false;
  omitExpiresIn = false;
  user: FakeOAuthUser = { id: "fake-user-1", email: "octo@provider.test", name: "Octo Cat" };

  // State and records (readable, and seedable, by tests).
  readonly clients = new Map<string, FakeOAuthClientRegistration>();
  readonly authorizationCodes = new Map<string, FakeAuthorizationCode>();
  readonly grants = new Map<string, FakeGrant>();
  readonly accessTokens = new Map<string, FakeAccessToken>();
  readonly refreshTokens = new Map<string, FakeRefreshToken>();
  /** Query parameters of every `/authorize` request, in order (including rejected ones). */
  readonly authorizeRequests: Record<string, string>[] = [];
  /** Every `/token` request, in order (including failed and injected-failure ones). */
  readonly tokenCalls: FakeTokenCall[] = [];
  /** Every successful `/revoke` request, in order. */
  readonly revocations: FakeRevocation[] = [];
  /** Every request to a bearer-protected endpoint, in order. */
  readonly apiRequests: FakeApiRequest[] = [];

  private readonly now: () => number;
  private readonly pendingTokenFailures: PendingTokenFailure[] = [];
  private readonly pendingAuthorizeFailures: Array<{ error: string; description: string | undefined }> = [];
  private readonly app: Hono;

  constructor(options: FakeOAuthProviderOptions = {}) {
    const { host, registerDefaultClient, now, ...settings } = options;
    this.host = host ?? FAKE_OAUTH_PROVIDER_HOST;
    this.issuer = `https://${this.host}`;
    this.baseUrl = this.issuer;
    this.authorizationEndpoint = `${this.baseUrl}/authorize`;
    this.tokenEndpoint = `${this.baseUrl}/token`;
    this.revocationEndpoint = `${this.baseUrl}/revoke`;
    this.userinfoEndpoint = `${this.baseUrl}/userinfo`;
    this.apiBaseUrl = `${this.baseUrl}/api`;
    this.now = now ?? (() => Date.now());
    for (const [key, value] of Object.entries(settings)) {
      if (value !== undefined) Object.assign(this, { [key]: value });
    }
    if (registerDefaultClient !== false) {
      this.registerClient({
        clientId: FAKE_OAUTH_DEFAULT_CLIENT_ID,
        clientSecret: FAKE_OAUTH_DEFAULT_CLIENT_SECRET,
        redirectUris: [FAKE_OAUTH_DEFAULT_REDIRECT_URI],
        redirectUriPrefixes: [FAKE_OAUTH_DEFAULT_REDIRECT_PREFIX],
      });
    }
    this.app = this.buildApp();
  }

  /** Answers one request as the provider would. Bound, so it can be passed around as a plain function. */
  readonly fetch = async (request: Request): Promise<Response> => this.app.fetch(request);

  /** True when `input` targets this fake's host (handy for routing an intercepted `fetch`). */
  handles(input: RequestInfo | URL): boolean {
    const url = input instanceof Request ? input.url : String(input);
    return URL.canParse(url) && new URL(url).host === this.host;
  }

  // --- configuration --------------------------------------------------------------------------------------------

  /** Registers (or replaces) a confidential client. */
  registerClient(registration: FakeOAuthClientRegistration): FakeOAuthClientRegistration {
    const client: FakeOAuthClientRegistration = {
      ...registration,
      redirectUris: [...registration.redirectUris],
      redirectUriPrefixes: [...(registration.redirectUriPrefixes ?? [])],
    };
    this.clients.set(client.clientId, client);
    return client;
  }

  /**
   * The next matching `/token` call(s) answer `status` instead of being processed — e.g. `{ status: 503 }`
   * (transient), `{ status: 400, error: "invalid_grant" }`, `{ status: 200, body: "{not json" }`. Queued in order.
   */
  failNextToken(failure: FakeTokenFailure): void {
    this.pendingTokenFailures.push({ ...failure, remaining: Math.max(1, failure.count ?? 1) });
  }

  /**
   * The next valid authorization request is denied: a redirect back with `error`, `error_description` (when
   * given) and `state` (RFC 6749 §4.1.2.1), as when the user clicks "Cancel".
   */
  failNextAuthorize(error = "access_denied", description?: string): void {
    this.pendingAuthorizeFailures.push({ error, description });
  }

  /** Drops every queued `failNextToken` / `failNextAuthorize`. */
  clearInjectedFailures(): void {
    this.pendingTokenFailures.length = 0;
    this.pendingAuthorizeFailures.length = 0;
  }

  /** Revokes every grant of `clientId`: all its access and refresh tokens stop working (the user disconnected). */
  revokeAllFor(clientId: string): void {
    for (const grant of this.grants.values()) if (grant.clientId === clientId) grant.revoked = true;
    for (const token of this.accessTokens.values()) if (token.clientId === clientId) token.revoked = true;
    for (const token of this.refreshTokens.values()) {
      if (token.clientId === clientId && token.status === "active") token.status = "revoked";
    }
  }

  /** Every active refresh token (of `clientId`, or of all clients) stops working; access tokens are unaffected. */
  invalidateRefreshTokens(clientId?: string): void {
    for (const token of this.refreshTokens.values()) {
      if (token.status === "active" && (clientId === undefined || token.clientId === clientId)) {
        token.status = "invalidated";
      }
    }
  }

  /**
   * Every access token (of `clientId`, or of all) expires now, server-side only: the client still believes them
   * valid, so its next API call gets 401 `invalid_token`.
   */
  expireAccessTokens(clientId?: string): void {
    const now = this.now();
    for (const token of this.accessTokens.values()) {
      if (clientId === undefined || token.clientId === clientId) token.expiresAt = Math.min(token.expiresAt, now);
    }
  }

  // --- inspection -----------------------------------------------------------------------------------------------

  /** Number of recorded `/token` calls, optionally only those with `grant_type` = `grantType`. */
  tokenCallCount(grantType?: string): number {
    return this.tokenCalls.filter((call) => grantType === undefined || call.grantType === grantType).length;
  }

  isAccessTokenValid(token: string): boolean {
    return this.accessTokenProblem(token) === null;
  }

  isRefreshTokenValid(token: string): boolean {
    const record = this.refreshTokens.get(token);
    return record !== undefined && record.status === "active" && !this.grants.get(record.grantId)?.revoked;
  }

  /** The most recently issued refresh token that is still valid (of `clientId`, or of any client). */
  currentRefreshToken(clientId?: string): string | undefined {
    return latest(
      [...this.refreshTokens.values()].filter(
        (record) => (clientId === undefined || record.clientId === clientId) && this.isRefreshTokenValid(record.token),
      ),
    )?.token;
  }

  /** The most recently issued access token that is still valid (of `clientId`, or of any client). */
  currentAccessToken(clientId?: string): string | undefined {
    return latest(
      [...this.accessTokens.values()].filter(
        (record) => (clientId === undefined || record.clientId === clientId) && this.isAccessTokenValid(record.token),
      ),
    )?.token;
  }

  // --- test helpers ---------------------------------------------------------------------------------------------

  /**
   * Runs `/authorize` for `authUrl` (auto-approving, as the browser hop would) and returns the redirect. Throws when
   * the endpoint does not redirect (e.g. unknown client or redirect URI).
   */
  async authorizeRedirect(authUrl: string): Promise<URL> {
    const response = await this.fetch(new Request(authUrl));
    const location = response.headers.get("location");
    if (response.status !== 302 || !location) {
      throw new Error(`fake OAuth provider: /authorize answered ${response.status}: ${await response.text()}`);
    }
    return new URL(location);
  }

  /** Like `authorizeRedirect`, and also throws when the redirect carries an `error` instead of a `code`. */
  async authorizeAndGetCode(authUrl: string): Promise<{ code: string; state: string | null; redirect: URL }> {
    const redirect = await this.authorizeRedirect(authUrl);
    const code = redirect.searchParams.get("code");
    if (!code) {
      const error = redirect.searchParams.get("error");
      const description = redirect.searchParams.get("error_description");
      throw new Error(`fake OAuth provider: authorization failed: ${error}${description ? ` (${description})` : ""}`);
    }
    return { code, state: redirect.searchParams.get("state"), redirect };
  }

  /** Seeds tokens for a (default) client without running the flow, as a code exchange would issue them. */
  issueTokensDirectly(
    options: { clientId?: string; scope?: string | string[]; expiresInSeconds?: number; user?: FakeOAuthUser } = {},
  ): IssuedTokens {
    const clientId = options.clientId ?? FAKE_OAUTH_DEFAULT_CLIENT_ID;
    if (!this.clients.has(clientId)) throw new Error(`fake OAuth provider: no client ${clientId}`);
    const scope = typeof options.scope === "string" ? splitScope(options.scope) : (options.scope ?? []);
    const grant = this.createGrant(clientId, { ...(options.user ?? this.user) }, scope);
    const ttl = options.expiresInSeconds ?? this.accessTokenTtlSeconds;
    const access = this.mintAccessToken(grant, scope, ttl);
    const refresh = this.mintRefreshToken(grant);
    return {
      access_token: access.token,
      refresh_token: refresh.token,
      token_type: "Bearer",
      expires_in: ttl,
      scope: scope.join(this.scopeSeparator),
    };
  }

  // --- HTTP -----------------------------------------------------------------------------------------------------

  private buildApp(): Hono {
    const app = new Hono();
    app.get("/authorize", (c) => this.handleAuthorize(c));
    app.post("/token", (c) => this.handleToken(c));
    app.post("/revoke", (c) => this.handleRevoke(c));
    app.all("/token", (c) => methodNotAllowed(c));
    app.all("/revoke", (c) => methodNotAllowed(c));
    app.get("/userinfo", (c) => this.handleResource(c));
    app.all("/api/*", (c) => this.handleResource(c));
    app.get("/.well-known/oauth-authorization-server", (c) =>
      c.json({
        issuer: this.issuer,
        authorization_endpoint: this.authorizationEndpoint,
        token_endpoint: this.tokenEndpoint,
        revocation_endpoint: this.revocationEndpoint,
        userinfo_endpoint: this.userinfoEndpoint,
        response_types_supported: ["code"],
        grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
        revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
        code_challenge_methods_supported: [PKCE_METHOD],
      }),
    );
    app.notFound((c) => c.json({ error: "not_found" }, 404));
    app.onError((error, c) => c.json({ error: "server_error", error_description: String(error) }, 500));
    return app;
  }

  /** RFC 6749 §4.1.1-§4.1.2.1, RFC 7636 §4.3. */
  private handleAuthorize(c: Ctx): Response {
    const url = new URL(c.req.url);
    const query = url.searchParams;
    const params = Object.fromEntries(query);
    this.authorizeRequests.push(params);

    // Errors about the client or the redirect URI must not redirect (RFC 6749 §4.1.2.1): an error page instead.
    if (query.getAll("client_id").length > 1 || query.getAll("redirect_uri").length > 1) {
      return authorizeErrorPage(c, "invalid_request", "client_id and redirect_uri must not be repeated");
    }
    const clientId = params.client_id;
    if (!clientId) return authorizeErrorPage(c, "invalid_request", "client_id is required");
    const client = this.clients.get(clientId);
    if (!client) return authorizeErrorPage(c, "invalid_client", "unknown client_id");
    let redirectUri: string;
    if (params.redirect_uri !== undefined) {
      if (!redirectAllowed(client, params.redirect_uri)) {
        return authorizeErrorPage(c, "invalid_request", "redirect_uri is not registered for this client");
      }
      redirectUri = params.redirect_uri;
    } else {
      const only = client.redirectUris.length === 1 && !client.redirectUriPrefixes?.length;
      const registered = client.redirectUris[0];
      if (!only || registered === undefined) {
        return authorizeErrorPage(c, "invalid_request", "redirect_uri is required");
      }
      redirectUri = registered;
    }

    const state = params.state ?? null;
    const redirectError = (error: string, description?: string) => {
      const target = new URL(redirectUri);
      target.searchParams.set("error", error);
      if (description) target.searchParams.set("error_description", description);
      if (state !== null) target.searchParams.set("state", state);
      return c.redirect(target.href, 302);
    };

    const repeated = [...new Set([...query.keys()].filter((key) => query.getAll(key).length > 1))];
    if (repeated.length) return redirectError("invalid_request", `repeated parameter: ${repeated.join(", ")}`);
    if (!params.response_type) return redirectError("invalid_request", "response_type is required");
    if (params.response_type !== "code") {
      return redirectError("unsupported_response_type", "only response_type=code is supported");
    }
    const challenge = params.code_challenge ?? null;
    const method = params.code_challenge_method ?? null;
    if (challenge === null && method !== null) {
      return redirectError("invalid_request", "code_challenge_method without code_challenge");
    }
    if (challenge !== null) {
      // RFC 7636 §4.3: an absent method means "plain", which this server (like OAuth 2.1) refuses.
      if (method !== PKCE_METHOD) return redirectError("invalid_request", "transform algorithm not supported");
      if (!S256_CHALLENGE_PATTERN.test(challenge)) return redirectError("invalid_request", "malformed code_challenge");
    } else if (this.requirePkce) {
      return redirectError("invalid_request", "code challenge required");
    }

    const injected = this.pendingAuthorizeFailures.shift();
    if (injected) return redirectError(injected.error, injected.description);

    const code = `code_${randomToken()}`;
    this.authorizationCodes.set(code, {
      code,
      clientId,
      redirectUri: params.redirect_uri ?? null,
      resolvedRedirectUri: redirectUri,
      codeChallenge: challenge,
      codeChallengeMethod: method,
      scope: this.grantScope(splitScope(params.scope ?? "")),
      state,
      user: { ...this.user },
      expiresAt: this.now() + this.authorizationCodeTtlSeconds * 1000,
      used: false,
      grantId: null,
    });
    const target = new URL(redirectUri);
    target.searchParams.set("code", code);
    if (state !== null) target.searchParams.set("state", state);
    return c.redirect(target.href, 302);
  }

  /** RFC 6749 §3.2, §4.1.3, §4.4.2, §6, answered per §5.1/§5.2. */
  private async handleToken(c: Ctx): Promise<Response> {
    const request = c.req.raw;
    const body = await readBody(request);
    const presented = presentedClient(request, body.params);
    const call: FakeTokenCall = {
      grantType: body.params.grant_type ?? null,
      clientId: presented.clientId,
      at: this.now(),
      body: body.params,
      authMethod: presented.method,
      status: null,
    };
    this.tokenCalls.push(call);

    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));

    const index = this.pendingTokenFailures.findIndex(
      (failure) => failure.grantType === undefined || failure.grantType === call.grantType,
    );
    const failure = index >= 0 ? this.pendingTokenFailures[index] : undefined;
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) this.pendingTokenFailures.splice(index, 1);
    }

    let response: Response;
    if (failure && !failure.afterProcessing) {
      response = injectedFailureResponse(failure);
    } else {
      try {
        const client = this.authenticateClient(presented, body);
        response = tokenJson(await this.processGrant(client, body.params), 200);
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        response = tokenJson({ error: error.error, error_description: error.description }, error.status, error.headers);
      }
      if (failure) response = injectedFailureResponse(failure);
    }
    call.status = response.status;
    return response;
  }

  private async processGrant(
    client: FakeOAuthClientRegistration,
    params: Record<string, string>,
  ): Promise<Record<string, unknown>> {
    switch (params.grant_type) {
      case undefined:
        throw new OAuthError(400, "invalid_request", "grant_type is required");
      case "authorization_code":
        return this.exchangeCode(client, params);
      case "refresh_token":
        return this.refresh(client, params);
      case "client_credentials": {
        const scope = this.grantScope(splitScope(params.scope ?? ""));
        const grant = this.createGrant(client.clientId, null, scope);
        const access = this.mintAccessToken(grant, scope, this.accessTokenTtlSeconds);
        return this.tokenResponse(access, null);
      }
      default:
        throw new OAuthError(400, "unsupported_grant_type", `grant_type ${params.grant_type} is not supported`);
    }
  }

  /** RFC 6749 §4.1.3 with RFC 7636 §4.6. */
  private async exchangeCode(
    client: FakeOAuthClientRegistration,
    params: Record<string, string>,
  ): Promise<Record<string, unknown>> {
    if (!params.code) throw new OAuthError(400, "invalid_request", "code is required");
    const record = this.authorizationCodes.get(params.code);
    if (!record) throw new OAuthError(400, "invalid_grant", "unknown authorization code");
    if (record.used) {
      // §4.1.2: a code used twice is refused, and the tokens issued from it are revoked.
      if (record.grantId) this.revokeGrant(record.grantId);
      throw new OAuthError(400, "invalid_grant", "authorization code already used");
    }
    if (this.now() >= record.expiresAt) throw new OAuthError(400, "invalid_grant", "authorization code expired");
    if (record.clientId !== client.clientId) {
      throw new OAuthError(400, "invalid_grant", "authorization code was issued to another client");
    }
    const redirectMatches =
      record.redirectUri !== null
        ? params.redirect_uri === record.redirectUri
        : params.redirect_uri === undefined || params.redirect_uri === record.resolvedRedirectUri;
    if (!redirectMatches) throw new OAuthError(400, "invalid_grant", "redirect_uri does not match");
    if (record.codeChallenge !== null) {
      const verifier = params.code_verifier;
      if (!verifier) throw new OAuthError(400, "invalid_grant", "code_verifier is required");
      const ok = await verifyCodeChallenge(verifier, record.codeChallenge, record.codeChallengeMethod ?? "");
      if (!ok) throw new OAuthError(400, "invalid_grant", "code_verifier does not match the code_challenge");
    }
    record.used = true;
    const grant = this.createGrant(client.clientId, record.user, record.scope);
    record.grantId = grant.id;
    const access = this.mintAccessToken(grant, record.scope, this.accessTokenTtlSeconds);
    const refresh = this.issueRefreshTokens ? this.mintRefreshToken(grant) : null;
    return this.tokenResponse(access, refresh);
  }

  /** RFC 6749 §6. */
  private refresh(client: FakeOAuthClientRegistration, params: Record<string, string>): Record<string, unknown> {
    if (!params.refresh_token) throw new OAuthError(400, "invalid_request", "refresh_token is required");
    const record = this.refreshTokens.get(params.refresh_token);
    if (!record) throw new OAuthError(400, "invalid_grant", "unknown refresh token");
    if (record.clientId !== client.clientId) {
      throw new OAuthError(400, "invalid_grant", "refresh token was issued to another client");
    }
    if (record.status === "rotated") {
      if (this.revokeGrantOnRefreshTokenReuse) this.revokeGrant(record.grantId);
      throw new OAuthError(400, "invalid_grant", "refresh token was already used");
    }
    const grant = this.grants.get(record.grantId);
    if (record.status !== "active" || !grant || grant.revoked) {
      throw new OAuthError(400, "invalid_grant", "refresh token is invalid or revoked");
    }
    let scope = record.scope;
    if (params.scope !== undefined) {
      const requested = splitScope(params.scope);
      const extra = requested.filter((item) => !record.scope.includes(item));
      if (extra.length) throw new OAuthError(400, "invalid_scope", `scope exceeds the grant: ${extra.join(" ")}`);
      if (requested.length) scope = requested;
    }
    const access = this.mintAccessToken(grant, scope, this.accessTokenTtlSeconds);
    let refresh: FakeRefreshToken | null = record;
    if (this.omitRefreshTokenOnRefresh) {
      refresh = null;
    } else if (this.rotateRefreshTokens) {
      record.status = "rotated";
      refresh = this.mintRefreshToken(grant);
    }
    return this.tokenResponse(access, refresh);
  }

  /** RFC 7009 §2. */
  private async handleRevoke(c: Ctx): Promise<Response> {
    const request = c.req.raw;
    const body = await readBody(request);
    try {
      const client = this.authenticateClient(presentedClient(request, body.params), body);
      const token = body.params.token;
      if (!token) throw new OAuthError(400, "invalid_request", "token is required");
      const access = this.accessTokens.get(token);
      const refresh = access ? undefined : this.refreshTokens.get(token);
      const owner = access?.clientId ?? refresh?.clientId;
      if (owner !== undefined && owner !== client.clientId) {
        throw new OAuthError(400, "unauthorized_client", "token was issued to another client");
      }
      if (access) access.revoked = true;
      // §2.1: revoking a refresh token also invalidates the access tokens of the same grant.
      if (refresh) this.revokeGrant(refresh.grantId);
      this.revocations.push({
        token,
        tokenTypeHint: body.params.token_type_hint ?? null,
        clientId: client.clientId,
        kind: access ? "access_token" : refresh ? "refresh_token" : null,
        at: this.now(),
      });
      return new Response(null, { status: 200, headers: { "cache-control": "no-store" } });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return tokenJson({ error: error.error, error_description: error.description }, error.status, error.headers);
    }
  }

  /** RFC 6750: `/userinfo` and `/api/*`. */
  private handleResource(c: Ctx): Response {
    const url = new URL(c.req.url);
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
    const token = match?.[1] ?? null;
    const record = (status: number) =>
      this.apiRequests.push({ method: c.req.method, path: url.pathname, token, status, at: this.now() });

    if (token === null) {
      record(401);
      return c.json({ error: "unauthorized", error_description: "Bearer token required" }, 401, {
        "www-authenticate": `Bearer realm="${this.host}"`,
      });
    }
    const problem = this.accessTokenProblem(token);
    const access = this.accessTokens.get(token);
    const grant = access && this.grants.get(access.grantId);
    if (problem !== null || !access || !grant) {
      const description = problem ?? "unknown access token";
      record(401);
      return c.json({ error: "invalid_token", error_description: description }, 401, {
        "www-authenticate": `Bearer error="invalid_token", error_description="${description}"`,
      });
    }
    record(200);
    const principal = grant.user
      ? { ...grant.user }
      : { id: `client:${access.clientId}`, email: null, name: null, client_id: access.clientId };
    if (url.pathname === "/userinfo" || url.pathname === "/api/me") return c.json(principal);
    return c.json({
      ok: true,
      method: c.req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      client_id: access.clientId,
      scope: access.scope.join(" "),
      user_id: grant.user?.id ?? null,
    });
  }

  // --- internals ------------------------------------------------------------------------------------------------

  /** RFC 6749 §2.3.1 and §3.2.1; throws `invalid_client` (401) or `invalid_request` (400). */
  private authenticateClient(presented: PresentedClient, body: ParsedBody): FakeOAuthClientRegistration {
    if (presented.problem) {
      const { status, error, description } = presented.problem;
      throw new OAuthError(status, error, description, this.basicChallenge(presented));
    }
    if (body.problem) throw new OAuthError(400, "invalid_request", body.problem);
    const client = presented.clientId === null ? undefined : this.clients.get(presented.clientId);
    if (presented.method === "none") {
      throw new OAuthError(401, "invalid_client", "client authentication required");
    }
    if (!client || client.clientSecret !== presented.clientSecret) {
      throw new OAuthError(401, "invalid_client", "client authentication failed", this.basicChallenge(presented));
    }
    const method = presented.method === "basic" ? "client_secret_basic" : "client_secret_post";
    if (client.tokenAuthMethod && client.tokenAuthMethod !== method) {
      throw new OAuthError(
        401,
        "invalid_client",
        `client is registered for ${client.tokenAuthMethod}`,
        this.basicChallenge(presented),
      );
    }
    return client;
  }

  /** §5.2: a failed attempt via the Authorization header gets a `WWW-Authenticate` challenge. */
  private basicChallenge(presented: PresentedClient): Record<string, string> {
    return presented.method === "basic" ? { "www-authenticate": `Basic realm="${this.host}"` } : {};
  }

  private accessTokenProblem(token: string): string | null {
    const record = this.accessTokens.get(token);
    if (!record) return "unknown access token";
    if (record.revoked || this.grants.get(record.grantId)?.revoked !== false) return "access token revoked";
    if (this.now() >= record.expiresAt) return "access token expired";
    return null;
  }

  private grantScope(requested: string[]): string[] {
    if (this.grantedScopes) return [...this.grantedScopes];
    return requested.length ? requested : [...this.defaultScopes];
  }

  private createGrant(clientId: string, user: FakeOAuthUser | null, scope: string[]): FakeGrant {
    const grant: FakeGrant = { id: `grant_${randomToken(12)}`, clientId, user, scope: [...scope], revoked: false };
    this.grants.set(grant.id, grant);
    return grant;
  }

  private revokeGrant(grantId: string): void {
    const grant = this.grants.get(grantId);
    if (grant) grant.revoked = true;
    for (const token of this.accessTokens.values()) if (token.grantId === grantId) token.revoked = true;
    for (const token of this.refreshTokens.values()) {
      if (token.grantId === grantId && token.status === "active") token.status = "revoked";
    }
  }

  private mintAccessToken(grant: FakeGrant, scope: string[], ttlSeconds: number): FakeAccessToken {
    const now = this.now();
    const token: FakeAccessToken = {
      token: `at_${randomToken()}`,
      grantId: grant.id,
      clientId: grant.clientId,
      scope: [...scope],
      issuedAt: now,
      expiresAt: now + ttlSeconds * 1000,
      revoked: false,
    };
    this.accessTokens.set(token.token, token);
    return token;
  }

  private mintRefreshToken(grant: FakeGrant): FakeRefreshToken {
    const token: FakeRefreshToken = {
      token: `rt_${randomToken()}`,
      grantId: grant.id,
      clientId: grant.clientId,
      scope: [...grant.scope],
      issuedAt: this.now(),
      status: "active",
    };
    this.refreshTokens.set(token.token, token);
    return token;
  }

  /** RFC 6749 §5.1, plus `tokenResponseExtras`. */
  private tokenResponse(access: FakeAccessToken, refresh: FakeRefreshToken | null): Record<string, unknown> {
    const body: Record<string, unknown> = { access_token: access.token, token_type: "Bearer" };
    if (!this.omitExpiresIn) body.expires_in = Math.round((access.expiresAt - access.issuedAt) / 1000);
    if (refresh) body.refresh_token = refresh.token;
    if (access.scope.length && !this.omitScopeInResponse) body.scope = access.scope.join(this.scopeSeparator);
    return { ...body, ...this.tokenResponseExtras };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

/** RFC 6749 §3.3: space-delimited, case-sensitive scope tokens. */
function splitScope(scope: string): string[] {
  return [...new Set(scope.split(" ").filter(Boolean))];
}

function latest<T extends { issuedAt: number }>(records: T[]): T | undefined {
  // Maps iterate in insertion order, so the last one is the newest even when issuedAt ties.
  return records.at(-1);
}

function redirectAllowed(client: FakeOAuthClientRegistration, redirectUri: string): boolean {
  if (client.redirectUris.includes(redirectUri)) return true;
  if (!URL.canParse(redirectUri)) return false;
  const target = new URL(redirectUri);
  if (target.hash) return false;
  return (client.redirectUriPrefixes ?? []).some((prefix) => {
    const base = new URL(prefix);
    return (
      redirectUri.startsWith(prefix) &&
      target.origin === base.origin &&
      target.pathname.startsWith(base.pathname) &&
      !target.pathname.split("/").includes("..")
    );
  });
}

/** Form (RFC 6749 §3.2) or JSON body; repeated form parameters make the request malformed (§3.2). */
async function readBody(request: Request): Promise<ParsedBody> {
  const contentType = (request.headers.get("content-type") ?? "").toLowerCase();
  // Decoded by hand: workerd warns when `.text()` is called on a form-encoded body.
  const text = new TextDecoder().decode(await request.arrayBuffer());
  if (contentType.includes("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { params: {}, problem: "malformed JSON body" };
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return { params: {}, problem: "JSON body must be an object" };
    }
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === "string") params[key] = value;
      else if (typeof value === "number" || typeof value === "boolean") params[key] = String(value);
    }
    return { params, problem: null };
  }
  if (contentType && !contentType.includes("application/x-www-form-urlencoded")) {
    return { params: {}, problem: `unsupported content type ${contentType}` };
  }
  const form = new URLSearchParams(text);
  const params: Record<string, string> = {};
  const repeated: string[] = [];
  for (const [key, value] of form) {
    if (key in params) repeated.push(key);
    // §3.2: parameters sent without a value are treated as omitted.
    if (value !== "") params[key] = value;
  }
  return { params, problem: repeated.length ? `repeated parameter: ${[...new Set(repeated)].join(", ")}` : null };
}

/** Which credentials the request carries: RFC 6749 §2.3.1 (Basic with form-encoded id/secret, or body). */
function presentedClient(request: Request, params: Record<string, string>): PresentedClient {
  const header = request.headers.get("authorization");
  const basic = header ? /^Basic +(\S+)$/i.exec(header) : null;
  if (basic?.[1]) {
    const decoded = decodeBasic(basic[1]);
    if (!decoded) {
      return {
        method: "basic",
        clientId: null,
        clientSecret: null,
        problem: { status: 401, error: "invalid_client", description: "malformed Basic credentials" },
      };
    }
    const [clientId, clientSecret] = decoded;
    let problem: PresentedClient["problem"] = null;
    if (params.client_secret !== undefined) {
      problem = { status: 400, error: "invalid_request", description: "more than one client authentication method" };
    } else if (params.client_id !== undefined && params.client_id !== clientId) {
      problem = { status: 401, error: "invalid_client", description: "client_id does not match the credentials" };
    }
    return { method: "basic", clientId, clientSecret, problem };
  }
  if (params.client_secret !== undefined) {
    return { method: "post", clientId: params.client_id ?? null, clientSecret: params.client_secret, problem: null };
  }
  return { method: "none", clientId: params.client_id ?? null, clientSecret: null, problem: null };
}

/** `base64(urlencode(id) ":" urlencode(secret))` → `[id, secret]`, or null when malformed. */
function decodeBasic(encoded: string): [string, string] | null {
  try {
    const binary = atob(encoded);
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
      Uint8Array.from(binary, (char) => char.charCodeAt(0)),
    );
    const colon = text.indexOf(":");
    if (colon < 0) return null;
    const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, " "));
    return [formDecode(text.slice(0, colon)), formDecode(text.slice(colon + 1))];
  } catch {
    return null;
  }
}

/** §5.1: token responses are JSON and never cached. */
function tokenJson(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json;charset=UTF-8",
      "cache-control": "no-store",
      pragma: "no-cache",
      ...headers,
    },
  });
}

function injectedFailureResponse(failure: FakeTokenFailure): Response {
  if (failure.body !== undefined) {
    return new Response(failure.body, {
      status: failure.status,
      headers: { "content-type": "application/json;charset=UTF-8", "cache-control": "no-store", ...failure.headers },
    });
  }
  const error =
    failure.error ??
    (failure.status === 401 ? "invalid_client" : failure.status >= 500 ? "server_error" : "invalid_request");
  const body: Record<string, string> = { error };
  if (failure.errorDescription) body.error_description = failure.errorDescription;
  return tokenJson(body, failure.status, failure.headers);
}

function authorizeErrorPage(c: Ctx, error: string, description: string): Response {
  return c.json({ error, error_description: description }, 400);
}

function methodNotAllowed(c: Ctx): Response {
  return c.json({ error: "invalid_request", error_description: "method not allowed" }, 405, { allow: "POST" });
}
