import { BASE, cookieHeader, expectText, keepScreenshot, signIn, uniqueEmail } from "../helpers.mjs";

/** The landing page, sign-in, the status page, and signing out from the account menu. */
export async function signInAndOut({ page, context }) {
  await page.goto(`${BASE}/`);
  await page.getByRole("heading", { level: 1 }).waitFor();
  await keepScreenshot(page, "landing");

  const email = uniqueEmail("signin");
  await signIn(page, email, "E2E Sign In");

  await page.getByRole("link", { name: "Status", exact: true }).click();
  await expectText(page.getByTestId("health-status"), /^ok$/, 'the status page shows "ok"');

  const cookie = await cookieHeader(context);
  if (!cookie) throw new Error("no cookie for localhost after signing in");
  const before = await fetch(`${BASE}/api/auth/me`, { headers: { cookie, accept: "application/json" } });
  if (before.status !== 200) throw new Error(`/api/auth/me with the session cookie answered ${before.status}, not 200`);

  await page.getByTestId("account-menu").click();
  await page.getByRole("menuitem", { name: "Sign out", exact: true }).click();
  await page.getByRole("link", { name: "Sign in" }).waitFor({ state: "visible" });
  if ((await page.getByTestId("account-menu").count()) !== 0) throw new Error("still shows the account menu");

  const after = await fetch(`${BASE}/api/auth/me`, { headers: { cookie, accept: "application/json" } });
  if (after.status !== 401) throw new Error(`/api/auth/me with the old cookie answered ${after.status}, not 401`);
}
