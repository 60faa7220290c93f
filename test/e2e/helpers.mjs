import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

// Shared by the browser-test scenarios (test/e2e/scenarios/*.mjs) and the runner (run.mjs).

/** The port the dev server listens on: `E2E_PORT` (default 8787), so parallel checkouts do not collide. */
export const PORT = Number(process.env.E2E_PORT ?? 8787);
export const BASE = `http://localhost:${PORT}`;
export const ARTIFACTS = fileURLToPath(new URL("./artifacts/", import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
export const ACTION_TIMEOUT_MS = 15_000;
const NAVIGATION_TIMEOUT_MS = 30_000;

/** A run-unique suffix, so nothing depends on (or collides with) state left by earlier runs. */
export const RUN_ID = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
let emailCounter = 0;
export const uniqueEmail = (label) => `e2e-${label}-${RUN_ID}-${++emailCounter}@example.test`;

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// A local upstream API for the connection scenarios: answers JSON and records what it was sent.

export async function startUpstream() {
  /** @type {Array<{ method: string; url: string; authorization: string | undefined; body: string }>} */
  const requests = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString();
    requests.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, body });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true, user: "e2e" }));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Browser helpers.

/** Browsers currently open, closed at once on SIGINT/SIGTERM/SIGHUP. */
export const openContexts = new Set();

let browserCounter = 0;

/** A fresh Chromium with its own new profile directory; closed and removed by `close()`. */
export async function openBrowser({ width = 1280, height = 900 } = {}) {
  // Each browser is its own client address, as separate people would be: the sign-in rate limit
  // (20 a minute per address) is then not shared by every scenario of the run.
  const address = `198.51.100.${(++browserCounter % 250) + 1}`;
  const profile = mkdtempSync(join(tmpdir(), "e2e-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width, height },
    // The copy buttons write to the clipboard; the scenarios read it back.
    permissions: ["clipboard-read", "clipboard-write"],
    extraHTTPHeaders: { "cf-connecting-ip": address },
    // Signals are handled by run.mjs (stop the dev server, print the summary); Playwright would exit at once.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  openContexts.add(context);
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // The app asks /api/auth/me while signed out; that 401 is expected, not a problem.
    if (message.type() === "error" && !message.text().includes("status of 401"))
      problems.push(`console error: ${message.text()}`);
  });
  return {
    context,
    page,
    problems,
    close: async () => {
      openContexts.delete(context);
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Polls until `read()` satisfies `check`; the error names what was last seen. */
export async function until(what, read, check, timeout = ACTION_TIMEOUT_MS) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await read();
      if (check(last)) return last;
    } catch (error) {
      last = `(${error.message.split("\n")[0]})`;
    }
    if (Date.now() > deadline) throw new Error(`${what} (last seen: ${JSON.stringify(last)})`);
    await delay(200);
  }
}

const textOf = (locator) => () => locator.textContent({ timeout: 1_000 });
const matches = (expected) => (text) =>
  typeof text === "string" && (expected instanceof RegExp ? expected.test(text) : text.includes(expected));

export function expectText(locator, expected, what, timeout) {
  return until(what ?? `expected text ${expected}`, textOf(locator), matches(expected), timeout);
}

/** The session cookie header for BASE, as the browser holds it now. */
export async function cookieHeader(context) {
  const cookies = await context.cookies(BASE);
  return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
}

/** Signs in through the landing page and the dev identity provider; lands on /connections. */
export async function signIn(page, email, name) {
  await page.goto(`${BASE}/`);
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/api/auth/dev/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/connections");
  await page.getByTestId("account-menu").click();
  await expectText(page.getByTestId("signed-in-as"), email, `the account menu shows "Signed in as ${email}"`);
  await page.keyboard.press("Escape");
}

/** A screenshot kept as a CI artifact: test/e2e/artifacts/<name>.png. */
export async function keepScreenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true, timeout: 10_000 });
}

/** Fails when the page is wider than its viewport (a horizontal scrollbar on a phone). */
export async function expectNoHorizontalOverflow(page, where) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  if (scrollWidth > innerWidth) throw new Error(`${where} is ${scrollWidth} px wide in a ${innerWidth} px viewport`);
}

/** Fails when an image on the page did not load (a broken-image icon). */
export async function expectNoBrokenImages(page, where) {
  await page.waitForLoadState("load");
  const broken = await page.evaluate(() =>
    [...document.images].filter((image) => image.complete && image.naturalWidth === 0).map((image) => image.src),
  );
  if (broken.length > 0) throw new Error(`${where} shows broken images: ${broken.join(", ")}`);
}
