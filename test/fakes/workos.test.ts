import {
  DomainDataState,
  GenericServerException,
  NotFoundException,
  OauthException,
  SignatureVerificationException,
  UnauthorizedException,
  UnprocessableEntityException,
  WorkOS,
} from "@workos-inc/node";
import { decodeJwt } from "jose";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createFakeWorkOS, type FakeWorkOS } from "./workos";

// Fidelity check: the REAL SDK (its workerd build, as the Worker loads it) talks to the fake.

const REDIRECT_URI = "http://localhost:8787/api/auth/callback";
const COOKIE_PASSWORD = "test-cookie-password-that-is-32+-chars-long";

let fake: FakeWorkOS;
let workos: WorkOS;

/**
 * The SDK's workerd build ignores `fetchFn` and binds `globalThis.fetch` when the client is constructed (jose's JWKS
 * fetch reads it per call), so route that host to the fake before constructing clients. Restored by test/setup.ts.
 */
function routeWorkOSToFake(target: FakeWorkOS): void {
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const request = new Request(input, init);
    return target.handles(request) ? target.fetch(request) : realFetch(request);
  });
}

function client(options: { apiKey?: string; issuer?: string } = {}): WorkOS {
  return new WorkOS(options.apiKey ?? fake.apiKey, {
    clientId: fake.clientId,
    apiHostname: fake.hostname,
    maxRetries: 0,
    issuer: options.issuer,
    // Honoured by the Node build only; kept so the same construction works there too.
    fetchFn: (input, init) => fake.fetch(new Request(input, init)),
  });
}

