import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { expectData, expectError } from "../helpers/http";
import { signedInBrowser } from "../helpers/session";
import { signInThroughWorkOS, workosWorld } from "../helpers/workos";

interface Me {
  user: { id: string; email: string; name: string | null; email_verified: boolean };
  organizations: Array<{ id: string; name: string; role: string }>;
  session: { id: string; auth_method: string };
}

const world = workosWorld();
const { fake } = world;

beforeEach(() => {
  world.interceptWorkOS();
  fake.setDown(false);
});

describe("WorkOS sign-in (AuthKit and social providers)", () => {
  it.each(["authkit", "GoogleOAuth", "MicrosoftOAuth", "GitHubOAuth"] as const)(
    "signs in with %s through authorize → WorkOS → callback, with S256 PKCE",
    async (provider) => {
      const email = `${provider.toLowerCase()}@example.com`;
      fake.nextSignIn({
        email,
        authenticationMethod: provider === "authkit" ? "Password" : provider,
        firstName: "Grace",
        lastName: "Hopper",
      });
      const browser = world.browser();
      const { authorizeUrl, callback } = await signInThroughWorkOS(
        fake,
        browser,
        `/api/auth/authorize?provider=${provider}&return_to=/home`,
      );
      expect(authorizeUrl?.searchParams.get("code_challenge_method")).toBe("S256");
      expect(authorizeUrl?.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(authorizeUrl?.searchParams.get("redirect_uri")).toBe("http://localhost:8787/api/auth/callback");
      expect(authorizeUrl?.searchParams.get("provider")).toBe(provider);
      expect(callback?.status).toBe(302);
      expect(callback?.headers.get("location")).toBe("/home");
      const exchange = fake.calls.filter((call) => call.path === "/user_management/authenticate").at(-1);
      expect(exchange?.body).toMatchObject({
        grant_type: "authorization_code",
        code_verifier: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      const me = await expectData<Me>(await browser.request("/api/auth/me"));
      expect(me.user).toMatchObject({
        email,
        name: "Grace Hopper",
        email_verified: fake.findUserByEmail(email)?.email_verified,
      });
      expect(me.session.auth_method).toBe(provider === "authkit" ? "Password" : provider);
    },
  );

  it("links a WorkOS sign-in to the existing user with the same verified email", async () => {
    const devBrowser = await signedInBrowser("linked@example.com", "Linked");
    const before = await expectData<Me>(await devBrowser.request("/api/auth/me"));
    fake.nextSignIn({ email: "linked@example.com", authenticationMethod: "GoogleOAuth" });
    const browser = world.browser();
    await signInThroughWorkOS(fake, browser);
    const after = await expectData<Me>(await browser.request("/api/auth/me"));
    expect(after.user.id).toBe(before.user.id);
  });

  it("records the WorkOS organization and the member's role", async () => {
    const org = fake.addOrganization({ name: "Acme Corp", domains: ["acme.test"] });
    const user = fake.addUser({ email: "boss@acme.test" });
    fake.addMembership({ userId: user.id, organizationId: org.id, role: "admin" });
    fake.nextSignIn({ email: "boss@acme.test", organizationId: org.id });
    const browser = world.browser();
    await signInThroughWorkOS(fake, browser);
    const me = await expectData<Me>(await browser.request("/api/auth/me"));
    expect(me.organizations).toEqual([expect.objectContaining({ name: "Acme Corp", role: "admin" })]);
    const row = await env.DB.prepare(
      "select domain, workos_organization_id from organizations where name = 'Acme Corp'",
    ).first();
    expect(row).toEqual({ domain: "acme.test", workos_organization_id: org.id });
  });

  it("shows WorkOS's access_denied as a page", async () => {
    fake.failNextAuthorize("access_denied", "The user cancelled.");
    const { callback } = await signInThroughWorkOS(fake, world.browser());
    expect(callback?.status).toBe(403);
    expect(await callback?.text()).toContain("The user cancelled.");
  });

  it("answers 502 with a page when WorkOS is down during the code exchange", async () => {
    fake.nextSignIn({ email: "down@example.com" });
    const browser = world.browser();
    const authorize = await browser.request("/api/auth/authorize");
    const atProvider = await fake.fetch(new Request(authorize.headers.get("location") as string));
    const back = new URL(atProvider.headers.get("location") as string);
    fake.setDown("503");
    const callback = await browser.request(back.pathname + back.search);
    expect(callback.status).toBe(502);
    expect(await callback.text()).toContain("temporarily unavailable");
    expect(browser.cookies.has("session")).toBe(false);
  });

  it("refuses a code that WorkOS rejects with a 400 page", async () => {
    fake.nextSignIn({ email: "badcode@example.com" });
    const browser = world.browser();
    const authorize = await browser.request("/api/auth/authorize");
    const state = new URL(authorize.headers.get("location") as string).searchParams.get("state");
    const callback = await browser.request(`/api/auth/callback?code=not-a-real-code&state=${state}`);
    expect(callback.status).toBe(400);
  });

  it("returns the WorkOS logout URL on logout", async () => {
    fake.nextSignIn({ email: "logout@example.com" });
    const browser = world.browser();
    await signInThroughWorkOS(fake, browser);
    const { logout_url } = await expectData<{ logout_url: string }>(
      await browser.request("/api/auth/logout", { method: "POST" }),
    );
    expect(logout_url).toMatch(/^https:\/\/api\.workos\.test\/user_management\/sessions\/logout\?session_id=/);
    await expectError(await browser.request("/api/auth/me"), 401, "unauthenticated");
  });

  it("keeps the WorkOS refresh token encrypted at rest", async () => {
    fake.nextSignIn({ email: "atrest@example.com" });
    const browser = world.browser();
    await signInThroughWorkOS(fake, browser);
    const me = await expectData<Me>(await browser.request("/api/auth/me"));
    const session = [...fake.sessions.values()].at(-1);
    const row = await env.DB.prepare("select * from sessions where id = ?").bind(me.session.id).first();
    expect(String(row?.workos_refresh_token_encrypted)).toMatch(/^v1\.t2\./);
    expect(JSON.stringify(row)).not.toContain(session?.refreshToken);
  });
});

describe("transparent WorkOS session refresh", () => {
  async function signedInWithStaleCheck(email: string) {
    fake.nextSignIn({ email });
    const browser = world.browser();
    await signInThroughWorkOS(fake, browser);
    const me = await expectData<Me>(await browser.request("/api/auth/me"));
    await env.DB.prepare("update sessions set workos_checked_at = ? where id = ?")
      .bind(Date.now() - 11 * 60 * 1000, me.session.id)
      .run();
    return { browser, me };
  }

  it("refreshes a session due for a check and stores the rotated refresh token", async () => {
    const { browser, me } = await signedInWithStaleCheck("refresh@example.com");
    const before = await env.DB.prepare("select workos_refresh_token_encrypted as t from sessions where id = ?")
      .bind(me.session.id)
      .first<{ t: string }>();
    const refreshes = fake.calls.filter(
      (c) => (c.body as { grant_type?: string } | undefined)?.grant_type === "refresh_token",
    ).length;
    expect((await browser.request("/api/auth/me")).status).toBe(200);
    expect(
      fake.calls.filter((c) => (c.body as { grant_type?: string } | undefined)?.grant_type === "refresh_token").length,
    ).toBe(refreshes + 1);
    const after = await env.DB.prepare(
      "select workos_refresh_token_encrypted as t, workos_checked_at as at from sessions where id = ?",
    )
      .bind(me.session.id)
      .first<{ t: string; at: number }>();
    expect(after?.t).not.toBe(before?.t);
    expect(Date.now() - (after?.at ?? 0)).toBeLessThan(60_000);
    // The next request does not refresh again.
    expect((await browser.request("/api/auth/me")).status).toBe(200);
    expect(
      fake.calls.filter((c) => (c.body as { grant_type?: string } | undefined)?.grant_type === "refresh_token").length,
    ).toBe(refreshes + 1);
  });

  it("ends our session when WorkOS ended its own", async () => {
    const { browser } = await signedInWithStaleCheck("ended@example.com");
    for (const session of fake.sessions.values()) session.status = "revoked";
    await expectError(await browser.request("/api/auth/me"), 401, "unauthenticated");
  });

  it("keeps the session when WorkOS cannot be reached", async () => {
    const { browser } = await signedInWithStaleCheck("unreachable@example.com");
    fake.setDown("network");
    expect((await browser.request("/api/auth/me")).status).toBe(200);
  });
});

describe("Magic Auth", () => {
  it("sends a code and signs in with it", async () => {
    const browser = world.browser();
    expect(
      await expectData(await browser.json("/api/auth/magic-auth", "POST", { email: "Magic@Example.com" })),
    ).toEqual({ sent: true });
    const code = fake.magicAuthCodes.get("magic@example.com") as string;
    const verified = await expectData<{ user: { email: string } }>(
      await browser.json("/api/auth/magic-auth/verify", "POST", { email: "magic@example.com", code }),
    );
    expect(verified.user.email).toBe("magic@example.com");
    const me = await expectData<Me>(await browser.request("/api/auth/me"));
    expect(me.session.auth_method).toBe("MagicAuth");
  });

  it("refuses a wrong code with 400 and sets no cookie", async () => {
    const browser = world.browser();
    await browser.json("/api/auth/magic-auth", "POST", { email: "wrong@example.com" });
    const code = fake.magicAuthCodes.get("wrong@example.com") as string;
    const wrong = code === "000000" ? "111111" : "000000";
    await expectError(
      await browser.json("/api/auth/magic-auth/verify", "POST", { email: "wrong@example.com", code: wrong }),
      400,
      "invalid_request",
    );
    expect(browser.cookies.has("session")).toBe(false);
  });

  it("validates input", async () => {
    const browser = world.browser();
    await expectError(await browser.json("/api/auth/magic-auth", "POST", { email: "nope" }), 400, "invalid_request");
    await expectError(
      await browser.json("/api/auth/magic-auth/verify", "POST", { email: "a@b.co", code: "12" }),
      400,
      "invalid_request",
    );
  });

  it("answers 502 when WorkOS is down", async () => {
    fake.setDown("503");
    await expectError(
      await world.browser().json("/api/auth/magic-auth", "POST", { email: "x@example.com" }),
      502,
      "upstream_error",
    );
    fake.setDown("network");
    await expectError(
      await world.browser().json("/api/auth/magic-auth", "POST", { email: "x@example.com" }),
      502,
      "upstream_error",
    );
  });

  it("answers 503 without WorkOS (dev identity provider)", async () => {
    const { call, jsonInit } = await import("../helpers/http");
    await expectError(
      await call("/api/auth/magic-auth", jsonInit("POST", { email: "x@example.com" })),
      503,
      "auth_not_configured",
    );
  });
});

describe("enterprise SSO", () => {
  it("starts SSO for an organization found by domain or slug", async () => {
    const org = fake.addOrganization({ name: "Initech", domains: ["initech.test"] });
    await env.DB.prepare(
      "insert into organizations (id, name, slug, domain, workos_organization_id, sso_enabled) values (?, 'Initech', 'initech', 'initech.test', ?, 1)",
    )
      .bind(crypto.randomUUID(), org.id)
      .run();
    for (const query of ["initech.test", "INITECH", "initech"]) {
      const response = await world.browser().request(`/api/auth/sso-authorize?organization=${query}`);
      expect(response.status).toBe(302);
      const url = new URL(response.headers.get("location") as string);
      expect(url.searchParams.get("organization_id")).toBe(org.id);
      expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    }
  });

  it("answers 404 for an organization without SSO", async () => {
    await expectError(
      await world.browser().request("/api/auth/sso-authorize?organization=nobody.test"),
      404,
      "not_found",
    );
    await expectError(await world.browser().request("/api/auth/sso-authorize"), 400, "invalid_request");
  });
});

describe("admin SSO setup", () => {
  it("creates the WorkOS organization with the domain and returns an Admin Portal link", async () => {
    fake.nextSignIn({ email: "admin@globex.test" });
    const browser = world.browser();
    await signInThroughWorkOS(fake, browser);
    const response = await browser.json("/api/admin/sso/create", "POST", {
      domain: "Globex.test",
      ssoType: "OktaSAML",
    });
    const data = await expectData<{
      organization: { workos_organization_id: string; domain: string };
      portal_link: string;
    }>(response, 201);
    expect(data.portal_link).toMatch(/^https:\/\//);
    expect(data.organization.domain).toBe("globex.test");
    const created = fake.organizations.get(data.organization.workos_organization_id);
    expect(created?.domains.map((d) => d.domain)).toEqual(["globex.test"]);
    expect(fake.portalLinks.at(-1)).toMatchObject({
      organization: data.organization.workos_organization_id,
      intent: "sso",
    });
  });

  it("refuses a domain that another organization already has (409)", async () => {
    await env.DB.prepare(
      "insert into organizations (id, name, slug, domain) values (?, 'Taken', 'taken', 'taken.test')",
    )
      .bind(crypto.randomUUID())
      .run();
    fake.nextSignIn({ email: "admin2@example.com" });
    const browser = world.browser();
    await signInThroughWorkOS(fake, browser);
    await expectError(
      await browser.json("/api/admin/sso/create", "POST", { domain: "taken.test", ssoType: "GenericSAML" }),
      409,
      "conflict",
    );
  });

  it("answers 502 when WorkOS is down", async () => {
    fake.nextSignIn({ email: "admin3@example.com" });
    const browser = world.browser();
    await signInThroughWorkOS(fake, browser);
    fake.setDown("503");
    await expectError(
      await browser.json("/api/admin/sso/create", "POST", { domain: "down.test", ssoType: "GenericSAML" }),
      502,
      "upstream_error",
    );
  });
});
