/**
 * In-memory fake of the WorkOS API (https://workos.com/docs/reference), faithful to the wire format that the
 * installed `@workos-inc/node` v11 SDK sends and parses: snake_case JSON bodies, `Authorization: Bearer <api key>`,
 * OAuth-style `{ error, error_description }` bodies from `/user_management/authenticate`, and WorkOS-style
 * `{ message, code }` bodies elsewhere.
 *
 * Tests route the Worker's outbound `fetch` for `https://api.workos.test` to `fake.fetch(request)`. The workerd
 * build of the SDK (`index.worker.mjs`) ignores the `fetchFn` option and always calls `globalThis.fetch`, so
 * interception has to happen at `globalThis.fetch` (e.g. `vi.spyOn(globalThis, "fetch")`) before the `WorkOS`
 * client is constructed (it binds `fetch` at construction; jose's JWKS fetch looks it up per call).
 *
 * State lives in plain maps (`users`, `organizations`, `memberships`, `sessions`, ...) that tests may read or seed.
 */
import {
  type AuthenticationMethod,
  type AuthenticationResponseResponse,
  type GenerateLinkIntent,
  type ListResponse,
  type MagicAuthResponse,
  type OrganizationDomainResponse,
  OrganizationDomainState,
  OrganizationDomainVerificationStrategy,
  type OrganizationMembershipResponse,
  type OrganizationResponse,
  type UserResponse,
  type WorkOSResponseError,
} from "@workos-inc/node";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { signHmacSha256Hex } from "../../src/crypto/hmac";

export const FAKE_WORKOS_HOSTNAME = "api.workos.test";
const AUTHORIZATION_CODE_TTL_MS = 10 * 60_000;
const MAGIC_AUTH_TTL_MS = 10 * 60_000;
const ACCESS_TOKEN_TTL_SECONDS = 5 * 60;
/** `provider` values the fake's `/user_management/authorize` accepts. */
const AUTHORIZE_PROVIDERS = ["authkit", "GoogleOAuth", "MicrosoftOAuth", "GitHubOAuth"] as const;
/** Every `GenerateLinkIntent` the SDK knows (v11 also has `bring_your_own_key`). */
const PORTAL_INTENTS: readonly GenerateLinkIntent[] = [
  "sso",
  "dsync",
  "audit_logs",
  "log_streams",
  "domain_verification",
  "certificate_renewal",
  "bring_your_own_key",
];
const MAGIC_AUTH_GRANT = "urn:workos:oauth:grant-type:magic-auth:code";

// ---------------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------------

export interface FakeWorkOSOptions {
  /** Defaults to `client_test_123`. */
  clientId?: string;
  /** Defaults to `sk_test_fake`. Doubles as the OAuth `client_secret`, as with real WorkOS. */
  apiKey?: string;
  /** Defaults to `whsec_test_fake`. Used by `signWebhook`. */
  webhookSecret?: string;
  /** When set, `/user_management/authorize` only accepts these exact `redirect_uri`s (like the dashboard list). */
  redirectUris?: string[];
}

/** Authentication methods `nextSignIn` can simulate. */
export type FakeSignInMethod = Extract<
  AuthenticationMethod,
  "Password" | "GoogleOAuth" | "MicrosoftOAuth" | "GitHubOAuth" | "SSO" | "MagicAuth"
>;

export type FakeDownMode = false | "503" | "network";

/** A WorkOS user as it appears on the wire (`external_id` is `null`, not absent, when unset). */
export type WorkOSUser = Omit<UserResponse, "external_id" | "metadata"> & {
  external_id: string | null;
  metadata: Record<string, string>;
};

/** One request the fake received (recorded even when `setDown` makes it fail). */
export interface FakeWorkOSCall {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON or form body; `null` for GET or an unparseable body. */
  body: Record<string, unknown> | null;
}

export interface NextSignIn {
  email: string;
  authenticationMethod?: FakeSignInMethod;
  /** Sign in scoped to this organization (must exist); an active membership is created if missing. */
  organizationId?: string;
  /** Role slug for a membership created by this sign-in. Defaults to `member`. */
  role?: string;
  firstName?: string;
  lastName?: string;
}

export interface FakeAuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  state: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  userId: string;
  organizationId: string | null;
  authenticationMethod: FakeSignInMethod;
  /** Epoch ms. */
  expiresAt: number;
}

export interface FakeSession {
  id: string;
  userId: string;
  organizationId: string | null;
  authenticationMethod: AuthenticationMethod;
  /** The only refresh token currently accepted for this session (rotated on every use). */
  refreshToken: string;
  status: "active" | "revoked";
  createdAt: string;
}

export interface FakeMagicAuth extends MagicAuthResponse {
  used: boolean;
}

export interface FakePortalLink {
  organization: string;
  intent: GenerateLinkIntent;
  link: string;
  returnUrl: string | null;
  successUrl: string | null;
}

/** Claims of a WorkOS AuthKit access token (`UserManagementAccessToken` in the SDK, plus `sub`). */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
  org_id?: string;
  role?: string;
  roles?: string[];
  permissions?: string[];
  entitlements?: string[];
  feature_flags?: string[];
  [claim: string]: unknown;
}

