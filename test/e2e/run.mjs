#!/usr/bin/env node
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
// Browser end-to-end tests: starts the product the way a newcomer does (`npm run dev`), then drives
// Debian's Chromium through the main user journeys with playwright-core.
//
//   node test/e2e/run.mjs            (or: npm run test:e2e)
//
// Needs /usr/bin/chromium (Debian: `apt-get install chromium`; override with CHROMIUM_PATH) and
// port 8787 free. Prints one PASS/FAIL line per scenario and a final `N passed, M failed` line; exits
// 1 if anything failed. On failure a screenshot goes to test/e2e/artifacts/<scenario>.png; the dev
// server's output always goes to test/e2e/artifacts/dev-server.log. The dev server runs in its own
// process group, which is killed on the way out (also on failure, SIGINT and SIGTERM).
import { startLocalOAuthProvider } from "../../scripts/local-oauth-provider.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ARTIFACTS = fileURLToPath(new URL("./artifacts/", import.meta.url));
const PORT = 8787;
const BASE = `http://localhost:${PORT}`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const STARTUP_TIMEOUT_MS = 90_000;
const ACTION_TIMEOUT_MS = 15_000;
const NAVIGATION_TIMEOUT_MS = 30_000;
const SCENARIO_TIMEOUT_MS = 120_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;

/** A run-unique suffix, so nothing depends on (or collides with) state left by earlier runs. */
const RUN_ID = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
let emailCounter = 0;
const uniqueEmail = (label) => `e2e-${label}-${RUN_ID}-${++emailCounter}@example.test`;

const elapsed = (start) => `${((performance.now() - start) / 1000).toFixed(1)} s`;
const log = (message) => console.log(`[e2e] ${message}`);

// ---------------------------------------------------------------------------------------------
// Dev server: `npm run dev` in its own process group.

/** @type {import("node:child_process").ChildProcess | null} */
let devServer = null;
let devServerExited = false;
const devOutputTail = [];

