import { BASE, expectText, keepScreenshot, signIn, uniqueEmail, until } from "../helpers.mjs";

/** A program's request with the key alone: no cookie, no Origin header (curl-like). */
function asProgram(key, path, init = {}) {
  return fetch(`${BASE}${path}`, {
    ...init,
    headers: { ...init.headers, authorization: `Bearer ${key}`, accept: "application/json" },
  });
}

/** Create a key in the UI, use it from a program, revoke it in the UI, and see it refused. */
export async function apiKeyLifecycle({ page }) {
  const email = uniqueEmail("apikey");
  await signIn(page, email, "E2E API keys");
  await page.getByRole("link", { name: "API keys", exact: true }).first().click();
  await page.waitForURL((url) => url.pathname === "/settings/api-keys");

  await page
    .getByTestId("create-api-key")
    .getByRole("textbox", { name: /^Name\b/ })
    .fill("E2E program");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key-value").textContent())?.trim() ?? "";
  if (!/^eik_[A-Za-z0-9_-]{43}$/.test(key)) throw new Error(`the new key is not shown as an eik_ key: ${key}`);
  await page.getByRole("button", { name: "Copy the new API key" }).click();
  await until(
    "the clipboard holds the new key",
    () => page.evaluate(() => navigator.clipboard.readText()),
    (text) => text === key,
  );
  await expectText(page.getByTestId("api-keys"), key.slice(0, 12), "the list shows the key's prefix");
  await keepScreenshot(page, "api-keys");

  const me = await asProgram(key, "/api/auth/me");
  if (me.status !== 200) throw new Error(`GET /api/auth/me with the key answered ${me.status}`);
  if ((await me.json()).data.user.email !== email) throw new Error("the key authenticated as someone else");
  const created = await asProgram(key, "/api/connections", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      name: "made by a program",
      connection_method: "bearer",
      provider: "custom_api",
      base_url: "https://api.example.com",
      data: { token: "program-token" },
    }),
  });
  if (created.status !== 201) throw new Error(`POST /api/connections with the key answered ${created.status}`);

  // The key's own page reflects the use, and revoking it stops it at once.
  await page.getByRole("button", { name: "I have stored it" }).click();
  await page.reload();
  await page.getByRole("button", { name: "Revoke", exact: true }).click();
  await page.getByRole("button", { name: "Revoke E2E program" }).click();
  await expectText(page.getByTestId("toasts"), "Revoked “E2E program”", "a notice confirms the revocation");
  const refused = await asProgram(key, "/api/auth/me");
  if (refused.status !== 401) throw new Error(`the revoked key still answered ${refused.status}, not 401`);

  // The API reference documents the key endpoints, from the Worker's OpenAPI document.
  await page.getByRole("link", { name: "API", exact: true }).click();
  await page.getByLabel("Filter endpoints").fill("api-keys");
  await until(
    "the API reference lists the three API-key operations",
    () => page.getByTestId("api-operation").count(),
    (count) => count === 3,
  );
  const create = page.getByTestId("api-operation").filter({ hasText: "Create a personal API key" });
  await create.locator("summary").click();
  await expectText(create, "expires_in_days", "the create operation shows its body's fields");
  await keepScreenshot(page, "api-reference");
}