export interface JSONWebKeySet {
  keys: JWK[];
}

// ---------------------------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------------------------

type FakeEnv = { Bindings: { call: FakeWorkOSCall } };
type Ctx = Context<FakeEnv>;

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** What a successful grant resolved to, before a session and tokens are minted. */
interface SignIn {
  user: WorkOSUser;
  organizationId: string | null;
  authenticationMethod: AuthenticationMethod;
}

/** Creates a fresh fake with empty state. One per test keeps tests independent. */
export function createFakeWorkOS(options: FakeWorkOSOptions = {}): FakeWorkOS {
  return new FakeWorkOS(options);
}

export class FakeWorkOS {
  readonly hostname = FAKE_WORKOS_HOSTNAME;
  /** What the SDK uses as `baseURL` for `apiHostname: fake.hostname`. */
  readonly baseUrl = `https://${FAKE_WORKOS_HOSTNAME}`;
  readonly clientId: string;
  readonly apiKey: string;
  readonly webhookSecret: string;
  /** `iss` of issued access tokens: `https://api.workos.test/user_management/<clientId>`. */
  readonly issuer: string;

  readonly users = new Map<string, WorkOSUser>();
  readonly organizations = new Map<string, OrganizationResponse>();
  readonly memberships = new Map<string, OrganizationMembershipResponse>();
  readonly sessions = new Map<string, FakeSession>();
  readonly authorizationCodes = new Map<string, FakeAuthorizationCode>();
  /** Magic Auth codes by id. */
  readonly magicAuths = new Map<string, FakeMagicAuth>();
  /** Lower-cased email → the last Magic Auth code "emailed" to it. */
  readonly magicAuthCodes = new Map<string, string>();
  readonly portalLinks: FakePortalLink[] = [];
  /** Every request received, in order. */
  readonly calls: FakeWorkOSCall[] = [];

  private readonly redirectUris: readonly string[] | null;
  private readonly pendingSignIns: NextSignIn[] = [];
  private pendingAuthorizeFailure: { error: string; description: string } | null = null;
  private downMode: FakeDownMode = false;
  private signingKey: Promise<SigningKey> | null = null;
  private readonly app: Hono<FakeEnv>;

  constructor(options: FakeWorkOSOptions = {}) {
    this.clientId = options.clientId ?? "client_test_123";
    this.apiKey = options.apiKey ?? "sk_test_fake";
    this.webhookSecret = options.webhookSecret ?? "whsec_test_fake";
    this.redirectUris = options.redirectUris ?? null;
    this.issuer = `${this.baseUrl}/user_management/${this.clientId}`;
    this.app = this.buildApp();
  }

  /**
   * Answers one request as WorkOS would. Rejects with `TypeError("fetch failed")` while `setDown("network")`.
   * Bound, so it can be passed around as a plain function.
   */
  readonly fetch = async (request: Request): Promise<Response> => {
    const call = await recordableCall(request);
    this.calls.push(call);
    if (this.downMode === "network") throw new TypeError("fetch failed");
    return this.app.fetch(request, { call });
  };

  /** True when `input` targets this fake's host (handy for routing an intercepted `fetch`). */
  handles(input: RequestInfo | URL): boolean {
    const url = input instanceof Request ? input.url : String(input);
    return URL.canParse(url) && new URL(url).hostname === this.hostname;
  }

  /** `false`: healthy. `"503"`: every endpoint answers 503 with a WorkOS error body. `"network"`: fetch rejects. */
  setDown(mode: FakeDownMode): void {
    this.downMode = mode;
  }

  /** Number of recorded calls to `path` (exact match), optionally only with `method`. */
  callCount(path: string, method?: string): number {
    return this.calls.filter((call) => call.path === path && (!method || call.method === method.toUpperCase())).length;
  }

