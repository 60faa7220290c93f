import { describe, expect, it } from "vitest";
import { expectError } from "../helpers/http";
import { Browser, signedInBrowser, signInWithDevProvider } from "../helpers/session";

/**
 * Regressions for issue 14 through the real sign-in flow: finding 1 (open redirect after sign-in) and
 * finding 9 (a second spelling of the session cookie's signature).
 */
describe("open redirect after sign-in (issue 14 #1, RFC 6749 §10.15)", () => {
  it.each([
    "/.//evil.example/phish",
    "/..//evil.example/phish",
    "/a/..//evil.example/phish",
    "/%2e//evil.example/phish",
    "/%2E%2E//evil.example/phish",
    "/./\\evil.example/phish",
    "/x%0d%0aSet-Cookie:%20a=b",
  ])("return_to=%s ends the sign-in at / on our own origin", async (returnTo) => {
    const final = await signInWithDevProvider(
      new Browser(),
      { email: `r-${crypto.randomUUID()}@example.com` },
      returnTo,
    );
    expect(final.status).toBe(302);
    const location = final.headers.get("location") as string;
    expect(location).toBe("/");
    expect(new URL(location, "http://localhost:8787").origin).toBe("http://localhost:8787");
  });

  it("still returns to a same-origin path after sign-in", async () => {
    const final = await signInWithDevProvider(
      new Browser(),
      { email: `r-${crypto.randomUUID()}@example.com` },
      "/a/./b?x=1",
    );
    expect(final.headers.get("location")).toBe("/a/b?x=1");
  });
});

describe("session cookie signature spelling (issue 14 #9, RFC 4648 §3.5)", () => {
  it("refuses the session cookie with a trailing '=' on its signature", async () => {
    const browser = await signedInBrowser();
    const [name, value] = [...browser.cookies].find(([cookie]) => cookie.endsWith("session")) as [string, string];
    expect((await browser.request("/api/auth/me")).status).toBe(200);
    const respelled = new Browser();
    respelled.cookies.set(name, `${value}=`);
    await expectError(await respelled.request("/api/auth/me"), 401, "unauthenticated");
  });
});
