import {
  BASE,
  expectNoHorizontalOverflow,
  expectText,
  keepScreenshot,
  signIn,
  uniqueEmail,
  until,
} from "../helpers.mjs";

const cardNames = (page) => page.getByTestId("provider-card").locator(".card-title").allTextContents();

/** The provider gallery: grouped by category, searchable, an empty result that points to the generic providers. */
export async function gallerySearch({ page }) {
  await signIn(page, uniqueEmail("gallery"), "E2E Gallery");
  await page.getByTestId("add-connection").click();
  await page.waitForURL((url) => url.pathname === "/connections/new");
  const all = await until(
    "the gallery lists the catalog",
    () => cardNames(page),
    (names) => names.length >= 55,
  );
  for (const heading of ["AI", "CRM", "Project management", "Payments and commerce"]) {
    await page.getByRole("heading", { name: heading, exact: true }).waitFor();
  }
  await keepScreenshot(page, "gallery");

  await page.getByLabel("Search providers").fill("hub");
  const found = await until(
    'searching "hub" narrows the gallery to HubSpot (and GitHub-like names only if they match)',
    () => cardNames(page),
    (names) => names.includes("HubSpot") && names.length < all.length,
  );
  if (found.includes("Stripe")) throw new Error(`searching "hub" still shows Stripe: ${found.join(", ")}`);

  await page.getByLabel("Search providers").fill("crm");
  await until(
    'searching "crm" finds the CRM category',
    () => cardNames(page),
    (names) => ["HubSpot", "Salesforce", "Pipedrive", "Zoho CRM"].every((name) => names.includes(name)),
  );

  await page.getByLabel("Search providers").fill("no such provider zzz");
  await expectText(page.locator(".state-empty"), "No provider matches", "an empty search says nothing matches");
  await page.getByRole("link", { name: "Custom API" }).waitFor();
  await keepScreenshot(page, "gallery-empty-search");
}

/** An OAuth-only provider whose app this deployment lacks: marked in the gallery, explained on its page. */
export async function unconfiguredProvider({ page }) {
  await signIn(page, uniqueEmail("unconfigured"), "E2E Unconfigured");
  await page.goto(`${BASE}/connections/new`);
  await page.getByLabel("Search providers").fill("gmail");
  const card = page.locator('[data-provider="google_gmail"]');
  await expectText(card, "OAuth not set up", "the Gmail card is marked as not set up");
  await card.getByRole("link").click();
  await page.waitForURL((url) => url.pathname === "/connections/new/google_gmail");
  const explanation = page.getByTestId("oauth-unconfigured");
  await expectText(explanation, "GOOGLE_CLIENT_ID", "the page names the setting that enables Gmail");
  await expectText(explanation, "GOOGLE_CLIENT_SECRET", "the page names the secret too");
  if ((await page.getByRole("button", { name: /^Connect with/ }).count()) !== 0)
    throw new Error("an unconfigured provider still offers a Connect button that can only fail");
  await keepScreenshot(page, "unconfigured-provider");
}

/** The 390 px phone layout: no horizontal scrolling, the navigation behind a Menu button. */
export async function phoneLayout({ page }) {
  await page.setViewportSize({ width: 390, height: 844 });
  {
    await page.goto(`${BASE}/`);
    await page.getByRole("link", { name: "Sign in" }).waitFor();
    await expectNoHorizontalOverflow(page, "the landing page");
    await keepScreenshot(page, "phone-landing");
    await signIn(page, uniqueEmail("phone"), "E2E Phone");
    await expectNoHorizontalOverflow(page, "the connections page");

    const nav = page.getByRole("navigation", { name: "Main" });
    if (await nav.isVisible()) throw new Error("the navigation is expanded on a phone before opening the menu");
    await page.getByRole("button", { name: "Menu" }).click();
    await nav.getByRole("link", { name: "Connections" }).waitFor({ state: "visible" });
    await keepScreenshot(page, "phone-menu");
    await nav.getByRole("link", { name: "Connections" }).click();

    await page.goto(`${BASE}/connections/new`);
    await page.getByTestId("provider-card").first().waitFor();
    await expectNoHorizontalOverflow(page, "the gallery");
    await keepScreenshot(page, "phone-gallery");

    await page.goto(`${BASE}/connections/new/custom_api`);
    await page.getByRole("radio", { name: "API key" }).check();
    await page.getByRole("textbox", { name: /^Name\b/ }).fill("Phone API");
    await page.getByRole("textbox", { name: /^Base URL\b/ }).fill("https://api.example.com");
    await page.getByLabel(/^API key\b/).fill("phone-key");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByTestId("connection-id").waitFor();
    await expectNoHorizontalOverflow(page, "the connection page");
    await keepScreenshot(page, "phone-connection");
  }
}