  /** Recorded calls per path. */
  get counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { path } of this.calls) counts[path] = (counts[path] ?? 0) + 1;
    return counts;
  }

  // --- seeding ------------------------------------------------------------------------------------------------

  /** Creates a user (throws if the email is taken). Emails are stored lower-cased, as WorkOS does. */
  addUser(input: { email: string; firstName?: string; lastName?: string; emailVerified?: boolean }): WorkOSUser {
    const email = input.email.trim().toLowerCase();
    if (this.findUserByEmail(email)) throw new Error(`fake WorkOS: a user with email ${email} already exists`);
    const now = isoNow();
    const firstName = input.firstName ?? null;
    const lastName = input.lastName ?? null;
    const user: WorkOSUser = {
      object: "user",
      id: randomId("user"),
      email,
      email_verified: input.emailVerified ?? false,
      name: [firstName, lastName].filter(Boolean).join(" ") || null,
      first_name: firstName,
      last_name: lastName,
      profile_picture_url: null,
      last_sign_in_at: null,
      locale: null,
      created_at: now,
      updated_at: now,
      external_id: null,
      metadata: {},
    };
    this.users.set(user.id, user);
    return user;
  }

  findUserByEmail(email: string): WorkOSUser | undefined {
    const wanted = email.trim().toLowerCase();
    for (const user of this.users.values()) if (user.email === wanted) return user;
    return undefined;
  }

  /** Creates an organization; `domains` are added as verified (manual strategy). */
  addOrganization(input: {
    name: string;
    domains?: string[];
    externalId?: string | null;
    metadata?: Record<string, string>;
  }): OrganizationResponse {
    return this.createOrganization({
      name: input.name,
      domainData: (input.domains ?? []).map((domain) => ({ domain, state: "verified" as const })),
      externalId: input.externalId ?? null,
      metadata: input.metadata ?? {},
    });
  }

  /** Creates (or reactivates) the membership of `userId` in `organizationId`. */
  addMembership(input: { userId: string; organizationId: string; role?: string }): OrganizationMembershipResponse {
    const organization = this.organizations.get(input.organizationId);
    if (!organization) throw new Error(`fake WorkOS: no organization ${input.organizationId}`);
    if (!this.users.has(input.userId)) throw new Error(`fake WorkOS: no user ${input.userId}`);
    const role = { slug: input.role ?? "member" };
    const existing = this.findMembership(input.userId, input.organizationId);
    if (existing) {
      Object.assign(existing, { status: "active", role, roles: [role], updated_at: isoNow() });
      return existing;
    }
    const now = isoNow();
    const membership: OrganizationMembershipResponse = {
      object: "organization_membership",
      id: randomId("om"),
      user_id: input.userId,
      organization_id: organization.id,
      organization_name: organization.name,
      status: "active",
      role,
      roles: [role],
      directory_managed: false,
      custom_attributes: {},
      created_at: now,
      updated_at: now,
    };
    this.memberships.set(membership.id, membership);
    return membership;
  }

  findMembership(userId: string, organizationId: string): OrganizationMembershipResponse | undefined {
    for (const m of this.memberships.values()) {
      if (m.user_id === userId && m.organization_id === organizationId) return m;
    }
    return undefined;
  }

  // --- steering the hosted sign-in ----------------------------------------------------------------------------

  /**
   * Queues who the next `/user_management/authorize` "signs in" as (one queued sign-in per authorization; without
   * one, `login_hint` is used). Creates the user now if missing and, with `organizationId`, an active membership.
   */
  nextSignIn(signIn: NextSignIn): WorkOSUser {
    const user =
      this.findUserByEmail(signIn.email) ??
      this.addUser({ email: signIn.email, firstName: signIn.firstName, lastName: signIn.lastName });
    if (signIn.organizationId) {
      if (this.findMembership(user.id, signIn.organizationId)?.status !== "active") {
        this.addMembership({ userId: user.id, organizationId: signIn.organizationId, role: signIn.role });
      }
    }
    this.pendingSignIns.push(signIn);
    return user;
  }

  /** Makes the next authorization redirect back with `error=<error>` instead of a code (e.g. the user cancelled). */
  failNextAuthorize(error = "access_denied", description = "The user denied the authorization request."): void {
    this.pendingAuthorizeFailure = { error, description };
  }

  // --- tokens and webhooks ------------------------------------------------------------------------------------

  /** The JWKS served at `GET /sso/jwks/<clientId>` (one RS256 key, generated on first use). */
  async jwks(): Promise<JSONWebKeySet> {
    const { publicJwk } = await this.getSigningKey();
    return { keys: [publicJwk] };
  }

  /**
   * Signs an RS256 access token like AuthKit's: `iss` = `issuer`, `iat`, `exp` (default 5 minutes), `jti`, and the
   * given claims (`sub`, `sid`, optional `org_id`, `role`, `roles`, `permissions`, ...).
   */
  async issueAccessToken(claims: AccessTokenClaims, options: { expiresInSeconds?: number } = {}): Promise<string> {
    const { kid, privateKey } = await this.getSigningKey();
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
      .setIssuer(this.issuer)
      .setIssuedAt()
      .setJti(randomId("jti"))
      .setExpirationTime(`${options.expiresInSeconds ?? ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(privateKey);
  }

  /**
   * The `WorkOS-Signature` header value for `payload`: `t=<timestamp ms>, v1=<hex HMAC-SHA256("<t>.<payload>")>`.
   * The SDK compares `t` with `Date.now()` in milliseconds (default tolerance 180 000 ms, past only).
   */
  async signWebhook(payload: string, options: { timestamp?: number; secret?: string } = {}): Promise<string> {
    const timestamp = options.timestamp ?? Date.now();
    const signature = await signHmacSha256Hex(options.secret ?? this.webhookSecret, `${timestamp}.${payload}`);
    return `t=${timestamp}, v1=${signature}`;
  }

  /** A signed webhook delivery of a WorkOS event (`{ id, event, data, created_at }`). */
  async webhookEvent(
    event: string,
    data: Record<string, unknown>,
    options: { timestamp?: number; secret?: string; id?: string } = {},
  ): Promise<{ id: string; payload: string; headers: Record<string, string> }> {
    const id = options.id ?? randomId("event");
    const payload = JSON.stringify({ id, event, data, created_at: isoNow() });
    return {
      id,
      payload,
      headers: { "content-type": "application/json", "WorkOS-Signature": await this.signWebhook(payload, options) },
    };
  }

  // --- HTTP surface -------------------------------------------------------------------------------------------

  private buildApp(): Hono<FakeEnv> {
    const app = new Hono<FakeEnv>();
    const auth = this.requireApiKey;

    app.use(async (c, next) => {
      await next();
      c.res.headers.set("X-Request-ID", randomId("req"));
    });
    app.use(async (c, next) => {
      if (this.downMode === "503") {
        return workosError(c, 503, "service_unavailable", "Service Unavailable");
      }
      await next();
    });

    app.get("/user_management/authorize", (c) => this.authorize(c));
    app.post("/user_management/authenticate", (c) => this.authenticate(c));
    app.get("/user_management/sessions/logout", (c) => this.logout(c));
    app.post("/user_management/sessions/revoke", auth, (c) => this.revokeSession(c));
    app.post("/user_management/magic_auth", auth, (c) => this.createMagicAuth(c));
    app.get("/user_management/users", auth, (c) => this.listUsers(c));
    app.get("/user_management/users/:id", auth, (c) => this.getUser(c));
    app.get("/user_management/organization_memberships", auth, (c) => this.listMemberships(c));
    app.post("/user_management/organization_memberships", auth, (c) => this.createMembership(c));
    app.get("/sso/jwks/:clientId", (c) => this.serveJwks(c));
    app.get("/organizations", auth, (c) => this.listOrganizations(c));
    app.post("/organizations", auth, (c) => this.postOrganization(c));
    app.get("/organizations/external_id/:externalId", auth, (c) => this.getOrganizationByExternalId(c));
    app.get("/organizations/:id", auth, (c) => this.getOrganization(c));
    app.post("/portal/generate_link", auth, (c) => this.generatePortalLink(c));

    app.notFound((c) => workosError(c, 404, "not_found", `fake WorkOS has no endpoint ${c.req.method} ${c.req.path}`));
    return app;
  }

  /** `Authorization: Bearer <apiKey>` check for API-key endpoints (anything but the OAuth/browser endpoints). */
  private readonly requireApiKey: MiddlewareHandler<FakeEnv> = async (c, next) => {
    if (c.req.header("authorization") !== `Bearer ${this.apiKey}`) {
      return workosError(c, 401, "unauthorized", "Unauthorized");
    }
    if (c.env.call.body === null && c.req.method !== "GET") {
      return workosError(c, 400, "invalid_request_body", "The request body must be a JSON object.");
    }
    await next();
  };

  /**
   * `GET /user_management/authorize` — https://workos.com/docs/reference/authkit/authentication/get-authorization-url
   * Auto-approves: 302 to `redirect_uri?code=…&state=…` as the queued `nextSignIn` (else `login_hint`) user.
   * Request errors that cannot safely redirect answer 400 `{ error, error_description }`.
   */
  private authorize(c: Ctx): Response {
    const q = c.req.query();
    const fail = (error: string, description: string) => oauthError(c, 400, error, description);

    if (q.client_id !== this.clientId) return fail("invalid_client", `Invalid client_id '${q.client_id ?? ""}'.`);
    const redirectUri = q.redirect_uri;
    if (!redirectUri || !/^https?:\/\//.test(redirectUri) || !URL.canParse(redirectUri)) {
      return fail("invalid_request", "redirect_uri must be an absolute http(s) URL.");
    }
    if (this.redirectUris && !this.redirectUris.includes(redirectUri)) {
      return fail("invalid_request", `redirect_uri '${redirectUri}' is not configured for this environment.`);
    }
    if (q.response_type !== "code") return fail("unsupported_response_type", "response_type must be 'code'.");
    const provider = q.provider;
    if (!provider && !q.organization_id && !q.connection_id) {
      return fail("invalid_request", "One of provider, organization_id or connection_id is required.");
    }
    if (provider && !(AUTHORIZE_PROVIDERS as readonly string[]).includes(provider)) {
      return fail("invalid_request", `Unsupported provider '${provider}'.`);
    }
    if (q.organization_id && !this.organizations.has(q.organization_id)) {
      return fail("invalid_request", `Organization '${q.organization_id}' not found.`);
    }
    if (q.code_challenge && q.code_challenge_method !== "S256") {
      return fail("invalid_request", "code_challenge_method must be 'S256'.");
    }

    const state = q.state ?? null;
    const failure = this.pendingAuthorizeFailure;
    if (failure) {
      this.pendingAuthorizeFailure = null;
      return c.redirect(
        withParams(redirectUri, { error: failure.error, error_description: failure.description, state }),
        302,
      );
    }

    const signIn = this.pendingSignIns.shift() ?? (q.login_hint ? { email: q.login_hint } : null);
    if (!signIn) {
      return fail("invalid_request", "fake WorkOS: call nextSignIn({ email }) or pass login_hint before authorizing.");
    }
    const user = this.findUserByEmail(signIn.email) ?? this.addUser({ email: signIn.email });
    const method = signIn.authenticationMethod ?? defaultMethod(provider);
    if (method !== "Password") user.email_verified = true;
    const code: FakeAuthorizationCode = {
      code: randomToken(24),
      clientId: this.clientId,
      redirectUri,
      state,
      codeChallenge: q.code_challenge ?? null,
      codeChallengeMethod: q.code_challenge ? "S256" : null,
      userId: user.id,
      organizationId: signIn.organizationId ?? q.organization_id ?? null,
      authenticationMethod: method,
      expiresAt: Date.now() + AUTHORIZATION_CODE_TTL_MS,
    };
    this.authorizationCodes.set(code.code, code);
    return c.redirect(withParams(redirectUri, { code: code.code, state }), 302);
  }

  /**
   * `POST /user_management/authenticate` (JSON from the SDK; form bodies accepted too) —
   * https://workos.com/docs/reference/authkit/authentication (code, refresh-token, magic-auth grants).
   * Errors are OAuth-shaped `{ error, error_description }`: the SDK raises `OauthException` for 400s.
   */
  private async authenticate(c: Ctx): Promise<Response> {
    const body = c.env.call.body;
    if (!body) return oauthError(c, 400, "invalid_request", "The request body must be JSON or form-encoded.");
    if (body.client_id !== this.clientId) {
      return oauthError(c, 400, "invalid_client", `Invalid client_id '${str(body.client_id) ?? ""}'.`);
    }
    const secret = str(body.client_secret);
    if (secret !== undefined && secret !== this.apiKey) {
      return oauthError(c, 401, "invalid_client", "Invalid client secret.");
    }

    let result: SignIn | FakeSession | Response;
    switch (body.grant_type) {
      case "authorization_code":
        result = await this.codeGrant(c, body, secret !== undefined);
        break;
      case "refresh_token":
        result = this.refreshGrant(c, body);
        break;
      case MAGIC_AUTH_GRANT:
        result = secret
          ? this.magicAuthGrant(c, body)
          : oauthError(c, 401, "invalid_client", "client_secret is required for this grant.");
        break;
      default:
        return oauthError(c, 400, "unsupported_grant_type", `fake WorkOS: grant_type '${str(body.grant_type)}'.`);
    }
    if (result instanceof Response) return result;
    const session = "refreshToken" in result ? result : this.startSession(result);
    return c.json(await this.authenticationResponse(session));
  }

  private async codeGrant(c: Ctx, body: Record<string, unknown>, confidential: boolean): Promise<SignIn | Response> {
    const invalid = (description: string) => oauthError(c, 400, "invalid_grant", description);
    const code = str(body.code) ?? "";
    const record = this.authorizationCodes.get(code);
    // Single use: the code is spent by the first exchange attempt, successful or not.
    this.authorizationCodes.delete(code);
    if (!record || record.expiresAt <= Date.now() || record.clientId !== body.client_id) {
      return invalid(`The code '${code}' has expired or is invalid.`);
    }
    const verifier = str(body.code_verifier);
    if (record.codeChallenge) {
      if (!verifier) return invalid("code_verifier is required for this authorization code.");
      if ((await sha256Base64Url(verifier)) !== record.codeChallenge) {
        return invalid("The code_verifier does not match the code_challenge.");
      }
    } else if (verifier) {
      return invalid("code_verifier was sent but the authorization request had no code_challenge.");
    } else if (!confidential) {
      return oauthError(c, 401, "invalid_client", "client_secret is required without PKCE.");
    }
    const user = this.users.get(record.userId);
    if (!user) return invalid("The user no longer exists.");
    return {
      user,
      organizationId: record.organizationId ?? this.soleOrganizationOf(user.id),
      authenticationMethod: record.authenticationMethod,
    };
  }

  /** Rotation: only the session's current refresh token is accepted; each use replaces it. */
  private refreshGrant(c: Ctx, body: Record<string, unknown>): FakeSession | Response {
    const session = this.findSessionByRefreshToken(str(body.refresh_token) ?? "");
    if (!session) return oauthError(c, 400, "invalid_grant", "Invalid refresh token.");
    if (session.status !== "active") return oauthError(c, 400, "invalid_grant", "Session has already ended.");
    const organizationId = str(body.organization_id);
    if (organizationId && organizationId !== session.organizationId) {
      if (this.findMembership(session.userId, organizationId)?.status !== "active") {
        return oauthError(c, 400, "invalid_grant", `User is not a member of organization '${organizationId}'.`);
      }
      session.organizationId = organizationId;
    }
    session.refreshToken = randomToken(24);
    return session;
  }

  private magicAuthGrant(c: Ctx, body: Record<string, unknown>): SignIn | Response {
    const email = (str(body.email) ?? "").trim().toLowerCase();
    const code = str(body.code);
    const record = [...this.magicAuths.values()].reverse().find((m) => m.email === email);
    if (!record || record.used || record.code !== code || Date.parse(record.expires_at) <= Date.now()) {
      return oauthError(c, 400, "invalid_grant", "The Magic Auth code has expired or is invalid.");
    }
    record.used = true;
    const user = this.users.get(record.user_id);
    if (!user) return oauthError(c, 400, "invalid_grant", "The user no longer exists.");
    user.email_verified = true;
    return { user, organizationId: this.soleOrganizationOf(user.id), authenticationMethod: "MagicAuth" };
  }

  private startSession(signIn: SignIn): FakeSession {
    const now = isoNow();
    signIn.user.last_sign_in_at = now;
    signIn.user.updated_at = now;
    const session: FakeSession = {
      id: randomId("session"),
      userId: signIn.user.id,
      organizationId: signIn.organizationId,
      authenticationMethod: signIn.authenticationMethod,
      refreshToken: randomToken(24),
      status: "active",
      createdAt: now,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  private async authenticationResponse(session: FakeSession): Promise<AuthenticationResponseResponse> {
    const user = this.users.get(session.userId);
    if (!user) throw new Error(`fake WorkOS: session ${session.id} has no user`);
    const claims: AccessTokenClaims = { sub: user.id, sid: session.id };
    if (session.organizationId) {
      const role = this.findMembership(user.id, session.organizationId)?.role.slug ?? "member";
      Object.assign(claims, { org_id: session.organizationId, role, roles: [role], permissions: [] });
    }
    return {
      user: user as UserResponse,
      ...(session.organizationId ? { organization_id: session.organizationId } : {}),
      access_token: await this.issueAccessToken(claims),
      refresh_token: session.refreshToken,
      authentication_method: session.authenticationMethod,
    };
  }

  /** `POST /user_management/sessions/revoke` `{ session_id }` — https://workos.com/docs/reference/authkit/session/revoke */
  private revokeSession(c: Ctx): Response {
    const sessionId = str(c.env.call.body?.session_id);
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    if (!session) return workosError(c, 400, "invalid_session", `Session '${sessionId ?? ""}' not found.`);
    session.status = "revoked";
    return c.json({});
  }

  /**
   * `GET /user_management/sessions/logout?session_id=…&return_to=…` (browser) —
   * https://workos.com/docs/reference/authkit/logout — ends the session, then 302 to `return_to` when given.
   */
  private logout(c: Ctx): Response {
    const session = this.sessions.get(c.req.query("session_id") ?? "");
    if (!session) return workosError(c, 400, "invalid_session", "Session not found.");
    session.status = "revoked";
    const returnTo = c.req.query("return_to");
    return returnTo ? c.redirect(returnTo, 302) : c.text("Logged out.");
  }

  /**
   * `POST /user_management/magic_auth` `{ email }` — https://workos.com/docs/reference/authkit/magic-auth/create
   * Creates the user if needed; the 6-digit code (valid 10 minutes) is returned and kept in `magicAuthCodes`.
   */
  private createMagicAuth(c: Ctx): Response {
    const email = str(c.env.call.body?.email)?.trim().toLowerCase();
    if (!email || !isEmail(email)) return validationError(c, "email", "email_string_required");
    const user = this.findUserByEmail(email) ?? this.addUser({ email });
    const now = Date.now();
    const magicAuth: FakeMagicAuth = {
      object: "magic_auth",
      id: randomId("magic_auth"),
      user_id: user.id,
      email,
      expires_at: new Date(now + MAGIC_AUTH_TTL_MS).toISOString(),
      code: randomDigits(6),
      created_at: new Date(now).toISOString(),
      updated_at: new Date(now).toISOString(),
      used: false,
    };
    this.magicAuths.set(magicAuth.id, magicAuth);
    this.magicAuthCodes.set(email, magicAuth.code);
    const { used: _used, ...wire } = magicAuth;
    return c.json(wire satisfies MagicAuthResponse, 201);
  }

  /** `GET /user_management/users/:id` — https://workos.com/docs/reference/authkit/user/get */
  private getUser(c: Ctx): Response {
    const user = this.users.get(c.req.param("id") ?? "");
    return user ? c.json(user) : entityNotFound(c, "User", c.req.param("id"));
  }

  /** `GET /user_management/users?email&organization_id&limit&before&after&order` — …/authkit/user/list */
  private listUsers(c: Ctx): Response {
    const email = c.req.query("email")?.toLowerCase();
    const organizationId = c.req.query("organization_id");
    const users = [...this.users.values()].filter(
      (u) =>
        (!email || u.email === email) &&
        (!organizationId || this.findMembership(u.id, organizationId)?.status === "active"),
    );
    return c.json(paginate(users, c));
  }

  /** `GET /user_management/organization_memberships?user_id&organization_id&statuses` — …/organization-membership/list */
  private listMemberships(c: Ctx): Response {
    const userId = c.req.query("user_id");
    const organizationId = c.req.query("organization_id");
    if (!userId && !organizationId) {
      return workosError(c, 400, "invalid_request_parameters", "Either user_id or organization_id is required.");
    }
    const statuses = (c.req.query("statuses") ?? "active").split(",");
    const memberships = [...this.memberships.values()].filter(
      (m) =>
        (!userId || m.user_id === userId) &&
        (!organizationId || m.organization_id === organizationId) &&
        statuses.includes(m.status),
    );
    return c.json(paginate(memberships, c));
  }

  /** `POST /user_management/organization_memberships` `{ user_id, organization_id, role_slug }` — …/create */
  private createMembership(c: Ctx): Response {
    const body = c.env.call.body ?? {};
    const userId = str(body.user_id) ?? "";
    const organizationId = str(body.organization_id) ?? "";
    if (!this.users.has(userId)) return entityNotFound(c, "User", userId);
    if (!this.organizations.has(organizationId)) return entityNotFound(c, "Organization", organizationId);
    return c.json(this.addMembership({ userId, organizationId, role: str(body.role_slug) }), 201);
  }

  /** `GET /sso/jwks/:clientId` (public) — https://workos.com/docs/reference/authkit/session-tokens/jwks */
  private async serveJwks(c: Ctx): Promise<Response> {
    if (c.req.param("clientId") !== this.clientId) return entityNotFound(c, "Client", c.req.param("clientId"));
    return c.json(await this.jwks());
  }

  /** `GET /organizations?domains&limit&before&after&order` — https://workos.com/docs/reference/organization/list */
  private listOrganizations(c: Ctx): Response {
    // The SDK stringifies `domains: string[]` as one comma-joined value; repeated params are accepted too.
    const domains = (c.req.queries("domains") ?? []).flatMap((d) => d.split(",")).filter(Boolean);
    const organizations = [...this.organizations.values()].filter(
      (org) => domains.length === 0 || org.domains.some((d) => domains.includes(d.domain)),
    );
    return c.json(paginate(organizations, c));
  }

  /**
   * `POST /organizations` `{ name, domain_data: [{ domain, state }], external_id, metadata }` —
   * https://workos.com/docs/reference/organization/create
   */
  private postOrganization(c: Ctx): Response {
    const body = c.env.call.body ?? {};
    const name = str(body.name)?.trim();
    if (!name) return validationError(c, "name", "name_required");
    const domainData = body.domain_data ?? [];
    if (!Array.isArray(domainData) || !domainData.every(isDomainData)) {
      return validationError(c, "domain_data", "domain_data_invalid");
    }
    const externalId = str(body.external_id) ?? null;
    if (externalId && this.findOrganizationByExternalId(externalId)) {
      return workosError(c, 409, "external_id_already_used", `External ID '${externalId}' is already in use.`);
    }
    const metadata = (body.metadata ?? {}) as Record<string, string>;
    return c.json(this.createOrganization({ name, domainData, externalId, metadata }), 201);
  }

  /** `GET /organizations/:id` — https://workos.com/docs/reference/organization/get */
  private getOrganization(c: Ctx): Response {
    const organization = this.organizations.get(c.req.param("id") ?? "");
    return organization ? c.json(organization) : entityNotFound(c, "Organization", c.req.param("id"));
  }

  /** `GET /organizations/external_id/:externalId` — https://workos.com/docs/reference/organization/get-by-external-id */
  private getOrganizationByExternalId(c: Ctx): Response {
    const organization = this.findOrganizationByExternalId(c.req.param("externalId") ?? "");
    return organization ? c.json(organization) : entityNotFound(c, "Organization", c.req.param("externalId"));
  }

  /**
   * `POST /portal/generate_link` `{ organization, intent, return_url?, success_url?, intent_options?, admin_emails? }`
   * — https://workos.com/docs/reference/admin-portal/portal-link/generate
   */
  private generatePortalLink(c: Ctx): Response {
    const body = c.env.call.body ?? {};
    const organization = str(body.organization) ?? "";
    if (!this.organizations.has(organization)) return entityNotFound(c, "Organization", organization);
    const intent = str(body.intent) as GenerateLinkIntent | undefined;
    if (!intent || !PORTAL_INTENTS.includes(intent)) return validationError(c, "intent", "intent_invalid");
    const link = `https://setup.workos.test/portal/launch?secret=${randomToken(24)}`;
    this.portalLinks.push({
      organization,
      intent,
      link,
      returnUrl: str(body.return_url) ?? null,
      successUrl: str(body.success_url) ?? null,
    });
    return c.json({ link }, 201);
  }

  // --- internals ----------------------------------------------------------------------------------------------

  private createOrganization(input: {
    name: string;
    domainData: { domain: string; state: "verified" | "pending" }[];
    externalId: string | null;
    metadata: Record<string, string>;
  }): OrganizationResponse {
    const now = isoNow();
    const id = randomId("org");
    const organization: OrganizationResponse = {
      object: "organization",
      id,
      name: input.name,
      allow_profiles_outside_organization: false,
      domains: input.domainData.map((d) => organizationDomain(id, d.domain, d.state, now)),
      created_at: now,
      updated_at: now,
      external_id: input.externalId,
      metadata: input.metadata,
    };
    this.organizations.set(id, organization);
    return organization;
  }

  private findOrganizationByExternalId(externalId: string): OrganizationResponse | undefined {
    for (const org of this.organizations.values()) if (org.external_id === externalId) return org;
    return undefined;
  }

  private findSessionByRefreshToken(refreshToken: string): FakeSession | undefined {
    if (!refreshToken) return undefined;
    for (const session of this.sessions.values()) if (session.refreshToken === refreshToken) return session;
    return undefined;
  }

  /** AuthKit scopes a session to the user's organization when the user has exactly one active membership. */
  private soleOrganizationOf(userId: string): string | null {
    const active = [...this.memberships.values()].filter((m) => m.user_id === userId && m.status === "active");
    return active.length === 1 ? (active[0]?.organization_id ?? null) : null;
  }

  private getSigningKey(): Promise<SigningKey> {
    this.signingKey ??= (async () => {
      const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
      const kid = randomId("sso_oidc_kid");
      const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
      return { kid, privateKey, publicJwk };
    })();
    return this.signingKey;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

async function recordableCall(request: Request): Promise<FakeWorkOSCall> {
  const url = new URL(request.url);
  const call: FakeWorkOSCall = {
    method: request.method.toUpperCase(),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    body: null,
  };
  if (call.method === "GET" || call.method === "HEAD") return call;
  const text = await request.clone().text();
  if ((request.headers.get("content-type") ?? "").includes("application/x-www-form-urlencoded")) {
    call.body = Object.fromEntries(new URLSearchParams(text));
  } else if (text.trim() === "") {
    call.body = {};
  } else {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) call.body = parsed as Record<string, unknown>;
    } catch {
      // Left as null: the endpoint answers 400.
    }
  }
  return call;
}

