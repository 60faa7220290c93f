#!/usr/bin/env node
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
// Browser end-to-end tests: starts the product the way a newcomer does (`npm run dev`), then drives
// Debian's Chromium through the main user journeys with playwright-core.
//
//   node test/e2e/run.mjs            (or: npm run test:e2e)
//   E2E_PORT=8851 node test/e2e/run.mjs   (another port; APP_URL follows it)
//   E2E_ONLY=mcp-inspector-workflow npm run test:e2e   (only the named scenarios, comma-separated)
//
// Needs /usr/bin/chromium (Debian: `apt-get install chromium`; override with CHROMIUM_PATH) and the
// port free. Prints one PASS/FAIL line per scenario and a final `N passed, M failed` line; exits 1 if
// anything failed. Screenshots of the journeys (and, on failure, of the failing page) go to
// test/e2e/artifacts/ (kept by CI); so does the dev server's output (dev-server.log). The dev server
// runs in its own process group, which is killed on the way out (also on failure, SIGINT and SIGTERM).
import { ARTIFACTS, BASE, CHROMIUM, delay, openBrowser, openContexts, PORT, startUpstream } from "./helpers.mjs";
import { signInAndOut } from "./scenarios/account.mjs";
import { apiKeyLifecycle } from "./scenarios/api-keys.mjs";
import { apiKeyConnection, oauthPopupConnection } from "./scenarios/connections.mjs";
import { gallerySearch, phoneLayout, unconfiguredProvider } from "./scenarios/gallery.mjs";
import { mcpInspectorGateway, mcpInspectorWorkflow } from "./scenarios/mcp-inspector.mjs";
import { pagesDeployment } from "./scenarios/pages.mjs";
import { workflowCreateRunWatch } from "./scenarios/workflows.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const STARTUP_TIMEOUT_MS = 90_000;
const SCENARIO_TIMEOUT_MS = 120_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;
/** `E2E_ONLY=name[,name]` runs only those scenarios (the dev server still starts as usual). */
const ONLY = (process.env.E2E_ONLY ?? "").split(",").filter(Boolean);

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
  // On another port, APP_URL must follow: it is the OAuth redirect base and the CSRF origin.
  const args = ["run", "dev", "--", "--port", String(PORT), "--var", `APP_URL:${BASE}`];
  const child = spawn("npm", args, {
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

/** @type {Array<{ name: string; run: (browser: Awaited<ReturnType<typeof openBrowser>>) => Promise<void> }>} */
const scenarios = [
  { name: "sign-in-and-out", run: signInAndOut },
  { name: "gallery-search", run: gallerySearch },
  { name: "unconfigured-provider", run: unconfiguredProvider },
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
  { name: "oauth-popup-connection", run: oauthPopupConnection },
  { name: "api-key-lifecycle", run: apiKeyLifecycle },
  { name: "phone-layout-390", run: phoneLayout },
  { name: "pages-deployment", run: pagesDeployment },
  { name: "workflow-create-run-watch", run: workflowCreateRunWatch },
  { name: "mcp-inspector-workflow", run: mcpInspectorWorkflow },
  { name: "mcp-inspector-gateway", run: mcpInspectorGateway },
].filter((scenario) => ONLY.length === 0 || ONLY.includes(scenario.name));

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
      const shot = join(ARTIFACTS, `FAILED-${scenario.name}.png`);
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
