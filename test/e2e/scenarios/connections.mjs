import { randomBytes } from "node:crypto";
import { startLocalOAuthProvider } from "../../../scripts/local-oauth-provider.mjs";
import {
  ACTION_TIMEOUT_MS,
  BASE,
  expectText,
  keepScreenshot,
  RUN_ID,
  signIn,
  uniqueEmail,
  until,
} from "../helpers.mjs";

/** The Authorization values the upstream has seen since `from`, without revealing them in errors. */
function authorizationsSince(upstream, from) {
  return upstream.requests.slice(from).map((request) => request.authorization);
}

/**
 * From the gallery to a working API-key connection, then its page: copy the id, test, rotate the key
 * (the upstream sees the new one), rename, delete.
 */
export async function apiKeyConnection({ page, context }, upstream) {
  await signIn(page, uniqueEmail("connection"), "E2E Connections");
  const connectionName = `E2E upstream ${RUN_ID}`;
  const apiKey = `e2e-key-${randomBytes(12).toString("hex")}`;
  const rotatedKey = `e2e-rotated-${randomBytes(12).toString("hex")}`;
  const verifyPath = "/v1/me";

  await page.getByTestId("add-connection").click();
  await page.getByLabel("Search providers").fill("custom api");
  await page.locator('[data-provider="custom_api"]').getByRole("link").click();
  await page.waitForURL((url) => url.pathname === "/connections/new/custom_api");

  await page.getByRole("radio", { name: "API key" }).check();
  await page.getByRole("textbox", { name: /^Name\b/ }).fill(connectionName);
  await page.getByRole("textbox", { name: /^Base URL\b/ }).fill(upstream.url);
  await page.getByLabel(/^API key\b/).fill(apiKey); // a password input has no textbox role
  await page.getByRole("textbox", { name: /^Verification path\b/ }).fill(verifyPath);

  // The draft test reaches the upstream with the key before anything is saved.
  await page.getByRole("button", { name: "Test before saving" }).click();
  await expectText(page.getByTestId("test-result"), "Test passed", "the unsaved connection's test passes", 30_000);

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForURL((url) => /^\/connections\/[0-9a-f-]{36}$/.test(url.pathname));
  await expectText(page.getByRole("heading", { level: 1 }), connectionName, "the detail page names the connection");
  await expectText(page.getByTestId("toasts"), `Saved “${connectionName}”`, "a notice confirms the save");

  // The id is shown and copies to the clipboard exactly.
  const id = (await page.getByTestId("connection-id").textContent())?.trim() ?? "";
  if (!page.url().endsWith(id)) throw new Error(`the page shows id ${id}, but the URL is ${page.url()}`);
  await page.getByRole("button", { name: "Copy the connection id" }).click();
  await until(
    "the clipboard holds the connection id",
    () => page.evaluate(() => navigator.clipboard.readText()),
    (text) => text === id,
  );
  const curl = (await page.getByTestId("snippet-curl").textContent()) ?? "";
  if (!curl.includes(`${BASE}/api/connections/${id}/proxy`) || !curl.includes("Authorization: Bearer"))
    throw new Error(`the curl snippet does not call this connection's proxy with an API key: ${curl}`);
  await keepScreenshot(page, "connection-detail");

  let seen = upstream.requests.length;
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await expectText(page.getByTestId("test-result"), "Test passed", "the saved connection's test passes", 30_000);
  const first = authorizationsSince(upstream, seen);
  if (first.length === 0 || first.some((value) => value !== `Bearer ${apiKey}`))
    throw new Error("the saved connection's test did not send the key it was created with");

  // Rotate the key: the next test must carry the new one, and never the old one again.
  await page.getByLabel("New API key").fill(rotatedKey);
  await page.getByRole("button", { name: "Replace secret" }).click();
  await expectText(page.getByTestId("toasts"), "Secret replaced", "a notice confirms the rotation");
  seen = upstream.requests.length;
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await until(
    "the test after rotating reaches the upstream",
    () => authorizationsSince(upstream, seen),
    (values) => values.length > 0,
    30_000,
  );
  if (authorizationsSince(upstream, seen).some((value) => value !== `Bearer ${rotatedKey}`))
    throw new Error("after rotating, the upstream did not receive the new key");

  // Moving the connection to another base URL needs its secret again (credential re-targeting).
  const settings = page.getByTestId("settings-form");
  await settings.getByRole("textbox", { name: /^Base URL\b/ }).fill(`${upstream.url}/moved`);
  await settings.getByRole("button", { name: "Save settings" }).click();
  await page
    .getByTestId("secrets-required")
    .waitFor({ state: "visible" })
    .catch(() => {
      throw new Error("changing the base URL did not ask for the secret again");
    });
  await settings.getByLabel(/^Re-enter api key/).fill(rotatedKey);
  await settings.getByRole("button", { name: "Save settings" }).click();
  await expectText(page.getByTestId("toasts"), "Settings saved", "a notice confirms the new base URL");
  seen = upstream.requests.length;
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await until(
    "the test after moving reaches the new base URL with the key",
    () => upstream.requests.slice(seen),
    (requests) =>
      requests.some((request) => request.url.startsWith("/moved") && request.authorization === `Bearer ${rotatedKey}`),
    30_000,
  );

  // Rename: the heading and the list follow; a second connection with the same name is refused next to the field.
  const renamed = `${connectionName} (renamed)`;
  const nameField = page.getByTestId("rename-form").getByRole("textbox", { name: /^Name\b/ });
  await nameField.fill(renamed);
  await page.getByRole("button", { name: "Rename" }).click();
  await expectText(page.getByRole("heading", { level: 1 }), renamed, "the heading shows the new name");
  await page.getByRole("link", { name: "Connections", exact: true }).first().click();
  await expectText(page.getByTestId("connections"), renamed, "the list shows the new name");

  // Delete from the detail page.
  await page.getByRole("link", { name: new RegExp(renamed.replace(/[()]/g, "\\$&")) }).click();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await page.getByRole("button", { name: "Delete connection" }).click();
  await page.waitForURL((url) => url.pathname === "/connections");
  await expectText(page.getByTestId("toasts"), `Deleted “${renamed}”`, "a notice confirms the deletion");

  const listed = await context.request.get(`${BASE}/api/connections`);
  if (listed.status() !== 200) throw new Error(`GET /api/connections answered ${listed.status()}`);
  if ((await listed.json()).data.some((connection) => connection.id === id))
    throw new Error("GET /api/connections still lists the deleted connection");
}

