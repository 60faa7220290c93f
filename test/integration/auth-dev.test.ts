import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { APP_ORIGIN, expectData, expectError } from "../helpers/http";
import { Browser, signedInBrowser, signInWithDevProvider } from "../helpers/session";

interface Me {
  user: { id: string; email: string; name: string };
  organizations: Array<{ id: string; role: string; name: string }>;
  session: { id: string; auth_method: string };
}

describe("dev identity provider sign-in (SPEC §5.2)", () => {
  it("signs a new user in through authorize → form → callback and lands on return_to", async () => {
    const browser = new Browser();
    const final = await signInWithDevProvider(
      browser,
      { email: "Ada@Example.com", name: "Ada" },
      "/workflows?tab=mine",
    );
    expect(final.status).toBe(302);
    expect(final.headers.get("location")).toBe("/workflows?tab=mine");
    const cookie = final.headers.getSetCookie().find((c) => c.startsWith("session="));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    const me = await expectData<Me>(await browser.request("/api/auth/me"));
    expect(me.user).toMatchObject({ email: "ada@example.com", name: "Ada" });
    expect(me.session.auth_method).toBe("dev");
    expect(me.organizations).toEqual([expect.objectContaining({ role: "owner", name: "Ada's workspace" })]);
  });

  it("recognises the same email as the same user on the next sign-in", async () => {
    const first = await signedInBrowser("same@example.com", "Same");
    const second = await signedInBrowser("SAME@example.com", "Same Again");
    const a = await expectData<Me>(await first.request("/api/auth/me"));
    const b = await expectData<Me>(await second.request("/api/auth/me"));
    expect(b.user.id).toBe(a.user.id);
    expect(b.user.name).toBe("Same Again");
    expect(b.organizations).toHaveLength(1);
  });

  it("renders the form with the fields of the spec and a strict CSP", async () => {
    const browser = new Browser();
    const authorize = await browser.request("/api/auth/authorize");
    const location = new URL(authorize.headers.get("location") as string);
    expect(location.origin + location.pathname).toBe(`${APP_ORIGIN}/api/auth/dev/login`);
    const page = await browser.request(location.pathname + location.search);
    const html = await page.text();
    expect(html).toContain('name="email"');
    expect(html).toContain('name="name"');
    expect(html).toContain(`name="state" value="${location.searchParams.get("state")}"`);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("content-security-policy")).not.toContain("script-src");
  });

  it.each([
    ["an absolute URL", "https://evil.example/steal"],
    ["a scheme-relative URL", "//evil.example/steal"],
    ["a backslash trick", "/\\evil.example"],
    ["a javascript: URL", "javascript:alert(1)"],
  ])("never redirects to %s in return_to", async (_name, returnTo) => {
    const final = await signInWithDevProvider(new Browser(), { email: "redirect@example.com" }, returnTo);
    expect(final.headers.get("location")).toBe("/");
  });
});

describe("sign-in state (RFC 6749 §10.12)", () => {
  async function startAndSubmit(browser: Browser) {
    const authorize = await browser.request("/api/auth/authorize");
    const state = new URL(authorize.headers.get("location") as string).searchParams.get("state") as string;
    const submitted = await browser.request("/api/auth/dev/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: "state@example.com", name: "S", state }).toString(),
    });
    return { state, callback: submitted.headers.get("location") as string };
  }

  it("refuses a forged state", async () => {
    const browser = new Browser();
    const { callback } = await startAndSubmit(browser);
    const forged = callback.replace(/state=[^&]+/, `state=${"A".repeat(43)}`);
    const response = await browser.request(forged);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("no longer valid");
    expect(response.headers.getSetCookie().some((c) => c.startsWith("session="))).toBe(false);
  });

  it("refuses a replayed state (single use)", async () => {
    const browser = new Browser();
    const { callback } = await startAndSubmit(browser);
    const nonce = browser.cookies.get("signin_nonce");
    expect((await browser.request(callback)).status).toBe(302);
    browser.cookies.set("signin_nonce", nonce as string);
    browser.cookies.delete("session");
    const replay = await browser.request(callback);
    expect(replay.status).toBe(400);
    expect(replay.headers.getSetCookie().some((c) => c.startsWith("session="))).toBe(false);
  });

  it("refuses a state started in another browser (login CSRF)", async () => {
    const attacker = new Browser();
    const { callback } = await startAndSubmit(attacker);
    const victim = new Browser();
    const response = await victim.request(callback);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("another browser");
  });

  it("refuses an expired state", async () => {
    const browser = new Browser();
    const { state, callback } = await startAndSubmit(browser);
    const key = `auth:tx:${state}`;
    const tx = (await env.KV.get<{ createdAt: number }>(key, "json")) as { createdAt: number };
    await env.KV.put(key, JSON.stringify({ ...tx, createdAt: Date.now() - 11 * 60 * 1000 }));
    const response = await browser.request(callback);
    expect(response.status).toBe(400);
  });

  it("refuses a callback without state, and an unknown provider", async () => {
    expect((await new Browser().request("/api/auth/callback?code=x")).status).toBe(400);
    await expectError(await new Browser().request("/api/auth/authorize?provider=EvilOAuth"), 400, "invalid_request");
  });

  it("shows the provider's access_denied as a page, not a 500", async () => {
    const browser = new Browser();
    const { state } = await startAndSubmit(browser);
    const response = await browser.request(
      `/api/auth/callback?state=${state}&error=access_denied&error_description=User%20said%20no`,
    );
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("User said no");
  });
});

