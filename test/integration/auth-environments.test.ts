import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { expectError } from "../helpers/http";
import { Browser, signInWithDevProvider } from "../helpers/session";

function workerWith(overrides: Record<string, string>, origin: string) {
  const app = createApp();
  const configured = { ...env, ...overrides };
  return async (path: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (headers.has("origin")) headers.set("origin", origin);
    return app.fetch(new Request(new URL(path, origin), { ...init, headers }), configured, createExecutionContext());
  };
}

describe("production without WorkOS", () => {
  const worker = workerWith(
    { ENVIRONMENT: "production", APP_URL: "https://api.example.com" },
    "https://api.example.com",
  );

  it("answers sign-in with 503 auth_not_configured", async () => {
    await expectError(await worker("/api/auth/authorize"), 503, "auth_not_configured");
  });

  it("has no dev identity provider routes", async () => {
    await expectError(await worker("/api/auth/dev/login?state=x"), 404, "not_found");
    const post = await worker("/api/auth/dev/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://api.example.com" },
      body: "email=a%40b.co&state=x",
    });
    await expectError(post, 404, "not_found");
  });

  it("sends HSTS", async () => {
    expect((await worker("/api/ping")).headers.get("strict-transport-security")).toContain("max-age=");
  });
});

describe("session cookie on https", () => {
  it("uses __Host-session with Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain", async () => {
    const worker = workerWith(
      { ENVIRONMENT: "staging", APP_URL: "https://staging.example.com" },
      "https://staging.example.com",
    );
    const browser = new Browser(worker);
    const final = await signInWithDevProvider(browser, { email: "https@example.com" });
    const cookie = final.headers.getSetCookie().find((c) => c.startsWith("__Host-session="));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
    expect((await browser.request("/api/auth/me")).status).toBe(200);
  });
});