function startDevServer() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const logFile = createWriteStream(join(ARTIFACTS, "dev-server.log"));
  const child = spawn("npm", ["run", "dev"], {
    cwd: ROOT,
    detached: true, // its own process group: one kill(-pid) reaches npm, wrangler and workerd
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  const keep = (chunk) => {
    logFile.write(chunk);
    for (const line of chunk.toString().split("\n")) {
      if (!line.trim()) continue;
      devOutputTail.push(line);
      if (devOutputTail.length > 40) devOutputTail.shift();
    }
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.on("exit", (code, signal) => {
    devServerExited = true;
    logFile.end(`\n[e2e] npm run dev exited (code ${code}, signal ${signal})\n`);
  });
  devServer = child;
  return child;
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Stops the whole dev-server process group: SIGTERM, then SIGKILL after a bounded wait. Idempotent. */
let stopping = null;
function stopDevServer() {
  stopping ??= (async () => {
    const pgid = devServer?.pid;
    if (!pgid) return;
    signalGroup(pgid, "SIGTERM");
    const deadline = Date.now() + SHUTDOWN_TIMEOUT_MS;
    while (groupAlive(pgid) && Date.now() < deadline) await delay(100);
    if (groupAlive(pgid)) {
      log("dev server did not stop on SIGTERM; sending SIGKILL");
      signalGroup(pgid, "SIGKILL");
      const killDeadline = Date.now() + 5_000;
      while (groupAlive(pgid) && Date.now() < killDeadline) await delay(100);
    }
    if (groupAlive(pgid)) log(`WARNING: processes of group ${pgid} are still running`);
    else devServer = null;
  })();
  return stopping;
}

// Last resort if the process dies some other way: nothing of the dev server may outlive the run.
process.on("exit", () => {
  if (devServer?.pid) signalGroup(devServer.pid, "SIGKILL");
});
// Interrupted: stop the dev server at once and let the run wind down (the scenario in progress fails,
// the rest are skipped, the summary prints); give up waiting after a few seconds. A second signal exits now.
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`${signal}: stopping the browser and the dev server`);
    for (const context of openContexts) context.close().catch(() => {});
    stopDevServer().finally(() => setTimeout(() => process.exit(130), 5_000).unref());
  });
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True if something already listens on the port (a leftover `wrangler dev` would be tested instead). */
function portInUse(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.setTimeout(2_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitForHealth() {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (devServerExited) throw new Error("`npm run dev` exited before the server answered");
    try {
      const response = await fetch(`${BASE}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await delay(500);
  }
  throw new Error(`GET /api/health did not answer 200 within ${STARTUP_TIMEOUT_MS / 1000} s (last: ${last})`);
}

// ---------------------------------------------------------------------------------------------
// A local upstream API for the connection scenario: answers JSON and records what it was sent.

async function startUpstream() {
  /** @type {Array<{ method: string; url: string; authorization: string | undefined }>} */
  const requests = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization });
    req.resume();
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
const openContexts = new Set();

/** A fresh Chromium with its own new profile directory; closed and removed by `close()`. */
async function openBrowser() {
  const profile = mkdtempSync(join(tmpdir(), "e2e-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    // Signals are handled below (stop the dev server, print the summary); Playwright would exit at once.
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
async function until(what, read, check, timeout = ACTION_TIMEOUT_MS) {
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

function expectText(locator, expected, what, timeout) {
  return until(what ?? `expected text ${expected}`, textOf(locator), matches(expected), timeout);
}

/** The session cookie header for BASE, as the browser holds it now. */
async function cookieHeader(context) {
  const cookies = await context.cookies(BASE);
  return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
}

async function signIn(page, email, name) {
  await page.goto(`${BASE}/`);
  const signInLink = page.getByRole("link", { name: "Sign in" });
  await signInLink.click();
  await page.waitForURL((url) => url.pathname === "/api/auth/dev/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${BASE}/`);
  await expectText(page.getByTestId("signed-in-as"), email, `the page shows "Signed in as … (${email})"`);
}

// ---------------------------------------------------------------------------------------------
// Scenarios. Each gets a fresh browser; a thrown error is its FAIL reason.

async function signInAndOut({ page, context }) {
  await page.goto(`${BASE}/`);
  await expectText(page.getByTestId("health-status"), /^ok$/, 'the service status shows "ok"');

  const email = uniqueEmail("signin");
  await signIn(page, email, "E2E Sign In");

  const cookie = await cookieHeader(context);
  if (!cookie) throw new Error("no cookie for localhost after signing in");
  const before = await fetch(`${BASE}/api/auth/me`, { headers: { cookie, accept: "application/json" } });
  if (before.status !== 200) throw new Error(`/api/auth/me with the session cookie answered ${before.status}, not 200`);

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.getByRole("link", { name: "Sign in" }).waitFor({ state: "visible" });
  if ((await page.getByTestId("signed-in-as").count()) !== 0) throw new Error("still shows who is signed in");

  const after = await fetch(`${BASE}/api/auth/me`, { headers: { cookie, accept: "application/json" } });
  if (after.status !== 401) throw new Error(`/api/auth/me with the old cookie answered ${after.status}, not 401`);
}

async function apiKeyConnection({ page, context }, upstream) {
  const email = uniqueEmail("connection");
  await signIn(page, email, "E2E Connections");

  const heading = page.getByRole("heading", { name: "Connections", exact: true });
  await heading.waitFor({ state: "visible" }).catch(() => {
    throw new Error("the connections UI is not on the page after signing in (no “Connections” heading)");
  });

  const connectionName = `E2E upstream ${RUN_ID}`;
  const apiKey = `e2e-key-${randomBytes(12).toString("hex")}`;
  const verifyPath = "/v1/me";

  await page.getByLabel("Provider").selectOption({ label: "Custom API" });
  await page.getByRole("radio", { name: "API key" }).check();
  await page.getByRole("textbox", { name: /^Name\b/ }).fill(connectionName);
  await page.getByRole("textbox", { name: /^Base URL\b/ }).fill(upstream.url);
  await page.getByLabel(/^API key\b/).fill(apiKey); // a password input has no textbox role
  await page.getByRole("textbox", { name: /^Verification path\b/ }).fill(verifyPath);

  // The draft test reaches the upstream with the key before anything is saved.
  await page.getByRole("button", { name: "Test before saving" }).click();
  const draftResult = page.locator("form").getByTestId("test-result");
  await expectText(draftResult, "Test passed", 'the unsaved connection\'s test shows "Test passed"', 30_000);

  await page.getByRole("button", { name: "Save", exact: true }).click();
  const row = page
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: connectionName, exact: true }) });
  await row.waitFor({ state: "visible" }).catch(() => {
    throw new Error(`the saved connection “${connectionName}” did not appear in the list`);
  });

  const seenBefore = upstream.requests.length;
  await row.getByRole("button", { name: "Test", exact: true }).click();
  await expectText(
    row.getByTestId("test-result"),
    "Test passed",
    'the saved connection\'s test shows "Test passed"',
    30_000,
  );

  const expectedAuth = `Bearer ${apiKey}`;
  const saved = upstream.requests.slice(seenBefore);
  if (saved.length === 0) throw new Error("the upstream server received no request from the saved connection's test");
  const wrong = upstream.requests.filter((request) => request.authorization !== expectedAuth);
  if (wrong.length > 0) {
    throw new Error(
      `the upstream saw ${wrong.length} request(s) without "Authorization: Bearer <key>": ${JSON.stringify(
        wrong.map((request) => ({ ...request, authorization: request.authorization ? "(other value)" : "(none)" })),
      )}`,
    );
  }
  const offPath = upstream.requests.filter((request) => new URL(request.url, upstream.url).pathname !== verifyPath);
  if (offPath.length > 0) throw new Error(`the upstream saw requests off ${verifyPath}: ${JSON.stringify(offPath)}`);

  // Delete: accept a native confirm() if the UI uses one, or the in-page confirmation if it shows one.
  page.on("dialog", (dialog) => dialog.accept().catch(() => {}));
  await row.getByRole("button", { name: "Delete", exact: true }).click();
  const confirm = row.getByRole("button", { name: /^Delete connection$/ });
  let confirmed = false;
  await until(
    `the connection “${connectionName}” disappears after deleting it`,
    async () => {
      const count = await row.count();
      if (count > 0 && !confirmed && (await confirm.isVisible())) {
        await confirm.click();
        confirmed = true;
      }
      return count;
    },
    (count) => count === 0,
  );
  await expectText(
    page.getByTestId("connections-notice"),
    `Deleted “${connectionName}”`,
    "the page confirms the deletion",
  );

  // The server agrees: the connection is gone for this user.
  const listed = await context.request.get(`${BASE}/api/connections`);
  if (listed.status() !== 200) throw new Error(`GET /api/connections answered ${listed.status()}`);
  const body = await listed.json();
  if (body.data.some((connection) => connection.name === connectionName)) {
    throw new Error("GET /api/connections still lists the deleted connection");
  }
}