function workosError(c: Ctx, status: ContentfulStatusCode, code: string, message: string): Response {
  return c.json({ message, code } satisfies WorkOSResponseError, status);
}

function entityNotFound(c: Ctx, entity: string, id: string | undefined): Response {
  return c.json({ message: `${entity} not found: '${id ?? ""}'.`, code: "entity_not_found", entity_id: id ?? "" }, 404);
}

/** 422 with `errors: [{ field, code }]`, which the SDK turns into `UnprocessableEntityException`. */
function validationError(c: Ctx, field: string, code: string): Response {
  return c.json(
    {
      message: "Validation failed",
      code: "invalid_request_parameters",
      errors: [{ field, code }],
    } satisfies WorkOSResponseError,
    422,
  );
}

function oauthError(c: Ctx, status: ContentfulStatusCode, error: string, description: string): Response {
  return c.json({ error, error_description: description }, status);
}

/** WorkOS cursor pagination: `limit` (default 10, max 100), `before`/`after` = ids, `order` asc|desc (default desc). */
function paginate<T extends { id: string }>(items: T[], c: Ctx): ListResponse<T> {
  const q = c.req.query();
  const ordered = q.order === "asc" ? items : [...items].reverse();
  const limit = Math.min(Math.max(Number.parseInt(q.limit ?? "10", 10) || 10, 1), 100);
  const indexOf = (id: string | undefined) => ordered.findIndex((item) => item.id === id);
  let page: T[];
  if (q.before) {
    page = ordered.slice(0, Math.max(indexOf(q.before), 0)).slice(-limit);
  } else {
    page = ordered.slice(q.after ? indexOf(q.after) + 1 || ordered.length : 0).slice(0, limit);
  }
  const first = page[0];
  const last = page[page.length - 1];
  return {
    object: "list",
    data: page,
    list_metadata: {
      before: first && indexOf(first.id) > 0 ? first.id : null,
      after: last && indexOf(last.id) < ordered.length - 1 ? last.id : null,
    },
  };
}