describe("sessions (SPEC §5.3)", () => {
  it("refuses a tampered cookie", async () => {
    const browser = await signedInBrowser();
    const value = browser.cookies.get("session") as string;
    const [token, signature] = value.split(".") as [string, string];
    const flipped = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}.${signature}`;
    browser.cookies.set("session", flipped);
    await expectError(await browser.request("/api/auth/me"), 401, "unauthenticated");
    browser.cookies.set("session", `${token}.${"x".repeat(43)}`);
    await expectError(await browser.request("/api/auth/me"), 401, "unauthenticated");
  });

  it("refuses an expired and an idle session", async () => {
    const expired = await signedInBrowser();
    const me = await expectData<Me>(await expired.request("/api/auth/me"));
    await env.DB.prepare("update sessions set expires_at = ? where id = ?")
      .bind(Date.now() - 1, me.session.id)
      .run();
    await expectError(await expired.request("/api/auth/me"), 401, "unauthenticated");

    const idle = await signedInBrowser();
    const idleMe = await expectData<Me>(await idle.request("/api/auth/me"));
    await env.DB.prepare("update sessions set last_seen_at = ? where id = ?")
      .bind(Date.now() - 25 * 3600 * 1000, idleMe.session.id)
      .run();
    await expectError(await idle.request("/api/auth/me"), 401, "unauthenticated");
  });

  it("logs out: the session is revoked server-side and the old cookie stops working", async () => {
    const browser = await signedInBrowser();
    const oldCookie = browser.cookieHeader();
    const logout = await expectData<{ logout_url: string | null }>(
      await browser.request("/api/auth/logout", { method: "POST" }),
    );
    expect(logout.logout_url).toBeNull();
    expect(browser.cookies.has("session")).toBe(false);
    await expectError(
      await browser.request("/api/auth/me", { headers: { cookie: oldCookie } }),
      401,
      "unauthenticated",
    );
  });

  it("signs out everywhere", async () => {
    const laptop = await signedInBrowser("everywhere@example.com");
    const phone = await signedInBrowser("everywhere@example.com");
    const result = await expectData<{ revoked_sessions: number }>(
      await phone.request("/api/auth/sessions/revoke-all", { method: "POST" }),
    );
    expect(result.revoked_sessions).toBe(2);
    await expectError(await laptop.request("/api/auth/me"), 401, "unauthenticated");
  });

  it("ends the sessions of a deleted user", async () => {
    const browser = await signedInBrowser();
    const me = await expectData<Me>(await browser.request("/api/auth/me"));
    await env.DB.prepare("update users set deleted_at = ? where id = ?").bind(Date.now(), me.user.id).run();
    await expectError(await browser.request("/api/auth/me"), 401, "unauthenticated");
  });

  it("requires a session for /api/auth/me", async () => {
    await expectError(await new Browser().request("/api/auth/me"), 401, "unauthenticated");
  });

  it("refuses a cross-site POST carrying the session cookie (CSRF)", async () => {
    const browser = await signedInBrowser();
    const crossSite = await browser.request("/api/auth/sessions/revoke-all", {
      method: "POST",
      headers: { origin: "https://evil.example" },
    });
    await expectError(crossSite, 403, "csrf_rejected");
    const fetchMetadata = await browser.request("/api/auth/logout", {
      method: "POST",
      headers: { origin: "null", "sec-fetch-site": "cross-site" },
    });
    await expectError(fetchMetadata, 403, "csrf_rejected");
    expect((await browser.request("/api/auth/me")).status).toBe(200);
  });

  it("never puts the session token in a response body", async () => {
    const browser = await signedInBrowser();
    const token = (browser.cookies.get("session") as string).split(".")[0] as string;
    for (const path of ["/api/auth/me"]) {
      expect(await (await browser.request(path)).text()).not.toContain(token);
    }
    const row = await env.DB.prepare("select * from sessions").all();
    expect(JSON.stringify(row.results)).not.toContain(token);
  });
});

describe("rate limits", () => {
  it("limits sign-in starts per IP with 429 and Retry-After", async () => {
    const headers = { "cf-connecting-ip": "203.0.113.99" };
    const statuses: number[] = [];
    let limited: Response | undefined;
    // 20 a minute in fixed windows: 41 starts exceed it whichever window boundary falls among them.
    for (let i = 0; i < 41 && !limited; i++) {
      const response = await new Browser().request("/api/auth/authorize", { headers });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(limited, `statuses: ${statuses.join(",")}`).toBeDefined();
    await expectError(limited as Response, 429, "rate_limited");
    expect(limited?.headers.get("retry-after")).toBe("60");
  });
});
