// Starts `wrangler dev` for a test or the fuzz harness, with its own env file (every name in it reaches
// the Worker: see wrangler.toml on `[secrets]`), its own persistence directory (a fresh local D1/KV, with
// migrations applied) and its own ports — never 8787. Stops it (the whole process group) on `stop()`.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Process environment for every local `wrangler dev` (npm run dev, tests, fuzz). wrangler 4.164 runs a local
 * trace collector by default (Local Explorer "Observability", stored under the persistence directory) that
 * ignores `[observability.traces] enabled = false` and records each outbound fetch span's `url.full` — with
 * a query-located API key in it. It is turned off so no local file ever holds a credential.
 */
export const LOCAL_DEV_ENV = { X_LOCAL_OBSERVABILITY: "false" };

/** The two secrets the Worker needs to serve at all, freshly generated. */
export function baseSecrets() {
  return {
    ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
    SESSION_SECRET: randomBytes(32).toString("base64"),
  };
}

/**
 * @param {{ port: number, inspectorPort: number, secrets: Record<string, string>, migrate?: boolean,
 *   timeoutMs?: number, env?: Record<string, string> }} options
 */
export async function startDevServer({
  port,
  inspectorPort,
  secrets,
  migrate = false,
  timeoutMs = 60_000,
  env = LOCAL_DEV_ENV,
}) {
  if (port === 8787) throw new Error("port 8787 is reserved");
  // A server already answering on the port would be mistaken for ours (with other secrets, other state).
  if (
    await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    )
  )
    throw new Error(`port ${port} is already in use: stop that server first`);
  const dir = mkdtempSync(join(tmpdir(), "dev-server-"));
  const envFile = join(dir, "env");
  const persistTo = join(dir, "state");
  writeFileSync(
    envFile,
    Object.entries(secrets)
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
      .join("\n"),
    { mode: 0o600 },
  );
  if (migrate) {
    execFileSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, CI: "1" },
    });
  }
  const output = [];
  const child = spawn(
    "npx",
    [
      "wrangler",
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--env-file",
      envFile,
      "--persist-to",
      persistTo,
      "--show-interactive-dev-session=false",
    ],
    { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env, CI: "1" } },
  );
  child.stdout.on("data", (chunk) => output.push(String(chunk)));
  child.stderr.on("data", (chunk) => output.push(String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  // Whatever ends this process (an assertion, a crash), the dev server does not outlive it.
  process.once("exit", stop);
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) {
      stop();
      throw new Error(`wrangler dev exited (${child.exitCode}):\n${output.join("")}`);
    }
    try {
      const response = await fetch(`${url}/api/ping`);
      if (response.ok) break;
    } catch {}
    if (Date.now() - started > timeoutMs) {
      stop();
      throw new Error(`wrangler dev did not answer within ${timeoutMs} ms:\n${output.join("")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, output, stop, persistTo };
}

/** A minimal cookie-keeping client for the dev server (same-origin `Origin` on unsafe methods). */
export function client(baseUrl, appOrigin = "http://localhost:8787") {
  const cookies = new Map();
  return {
    cookies,
    async request(path, init = {}) {
      const headers = new Headers(init.headers);
      if (cookies.size > 0 && !headers.has("cookie"))
        headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
      const method = (init.method ?? "GET").toUpperCase();
      if (!["GET", "HEAD"].includes(method) && !headers.has("origin")) headers.set("origin", appOrigin);
      const response = await fetch(new URL(path, baseUrl), { ...init, headers, redirect: "manual" });
      for (const header of response.headers.getSetCookie()) {
        const [pair] = header.split(";");
        const [name, ...rest] = pair.split("=");
        const value = rest.join("=");
        if (!value || /max-age=0/i.test(header)) cookies.delete(name.trim());
        else cookies.set(name.trim(), value);
      }
      return response;
    },
  };
}

/** Signs in through the dev identity provider (SPEC §5.2) and returns the signed-in client. */
export async function signIn(baseUrl, email = `fuzz-${randomBytes(4).toString("hex")}@example.com`) {
  const browser = client(baseUrl);
  const authorize = await browser.request("/api/auth/authorize");
  const login = new URL(authorize.headers.get("location"), baseUrl);
  const state = login.searchParams.get("state");
  const submitted = await browser.request("/api/auth/dev/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, name: "Fuzz", state }).toString(),
  });
  const callback = new URL(submitted.headers.get("location"), baseUrl);
  const final = await browser.request(`${callback.pathname}${callback.search}`);
  if (final.status !== 302) throw new Error(`sign-in failed: ${final.status}`);
  return browser;
}

/** Every file under `directory` (recursively) whose bytes contain one of `needles`, as relative paths. */
export function filesContaining(directory, needles) {
  const hits = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const bytes = readFileSync(path);
        for (const needle of needles)
          if (bytes.includes(needle)) hits.push(`${path.slice(directory.length)}: ${needle}`);
      }
    }
  };
  walk(directory);
  return hits;
}
