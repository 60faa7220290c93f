import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// The real MCP Inspector CLI (`@modelcontextprotocol/inspector`, a devDependency: it runs from node_modules,
// never downloaded at test time), driven the way its docs/cli-smoke-testing.md describes: one process per
// step, `--format json` on stdout, the exit code and a one-line `{"error":…}` envelope on stderr.
//
// The Inspector does the OAuth client's part itself — discovery, dynamic registration, PKCE S256, `resource`,
// the code exchange at its loopback callback listener, refresh — and keeps the tokens in its own store. The
// scenario plays only the user's part: it opens the URL the Inspector prints in Chromium, signs in and consents.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const LAUNCHER = join(ROOT, "node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js");
// The Inspector needs Node ≥ 22.19; the project pins Node 24 for its scripts (the `node` devDependency).
const PINNED_NODE = join(ROOT, "node_modules/node/bin/node");
const NODE = existsSync(PINNED_NODE) ? PINNED_NODE : process.execPath;

/** Every Inspector process still running; none may outlive the test run (an OAuth wait lasts 15 minutes). */
const runningEverywhere = new Set();
process.on("exit", () => {
  for (const child of runningEverywhere) child.kill("SIGKILL");
});

/** Exit codes of the Inspector CLI (its clients/cli/README.md "Exit codes & error envelopes"). */
export const INSPECTOR_EXIT = { OK: 0, AUTH_REQUIRED: 3, UNREACHABLE: 4, TOOL_ERROR: 5 };
const RUN_TIMEOUT_MS = 60_000;
const NAVIGATE_PROMPT = /Please navigate to: (\S+)/;

/**
 * One Inspector "installation": its own home, catalog, OAuth state and secret file in a fresh temporary
 * directory (so a run neither reads nor rotates a developer's real tokens), talking to `serverUrl` with
 * Streamable HTTP and receiving the OAuth redirect at `callbackUrl` (a loopback URL, RFC 8252 §7.3).
 *
 * @param {{ serverUrl: string; callbackUrl: string }} options
 */
export function createInspector({ serverUrl, callbackUrl }) {
  const home = mkdtempSync(join(tmpdir(), "e2e-inspector-"));
  const env = { ...process.env };
  // No desktop: `open` falls back to $BROWSER, which then does nothing — Chromium, driven by the scenario,
  // is the user's browser. (MCP_AUTO_OPEN_ENABLED=true is what lets interactive OAuth start without a TTY.)
  for (const name of ["DISPLAY", "WAYLAND_DISPLAY", "XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "MCP_DEBUG"])
    delete env[name];
  Object.assign(env, {
    HOME: home,
    MCP_STORAGE_DIR: home,
    MCP_INSPECTOR_OAUTH_STATE_PATH: join(home, "oauth.json"),
    MCP_INSPECTOR_SECRET_STORE: "file",
    MCP_INSPECTOR_SECRET_FILE: join(home, "secrets.json"),
    MCP_CATALOG_PATH: join(home, "mcp.json"),
    MCP_CLIENT_CONFIG_PATH: join(home, "client.json"),
    MCP_AUTO_OPEN_ENABLED: "true",
    BROWSER: "true",
    NO_COLOR: "1",
  });
  const base = ["--cli", "--transport", "http", "--server-url", serverUrl, "--format", "json"];
  /** @type {Set<import("node:child_process").ChildProcess>} */
  const running = new Set();

  /**
   * Runs `mcp-inspector <base> <args>`; resolves with the exit code, both streams and the parsed JSON
   * of stdout (or of the error envelope, stderr's last line). `onStderrLine` sees stderr as it comes.
   */
  function run(args, { onStderrLine, timeoutMs = RUN_TIMEOUT_MS } = {}) {
    const argv = [LAUNCHER, ...base, ...args];
    const child = spawn(NODE, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    runningEverywhere.add(child);
    let stdout = "";
    let stderr = "";
    let pending = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) onStderrLine?.(line);
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`the Inspector (${args.join(" ")}) did not finish within ${timeoutMs / 1000} s: ${stderr}`));
      }, timeoutMs);
      child.once("error", reject);
      child.once("close", (code) => {
        clearTimeout(timer);
        running.delete(child);
        runningEverywhere.delete(child);
        const parse = (text) => {
          try {
            return JSON.parse(text);
          } catch {
            return null;
          }
        };
        const lastLine = stderr.trim().split("\n").at(-1) ?? "";
        resolve({ code, stdout, stderr, result: parse(stdout)?.result, error: parse(lastLine)?.error });
      });
    });
  }

  return {
    home,
    /** The command a person would type for `args` (for the report and error messages). */
    commandLine: (args) => ["npx", "@modelcontextprotocol/inspector", ...base, ...args].join(" "),
    run,
    /**
     * Starts a run that needs the user's consent: resolves `authorizationUrl` as soon as the Inspector
     * prints it (after discovery and registration), and `finished` when the run ends (after the
     * callback, the token exchange and the method itself).
     */
    startInteractive(args) {
      let found;
      const authorizationUrl = new Promise((resolve) => {
        found = resolve;
      });
      const finished = run([...args, "--callback-url", callbackUrl], {
        onStderrLine: (line) => {
          const match = NAVIGATE_PROMPT.exec(line);
          if (match) found(match[1]);
        },
      });
      return {
        authorizationUrl: Promise.race([
          authorizationUrl,
          finished.then((outcome) => {
            throw new Error(`the Inspector ended (exit ${outcome.code}) before asking for consent: ${outcome.stderr}`);
          }),
        ]),
        finished,
      };
    },
    close() {
      for (const child of running) child.kill("SIGKILL");
      rmSync(home, { recursive: true, force: true });
    },
  };
}