function organizationDomain(
  organizationId: string,
  domain: string,
  state: "verified" | "pending",
  now: string,
): OrganizationDomainResponse {
  const verified = state === "verified";
  return {
    object: "organization_domain",
    id: randomId("org_domain"),
    organization_id: organizationId,
    domain,
    state: verified ? OrganizationDomainState.Verified : OrganizationDomainState.Pending,
    verification_strategy: verified
      ? OrganizationDomainVerificationStrategy.Manual
      : OrganizationDomainVerificationStrategy.Dns,
    ...(verified ? {} : { verification_token: randomToken(16), verification_prefix: "workos-domain-verification" }),
    created_at: now,
    updated_at: now,
  };
}

function isDomainData(value: unknown): value is { domain: string; state: "verified" | "pending" } {
  if (!value || typeof value !== "object") return false;
  const { domain, state } = value as Record<string, unknown>;
  return (
    typeof domain === "string" &&
    /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(domain) &&
    (state === "verified" || state === "pending")
  );
}

function defaultMethod(provider: string | undefined): FakeSignInMethod {
  switch (provider) {
    case "GoogleOAuth":
    case "MicrosoftOAuth":
    case "GitHubOAuth":
      return provider;
    case "authkit":
      return "Password";
    default:
      return "SSO"; // organization_id / connection_id
  }
}

function withParams(url: string, params: Record<string, string | null>): string {
  const target = new URL(url);
  for (const [key, value] of Object.entries(params)) if (value !== null) target.searchParams.set(key, value);
  return target.toString();
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

function isoNow(): string {
  return new Date().toISOString();
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** WorkOS-style id: `<prefix>_` + 26 Crockford base32 characters (ULID-shaped). */
function randomId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(26));
  return `${prefix}_${Array.from(bytes, (b) => CROCKFORD[b % 32]).join("")}`;
}

function randomToken(byteLength: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(byteLength)));
}

function randomDigits(count: number): string {
  const values = crypto.getRandomValues(new Uint32Array(count));
  return Array.from(values, (v) => String(v % 10)).join("");
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** BASE64URL(SHA256(verifier)), the PKCE S256 transform (RFC 7636 §4.2). */
async function sha256Base64Url(verifier: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}