// ---------------------------------------------------------------------------------------------

async function oauthPopupConnection({ page, context }) {
  const provider = await startLocalOAuthProvider({ autoApprove: true });
  try {
    await signIn(page, uniqueEmail("oauth"), "E2E OAuth");
    const connectionName = `E2E OAuth ${RUN_ID}`;
    await page.getByLabel("Provider").selectOption({ label: "Custom OAuth 2.0" });
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
    await expectText(page.getByTestId("connections-notice"), "Connected", 'the page says "Connected"', 30_000);

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

/** @type {Array<{ name: string; run: (browser: Awaited<ReturnType<typeof openBrowser>>) => Promise<void> }>} */
const scenarios = [
  { name: "sign-in-and-out", run: signInAndOut },
  { name: "oauth-popup-connection", run: oauthPopupConnection },
  {
    name: "api-key-connection",
    run: async (browser) => {
      const upstream = await startUpstream();
      try {
        await apiKeyConnection(browser, upstream);
      } finally {
        await upstream.close();
      }
    },
  },
];

async function runScenario(scenario) {
  const start = performance.now();
  let browser;
  try {
    browser = await openBrowser();
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`scenario took longer than ${SCENARIO_TIMEOUT_MS / 1000} s`)),
        SCENARIO_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([scenario.run(browser), timeout]);
    } finally {
      clearTimeout(timer);
    }
    console.log(`PASS ${scenario.name} (${elapsed(start)})`);
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    console.log(`FAIL ${scenario.name} (${elapsed(start)}): ${reason}`);
    if (browser) {
      const shot = join(ARTIFACTS, `${scenario.name}.png`);
      try {
        await browser.page.screenshot({ path: shot, fullPage: true, timeout: 10_000 });
        console.log(`     screenshot: ${shot}`);
      } catch (shotError) {
        console.log(`     (no screenshot: ${shotError.message.split("\n")[0]})`);
      }
      console.log(`     at ${browser.page.url()}`);
      for (const problem of browser.problems.slice(-5)) console.log(`     ${problem}`);
    }
    return false;
  } finally {
    await browser?.close();
  }
}

async function main() {
  const start = performance.now();
  mkdirSync(ARTIFACTS, { recursive: true });
  let passed = 0;
  let failed = 0;
  const failAll = (reason) => {
    for (const scenario of scenarios) console.log(`FAIL ${scenario.name}: ${reason}`);
    failed += scenarios.length;
  };

  if (!existsSync(CHROMIUM)) {
    failAll(`${CHROMIUM} not found (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  } else if (await portInUse(PORT)) {
    failAll(`port ${PORT} is already in use; stop whatever serves it (e.g. another \`npm run dev\`) first`);
  } else {
    log("starting `npm run dev` …");
    startDevServer();
    let ready = false;
    try {
      await waitForHealth();
      ready = true;
      log(`dev server healthy after ${elapsed(start)}`);
    } catch (error) {
      failAll(`dev server did not start: ${error.message}`);
      console.log("---- last lines of `npm run dev` (full log: test/e2e/artifacts/dev-server.log) ----");
      for (const line of devOutputTail) console.log(line);
      console.log("----");
    }
    if (ready) {
      for (const scenario of scenarios) {
        if (interrupted) break;
        if (await runScenario(scenario)) passed++;
        else failed++;
      }
    }
  }

  await stopDevServer();
  if (failed > 0) log("dev server output: test/e2e/artifacts/dev-server.log");
  log(`total ${elapsed(start)}`);
  console.log(`${passed} passed, ${failed} failed`);
  if (interrupted) return 130;
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (error) => {
    console.error(error);
    await stopDevServer();
    console.log("0 passed, 1 failed");
    process.exitCode = 1;
  },
);
