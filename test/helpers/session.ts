import { expect } from "vitest";
import { APP_ORIGIN, call } from "./http";

/**
 * A minimal browser: keeps cookies from `Set-Cookie` and sends them back, follows nothing by itself.
 * Requests carry `Origin: APP_ORIGIN` on unsafe methods, as a browser on our SPA would.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;

  constructor(readonly fetcher: (path: string, init?: RequestInit) => Promise<Response> = call) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has("cookie")) headers.set("cookie", this.cookieHeader());
    if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", this.ip);
    const method = (init.method ?? "GET").toUpperCase();
    if (!["GET", "HEAD"].includes(method) && !headers.has("origin")) headers.set("origin", APP_ORIGIN);
    const response = await this.fetcher(path, { ...init, headers, redirect: "manual" });
    this.store(response);
    return response;
  }

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(";");
      const [name, ...rest] = (pair ?? "").split("=");
      const value = rest.join("=");
      const expired = attributes.some((a) => /max-age=0/i.test(a.trim()) || /expires=Thu, 01 Jan 1970/i.test(a.trim()));
      if (!name) continue;
      if (expired || value === "") this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
  }

  json(path: string, method: string, body: unknown): Promise<Response> {
    return this.request(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  }
}

/** Runs the dev identity provider flow (SPEC §5.2) in `browser` and returns the final redirect. */
export async function signInWithDevProvider(
  browser: Browser,
  person: { email: string; name?: string },
  returnTo = "/",
): Promise<Response> {
  const authorize = await browser.request(`/api/auth/authorize?return_to=${encodeURIComponent(returnTo)}`);
  expect(authorize.status).toBe(302);
  const loginUrl = new URL(authorize.headers.get("location") as string);
  const state = loginUrl.searchParams.get("state") as string;
  const form = await browser.request(`${loginUrl.pathname}${loginUrl.search}`);
  expect(form.status).toBe(200);
  const submitted = await browser.request("/api/auth/dev/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: person.email, name: person.name ?? "", state }).toString(),
  });
  expect(submitted.status).toBe(302);
  const callback = submitted.headers.get("location") as string;
  return browser.request(callback);
}

/** A browser signed in as `email` through the real dev sign-in flow. */
export async function signedInBrowser(
  email = `user-${crypto.randomUUID().slice(0, 8)}@example.com`,
  name = "Test User",
) {
  const browser = new Browser();
  const final = await signInWithDevProvider(browser, { email, name });
  expect(final.status).toBe(302);
  return browser;
}
