import { describe, expect, it } from "vitest";
import { Browser } from "../helpers/session";

/** Server-rendered pages share one frame (src/platform/html): standards mode, UTF-8, working CSS. */
describe("server-rendered pages", () => {
  async function devLoginPage() {
    const browser = new Browser();
    const authorize = await browser.request("/api/auth/authorize?return_to=/connections");
    const login = new URL(authorize.headers.get("location") ?? "", "http://localhost");
    return browser.request(`${login.pathname}${login.search}`);
  }

  it("starts with <!doctype html> and declares UTF-8 in the header and the document", async () => {
    const response = await devLoginPage();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html; charset=utf-8$/i);
    const html = await response.text();
    expect(html.slice(0, 15).toLowerCase()).toBe("<!doctype html>");
    expect(html).toMatch(/<head><meta charset="utf-8"\/?>/);
  });

  it("keeps the stylesheet's quotes intact, so the font-family rule is not dropped", async () => {
    const html = await (await devLoginPage()).text();
    const style = html.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? "";
    expect(style).toContain('"Segoe UI"');
    expect(style).not.toContain("&quot;");
    expect(style).toContain("font-family:var(--font)");
  });

  it("is never framed, runs no script and is not cached", async () => {
    const response = await devLoginPage();
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("script-src");
    expect(csp).toContain("default-src 'none'");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.text()).not.toContain("<script");
  });

  it("renders sign-in errors in the same frame", async () => {
    const response = await new Browser().request("/api/auth/callback?code=x");
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html.slice(0, 15).toLowerCase()).toBe("<!doctype html>");
    expect(html).toContain("Sign-in failed");
    expect(html).toContain('class="brand"');
  });

  it("frames the OAuth popup's result page the same way, with its nonce'd script", async () => {
    const response = await new Browser().request("/api/oauth/github/callback?state=unknown&code=x");
    const html = await response.text();
    expect(html.slice(0, 15).toLowerCase()).toBe("<!doctype html>");
    expect(html).toMatch(/<meta charset="utf-8"\/?>/);
    expect(html).toContain('class="brand"');
    const nonce = response.headers.get("content-security-policy")?.match(/'nonce-([^']+)'/)?.[1];
    expect(html).toContain(`<script nonce="${nonce}">`);
  });
});