/** A custom OAuth 2.0 connection authorized in a popup against the local OAuth provider. */
export async function oauthPopupConnection({ page, context }) {
  const provider = await startLocalOAuthProvider({ autoApprove: true });
  try {
    await signIn(page, uniqueEmail("oauth"), "E2E OAuth");
    const connectionName = `E2E OAuth ${RUN_ID}`;
    await page.goto(`${BASE}/connections/new/custom_oauth2`);
    await page.getByRole("radio", { name: /^OAuth 2\.0 \(sign in/ }).check();
    await page.getByRole("textbox", { name: /^Name\b/ }).fill(connectionName);
    await page.getByRole("textbox", { name: /^Base URL\b/ }).fill(`${provider.url}/api`);
    await page.getByRole("textbox", { name: /^Client ID\b/ }).fill("e2e-client");
    await page.getByLabel(/^Client secret\b/).fill("e2e-secret");
    await page.getByRole("textbox", { name: /^Authorization URL\b/ }).fill(`${provider.url}/authorize`);
    await page.getByRole("textbox", { name: /^Token URL\b/ }).fill(`${provider.url}/token`);

    // The popup goes to the provider (auto-approving), back to our callback, posts to the opener, closes.
    const popupOpened = context.waitForEvent("page", { timeout: ACTION_TIMEOUT_MS });
    await page.getByRole("button", { name: /^Save and connect\b/ }).click();
    const popup = await popupOpened;
    await popup.waitForEvent("close", { timeout: 30_000 }).catch(() => {
      throw new Error(`the OAuth popup did not close (last URL: ${popup.url()})`);
    });
    await expectText(page.getByTestId("toasts"), "Connected", 'the page says "Connected"', 30_000);

    const listed = await context.request.get(`${BASE}/api/connections`);
    const connection = (await listed.json()).data.find((c) => c.name === connectionName);
    if (!connection) throw new Error("the OAuth connection is not listed");
    if (connection.status !== "active") throw new Error(`the OAuth connection is ${connection.status}, not active`);
    if (provider.state.counter < 2) throw new Error("the local provider issued no tokens");
    const proxied = await context.request.get(`${BASE}/api/connections/${connection.id}/proxy/me`);
    if (proxied.status() !== 200)
      throw new Error(`a call through the new OAuth connection answered ${proxied.status()}`);
  } finally {
    provider.close();
  }
}