async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const verifier = base64Url(bytes);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return { verifier, challenge: base64Url(new Uint8Array(digest)) };
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** Follows the authorization URL through the fake (the browser's hop) and returns the callback URL. */
async function followAuthorize(url: string): Promise<URL> {
  const response = await fake.fetch(new Request(url));
  expect(response.status, await response.clone().text()).toBe(302);
  return new URL(response.headers.get("location") ?? "");
}

/** Signs in through the authorize endpoint with PKCE and returns the code exchange result. */
async function signInWithPkce(email: string, options: { organizationId?: string } = {}) {
  fake.nextSignIn({ email, authenticationMethod: "GoogleOAuth", organizationId: options.organizationId });
  const { verifier, challenge } = await pkcePair();
  const url = workos.userManagement.getAuthorizationUrl({
    provider: "GoogleOAuth",
    redirectUri: REDIRECT_URI,
    codeChallenge: challenge,
    codeChallengeMethod: "S256",
  });
  const code = (await followAuthorize(url)).searchParams.get("code") ?? "";
  return workos.userManagement.authenticateWithCode({ code, codeVerifier: verifier, clientId: fake.clientId });
}

beforeEach(() => {
  fake = createFakeWorkOS();
  routeWorkOSToFake(fake);
  workos = client();
});

describe("fake WorkOS: AuthKit authorization code flow", () => {
  it("redirects with a code and state, and exchanges it (PKCE) for the user and an RS256 access token", async () => {
    fake.nextSignIn({ email: "Ada@Example.com", authenticationMethod: "GoogleOAuth", firstName: "Ada" });
    const { verifier, challenge } = await pkcePair();
    const url = workos.userManagement.getAuthorizationUrl({
      provider: "GoogleOAuth",
      redirectUri: REDIRECT_URI,
      state: "state-123",
      codeChallenge: challenge,
      codeChallengeMethod: "S256",
    });
    expect(url.startsWith(`https://${fake.hostname}/user_management/authorize?`)).toBe(true);

    const callback = await followAuthorize(url);
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    expect(callback.searchParams.get("state")).toBe("state-123");
    const code = callback.searchParams.get("code") ?? "";
    expect(code).not.toBe("");

    const auth = await workos.userManagement.authenticateWithCode({
      code,
      codeVerifier: verifier,
      clientId: fake.clientId,
    });
    expect(auth.user).toMatchObject({
      object: "user",
      email: "ada@example.com",
      emailVerified: true,
      firstName: "Ada",
      externalId: null,
      metadata: {},
    });
    expect(auth.user.id).toMatch(/^user_[0-9A-Z]{26}$/);
    expect(auth.authenticationMethod).toBe("GoogleOAuth");
    expect(auth.organizationId).toBeUndefined();
    expect(auth.refreshToken).toEqual(expect.any(String));

    const claims = decodeJwt(auth.accessToken);
    expect(claims).toMatchObject({
      iss: `https://${fake.hostname}/user_management/${fake.clientId}`,
      sub: auth.user.id,
    });
    expect(claims.sid).toMatch(/^session_/);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);

    // The SDK sent JSON (not a form) with the client secret and the verifier.
    const exchange = fake.calls.find((call) => call.path === "/user_management/authenticate");
    expect(exchange?.body).toMatchObject({
      grant_type: "authorization_code",
      client_id: fake.clientId,
      client_secret: fake.apiKey,
      code,
      code_verifier: verifier,
    });
  });

  it("issues tokens the SDK verifies against the fake's JWKS (sealed session, issuer enforced)", async () => {
    fake.nextSignIn({ email: "grace@example.com" });
    const url = workos.userManagement.getAuthorizationUrl({ provider: "authkit", redirectUri: REDIRECT_URI });
    const code = (await followAuthorize(url)).searchParams.get("code") ?? "";
    const auth = await workos.userManagement.authenticateWithCode({
      code,
      session: { sealSession: true, cookiePassword: COOKIE_PASSWORD },
    });
    expect(auth.authenticationMethod).toBe("Password");

    const strict = client({ issuer: fake.issuer });
    const session = strict.userManagement.loadSealedSession({
      sessionData: auth.sealedSession ?? "",
      cookiePassword: COOKIE_PASSWORD,
    });
    const result = await session.authenticate();
    expect(result).toMatchObject({ authenticated: true, user: { email: "grace@example.com" } });
    expect(fake.callCount(`/sso/jwks/${fake.clientId}`, "GET")).toBe(1);

    const wrongIssuer = client({ issuer: "https://api.workos.com" }).userManagement.loadSealedSession({
      sessionData: auth.sealedSession ?? "",
      cookiePassword: COOKIE_PASSWORD,
    });
    expect(await wrongIssuer.authenticate()).toMatchObject({ authenticated: false, reason: "invalid_jwt" });
  });

  it("rejects a wrong code_verifier with invalid_grant", async () => {
    fake.nextSignIn({ email: "ada@example.com" });
    const { challenge } = await pkcePair();
    const url = workos.userManagement.getAuthorizationUrl({
      provider: "authkit",
      redirectUri: REDIRECT_URI,
      codeChallenge: challenge,
      codeChallengeMethod: "S256",
    });
    const code = (await followAuthorize(url)).searchParams.get("code") ?? "";
    const wrong = await pkcePair();
    const attempt = workos.userManagement.authenticateWithCode({ code, codeVerifier: wrong.verifier });
    await expect(attempt).rejects.toBeInstanceOf(OauthException);
    await expect(attempt).rejects.toMatchObject({ status: 400, error: "invalid_grant" });
  });

  it("rejects a code that was already exchanged, or has expired", async () => {
    fake.nextSignIn({ email: "ada@example.com" });
    fake.nextSignIn({ email: "ada@example.com" });
    const first = workos.userManagement.getAuthorizationUrl({ provider: "authkit", redirectUri: REDIRECT_URI });
    const code = (await followAuthorize(first)).searchParams.get("code") ?? "";
    await workos.userManagement.authenticateWithCode({ code });
    await expect(workos.userManagement.authenticateWithCode({ code })).rejects.toMatchObject({
      name: "OauthException",
      error: "invalid_grant",
    });

    const second = (await followAuthorize(first)).searchParams.get("code") ?? "";
    const record = fake.authorizationCodes.get(second);
    if (record) record.expiresAt = Date.now() - 1;
    await expect(workos.userManagement.authenticateWithCode({ code: second })).rejects.toMatchObject({
      error: "invalid_grant",
    });
  });

  it("honours login_hint, and refuses to authorize without a sign-in identity", async () => {
    const hinted = workos.userManagement.getAuthorizationUrl({
      provider: "MicrosoftOAuth",
      redirectUri: REDIRECT_URI,
      loginHint: "hint@example.com",
    });
    const code = (await followAuthorize(hinted)).searchParams.get("code") ?? "";
    const auth = await workos.userManagement.authenticateWithCode({ code });
    expect(auth.user.email).toBe("hint@example.com");
    expect(auth.authenticationMethod).toBe("MicrosoftOAuth");

    const bare = workos.userManagement.getAuthorizationUrl({ provider: "authkit", redirectUri: REDIRECT_URI });
    const response = await fake.fetch(new Request(bare));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_request" });
  });

  it("redirects with error=access_denied after failNextAuthorize, and validates the request", async () => {
    fake.failNextAuthorize("access_denied");
    const url = workos.userManagement.getAuthorizationUrl({
      provider: "authkit",
      redirectUri: REDIRECT_URI,
      state: "s1",
    });
    const callback = await followAuthorize(url);
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("error_description")).toEqual(expect.any(String));
    expect(callback.searchParams.get("state")).toBe("s1");
    expect(callback.searchParams.has("code")).toBe(false);

    const wrongClient = client().userManagement.getAuthorizationUrl({
      provider: "authkit",
      redirectUri: REDIRECT_URI,
      clientId: "client_other",
    });
    expect((await fake.fetch(new Request(wrongClient))).status).toBe(400);
    const badProvider = url.replace("provider=authkit", "provider=AppleOAuth");
    expect((await fake.fetch(new Request(badProvider))).status).toBe(400);
  });

  it("scopes the session to nextSignIn's organization (org_id and role claims)", async () => {
    const org = fake.addOrganization({ name: "Acme", domains: ["acme.test"] });
    const auth = await signInWithPkce("ada@acme.test", { organizationId: org.id });
    expect(auth.organizationId).toBe(org.id);
    expect(decodeJwt(auth.accessToken)).toMatchObject({ org_id: org.id, role: "member", roles: ["member"] });
    const memberships = await workos.userManagement.listOrganizationMemberships({ userId: auth.user.id });
    expect(memberships.data).toMatchObject([{ organizationId: org.id, status: "active", role: { slug: "member" } }]);
  });
});

describe("fake WorkOS: refresh tokens and sessions", () => {
  it("rotates refresh tokens and rejects reuse of the previous one", async () => {
    const first = await signInWithPkce("ada@example.com");
    const second = await workos.userManagement.authenticateWithRefreshToken({ refreshToken: first.refreshToken });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user.id).toBe(first.user.id);
    expect(decodeJwt(second.accessToken).sid).toBe(decodeJwt(first.accessToken).sid);

    await expect(
      workos.userManagement.authenticateWithRefreshToken({ refreshToken: first.refreshToken }),
    ).rejects.toMatchObject({ name: "OauthException", status: 400, error: "invalid_grant" });

    const third = await workos.userManagement.authenticateWithRefreshToken({ refreshToken: second.refreshToken });
    expect(third.refreshToken).not.toBe(second.refreshToken);
  });

  it("revokeSession ends the session: refresh fails and the SDK reports invalid_grant", async () => {
    const auth = await signInWithPkce("ada@example.com");
    const sessionId = String(decodeJwt(auth.accessToken).sid);
    await workos.userManagement.revokeSession({ sessionId });
    expect(fake.sessions.get(sessionId)?.status).toBe("revoked");
    expect(fake.calls.at(-1)).toMatchObject({ method: "POST", body: { session_id: sessionId } });

    await expect(
      workos.userManagement.authenticateWithRefreshToken({ refreshToken: auth.refreshToken }),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("CookieSession.refresh() works against the fake (rotation through a sealed session)", async () => {
    fake.nextSignIn({ email: "ada@example.com" });
    const url = workos.userManagement.getAuthorizationUrl({ provider: "authkit", redirectUri: REDIRECT_URI });
    const code = (await followAuthorize(url)).searchParams.get("code") ?? "";
    const auth = await workos.userManagement.authenticateWithCode({
      code,
      session: { sealSession: true, cookiePassword: COOKIE_PASSWORD },
    });
    const session = workos.userManagement.loadSealedSession({
      sessionData: auth.sealedSession ?? "",
      cookiePassword: COOKIE_PASSWORD,
    });
    const refreshed = await session.refresh();
    expect(refreshed).toMatchObject({ authenticated: true, user: { email: "ada@example.com" } });
  });
});

describe("fake WorkOS: users, memberships and logout", () => {
  it("serves users and memberships, and the logout URL ends the session", async () => {
    const auth = await signInWithPkce("ada@example.com");
    expect((await workos.userManagement.getUser(auth.user.id)).email).toBe("ada@example.com");
    const found = await workos.userManagement.listUsers({ email: "ada@example.com" });
    expect(found.data.map((u) => u.id)).toEqual([auth.user.id]);

    const org = await workos.organizations.createOrganization({ name: "Acme" });
    const membership = await workos.userManagement.createOrganizationMembership({
      userId: auth.user.id,
      organizationId: org.id,
      roleSlug: "admin",
    });
    expect(membership).toMatchObject({ organizationName: "Acme", status: "active", role: { slug: "admin" } });
    const switched = await workos.userManagement.authenticateWithRefreshToken({
      refreshToken: auth.refreshToken,
      organizationId: org.id,
    });
    expect(decodeJwt(switched.accessToken)).toMatchObject({ org_id: org.id, role: "admin" });

    const sessionId = String(decodeJwt(auth.accessToken).sid);
    const logoutUrl = workos.userManagement.getLogoutUrl({ sessionId, returnTo: "http://localhost:8787/" });
    const response = await fake.fetch(new Request(logoutUrl));
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("http://localhost:8787/");
    expect(fake.sessions.get(sessionId)?.status).toBe("revoked");
  });
});

describe("fake WorkOS: Magic Auth", () => {
  it("creates a 6-digit code (kept in magicAuthCodes) and authenticates with it once", async () => {
    const magic = await workos.userManagement.createMagicAuth({ email: "Linus@Example.com" });
    expect(magic).toMatchObject({ object: "magic_auth", email: "linus@example.com" });
    expect(magic.id).toMatch(/^magic_auth_/);
    expect(magic.code).toMatch(/^\d{6}$/);
    expect(fake.magicAuthCodes.get("linus@example.com")).toBe(magic.code);
    expect(Date.parse(magic.expiresAt) - Date.parse(magic.createdAt)).toBe(10 * 60_000);

    const auth = await workos.userManagement.authenticateWithMagicAuth({
      email: "linus@example.com",
      code: magic.code,
    });
    expect(auth.user).toMatchObject({ id: magic.userId, email: "linus@example.com", emailVerified: true });
    expect(auth.authenticationMethod).toBe("MagicAuth");
    expect(fake.calls.at(-1)?.body).toMatchObject({ grant_type: "urn:workos:oauth:grant-type:magic-auth:code" });

    await expect(
      workos.userManagement.authenticateWithMagicAuth({ email: "linus@example.com", code: magic.code }),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("rejects a wrong code", async () => {
    await workos.userManagement.createMagicAuth({ email: "linus@example.com" });
    const wrong = fake.magicAuthCodes.get("linus@example.com") === "000000" ? "111111" : "000000";
    await expect(
      workos.userManagement.authenticateWithMagicAuth({ email: "linus@example.com", code: wrong }),
    ).rejects.toBeInstanceOf(OauthException);
  });
});

describe("fake WorkOS: organizations and Admin Portal", () => {
  it("creates (domain_data), gets and lists organizations in WorkOS's wire format", async () => {
    const org = await workos.organizations.createOrganization({
      name: "Acme",
      domainData: [{ domain: "acme.test", state: DomainDataState.Verified }],
      externalId: "tenant-1",
    });
    expect(org).toMatchObject({
      object: "organization",
      name: "Acme",
      allowProfilesOutsideOrganization: false,
      externalId: "tenant-1",
      metadata: {},
      domains: [{ object: "organization_domain", domain: "acme.test", state: "verified", organizationId: org.id }],
    });
    expect(org.id).toMatch(/^org_/);
    expect(fake.calls.at(-1)?.body).toMatchObject({ domain_data: [{ domain: "acme.test", state: "verified" }] });

    expect(await workos.organizations.getOrganization(org.id)).toEqual(org);
    expect((await workos.organizations.getOrganizationByExternalId("tenant-1")).id).toBe(org.id);
    await expect(workos.organizations.getOrganization("org_missing")).rejects.toBeInstanceOf(NotFoundException);

    await workos.organizations.createOrganization({ name: "Beta" });
    const list = await workos.organizations.listOrganizations({ domains: ["acme.test"] });
    expect(list.data.map((o) => o.id)).toEqual([org.id]);
    const all = await workos.organizations.listOrganizations({ limit: 1 });
    expect(all.data.map((o) => o.name)).toEqual(["Beta"]);
    expect(all.listMetadata).toEqual({ before: null, after: all.data[0]?.id });
    const everything = await (await workos.organizations.listOrganizations()).autoPagination();
    expect(everything.map((o) => o.name).sort()).toEqual(["Acme", "Beta"]);

    await expect(workos.organizations.createOrganization({ name: "" })).rejects.toBeInstanceOf(
      UnprocessableEntityException,
    );
  });

  it("generates an Admin Portal link, validating organization and intent", async () => {
    const org = await workos.organizations.createOrganization({ name: "Acme" });
    const { link } = await workos.adminPortal.generateLink({
      organization: org.id,
      intent: "sso",
      returnUrl: "http://localhost:8787/settings",
    });
    expect(link).toMatch(/^https:\/\/setup\.workos\.test\/portal\/launch\?secret=/);
    expect(fake.portalLinks).toMatchObject([{ organization: org.id, intent: "sso", link }]);

    await expect(
      workos.adminPortal.generateLink({ organization: "org_missing", intent: "sso" }),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      // @ts-expect-error an intent WorkOS does not know
      workos.adminPortal.generateLink({ organization: org.id, intent: "billing" }),
    ).rejects.toBeInstanceOf(UnprocessableEntityException);
  });
});

describe("fake WorkOS: webhooks", () => {
  it("signs payloads so that the SDK's constructEvent accepts them", async () => {
    const user = fake.addUser({ email: "ada@example.com" });
    const { payload, headers } = await fake.webhookEvent("user.created", user);
    const event = await workos.webhooks.constructEvent({
      payload: JSON.parse(payload),
      sigHeader: headers["WorkOS-Signature"] ?? "",
      secret: fake.webhookSecret,
    });
    expect(event).toMatchObject({ event: "user.created", data: { id: user.id, email: "ada@example.com" } });

    const org = fake.addOrganization({ name: "Acme" });
    const raw = JSON.stringify({ id: "event_1", event: "organization.created", data: org, created_at: "x" });
    const sigHeader = await fake.signWebhook(raw);
    expect(sigHeader).toMatch(/^t=\d{13}, v1=[0-9a-f]{64}$/);
    await expect(
      workos.webhooks.constructEvent({ payload: raw, sigHeader, secret: fake.webhookSecret }),
    ).resolves.toMatchObject({ id: "event_1", data: { id: org.id, name: "Acme" } });
  });

  it("rejects tampered payloads, other secrets and stale timestamps", async () => {
    const payload = JSON.stringify({ id: "event_1", event: "user.deleted", data: {}, created_at: "x" });
    const secret = fake.webhookSecret;
    const sigHeader = await fake.signWebhook(payload);
    await expect(
      workos.webhooks.constructEvent({ payload: payload.replace("event_1", "event_2"), sigHeader, secret }),
    ).rejects.toBeInstanceOf(SignatureVerificationException);
    await expect(
      workos.webhooks.constructEvent({
        payload,
        sigHeader: await fake.signWebhook(payload, { secret: "other" }),
        secret,
      }),
    ).rejects.toBeInstanceOf(SignatureVerificationException);
    const stale = await fake.signWebhook(payload, { timestamp: Date.now() - 181_000 });
    await expect(workos.webhooks.constructEvent({ payload, sigHeader: stale, secret })).rejects.toThrow(/tolerance/);
  });
});

describe("fake WorkOS: auth, errors and outages", () => {
  it("answers 401 without the API key and 404 with a WorkOS error body for unknown paths", async () => {
    await expect(client({ apiKey: "sk_test_wrong" }).organizations.listOrganizations()).rejects.toBeInstanceOf(
      UnauthorizedException,
    );
    const unauthenticated = await fake.fetch(new Request(`${fake.baseUrl}/organizations`));
    expect(unauthenticated.status).toBe(401);

    const unknown = await fake.fetch(
      new Request(`${fake.baseUrl}/no/such/path`, { headers: { authorization: `Bearer ${fake.apiKey}` } }),
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ message: expect.any(String), code: "not_found" });
  });

  it("rejects a wrong client secret on /user_management/authenticate", async () => {
    fake.nextSignIn({ email: "ada@example.com" });
    const url = workos.userManagement.getAuthorizationUrl({ provider: "authkit", redirectUri: REDIRECT_URI });
    const code = (await followAuthorize(url)).searchParams.get("code") ?? "";
    await expect(
      client({ apiKey: "sk_test_wrong" }).userManagement.authenticateWithCode({ code }),
    ).rejects.toBeInstanceOf(UnauthorizedException);
  });

  it("setDown('503') makes SDK calls fail with a 503, setDown('network') makes fetch reject", async () => {
    const org = fake.addOrganization({ name: "Acme" });

    fake.setDown("503");
    const outage = workos.organizations.getOrganization(org.id);
    await expect(outage).rejects.toBeInstanceOf(GenericServerException);
    await expect(outage).rejects.toMatchObject({ status: 503 });
    expect((await fake.fetch(new Request(`${fake.baseUrl}/sso/jwks/${fake.clientId}`))).status).toBe(503);

    fake.setDown("network");
    await expect(workos.organizations.getOrganization(org.id)).rejects.toThrow(/fetch failed/);
    await expect(fake.fetch(new Request(`${fake.baseUrl}/organizations`))).rejects.toBeInstanceOf(TypeError);

    fake.setDown(false);
    expect((await workos.organizations.getOrganization(org.id)).name).toBe("Acme");
    expect(fake.callCount(`/organizations/${org.id}`)).toBe(3);
    expect(fake.counts[`/organizations/${org.id}`]).toBe(3);
  });
});
