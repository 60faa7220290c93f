#!/usr/bin/env node
// `npm run fuzz`: a bounded fuzz pass over every route of the API under `wrangler dev` (issue 14, "done
// when"). Sends malformed JSON, wrong types, CR/LF/NUL, 100k-character strings, 20 MB bodies, odd methods,
// odd content types and encodings, odd paths and query strings to every route, then checks:
//   1. no response from the app is ≥ 500 (an app response carries `x-request-id`; a 5xx without one comes
//      from the platform — the dev proxy or the runtime — and is listed by name, separately);
//   2. a refused request (4xx, or a reset connection) wrote nothing: every local SQLite database (D1, KV,
//      Durable Objects) has the same content before and after it — except rate-limit counters, session
//      `last_seen_at` touches and audit events (queued, so not attributable to one request; see fingerprint()).
// Two passes, so no route answers "not configured" (503): pass 1 signs in with the dev identity provider and
// covers every route (GitHub's OAuth app configured through the env file); pass 2 configures WorkOS against
// the WorkOS fake (test/fakes/workos.ts, bundled with esbuild, served over HTTP) and covers the routes that
// only exist with WorkOS (Magic Auth, SSO, WorkOS webhooks, the WorkOS sign-in redirect).
// Exits 1 on any finding. Ports: FUZZ_PORT (default 8865); upstream +1, inspector +2, WorkOS fake +3,
// second server +4 (its inspector −1) — 8864-8869 by default, never 8787.
// Bounded: at most FUZZ_MAX_REQUESTS (default 8000) requests and FUZZ_MAX_SECONDS (default 1500) seconds;
// routes not reached within the bound are listed (a full pass takes ~4,000 requests, minutes on a busy machine).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { Agent, createServer, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { baseSecrets, root, signIn, startDevServer } from "./dev-server.mjs";

const PORT = Number(process.env.FUZZ_PORT ?? 8865);
const MAX_REQUESTS = Number(process.env.FUZZ_MAX_REQUESTS ?? 8000);
const MAX_SECONDS = Number(process.env.FUZZ_MAX_SECONDS ?? 1500);
const APP_ORIGIN = "http://localhost:8787";
/** FUZZ_ONLY=<regex>: only the routes whose path matches (both passes). */
const ONLY = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : null;
const selected = (routes) => (ONLY ? routes.filter((route) => ONLY.test(route.path)) : routes);
const started = Date.now();

// ─── The local upstream the fuzz connection points at (the proxy forwards there) ───────────────────────
const upstream = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.setHeader("content-type", "application/json");
    res.end('{"ok":true}');
  });
});
await new Promise((resolve) => upstream.listen(PORT + 1, "127.0.0.1", resolve));

// The WorkOS fake for pass 2: the same fake the workerd tests use, bundled for Node and served over HTTP.
const fakeBundle = join(mkdtempSync(join(tmpdir(), "fuzz-fake-")), "workos.mjs");
execFileSync(
  "npx",
  [
    "esbuild",
    join(root, "test/fakes/workos.ts"),
    "--bundle",
    "--platform=node",
    "--format=esm",
    `--outfile=${fakeBundle}`,
    "--log-level=warning",
  ],
  { cwd: root, stdio: "inherit" },
);
const { createFakeWorkOS } = await import(pathToFileURL(fakeBundle).href);
const fakeWorkOS = createFakeWorkOS();
const workosServer = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = ["GET", "HEAD"].includes(req.method) ? undefined : Buffer.concat(chunks);
  const response = await fakeWorkOS.fetch(
    new Request(`https://${fakeWorkOS.hostname}${req.url}`, { method: req.method, headers: req.headers, body }),
  );
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
await new Promise((resolve) => workosServer.listen(PORT + 3, "127.0.0.1", resolve));

const server = await startDevServer({
  port: PORT,
  inspectorPort: PORT + 2,
  secrets: { ...baseSecrets(), GITHUB_CLIENT_ID: "fuzz-github-client", GITHUB_CLIENT_SECRET: "fuzz-github-secret" },
  migrate: true,
});
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
let target = server;

/** One raw HTTP request (any method, raw bytes, no client-side normalisation) to the current server. */
function send({ method, path, headers = {}, body }) {
  const port = Number(new URL(target.url).port);
  return new Promise((resolve) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers, agent, timeout: 30_000 }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => {
        if (chunks.length < 8) chunks.push(chunk);
      });
      res.on("end", () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString().slice(0, 300) }),
      );
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (error) => resolve({ status: 0, headers: {}, body: String(error.code ?? error.message) }));
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

// ─── The fuzz user, with one connection per shape the routes care about ─────────────────────────────────
const browser = await signIn(server.url);
const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
async function createConnection(body) {
  const response = await browser.request("/api/connections", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`fuzz setup failed: ${response.status} ${await response.text()}`);
  return (await response.json()).data.id;
}
const apiKeyId = await createConnection({
  name: "fuzz api key",
  provider: "custom_api",
  connection_method: "api_key",
  base_url: `http://127.0.0.1:${PORT + 1}`,
  data: { api_key: "sk-fuzz-secret", key_location: "query", key_name: "key" },
});
const bearerId = await createConnection({
  name: "fuzz bearer",
  provider: "custom_api",
  connection_method: "bearer",
  base_url: `http://127.0.0.1:${PORT + 1}/v1`,
  data: { token: "fuzz-bearer-secret" },
});

// ─── Every route (src/**/routes*, mounted in src/app.ts), with a plausible valid body where it takes one ─
const validConnection = {
  name: "fuzz created",
  provider: "custom_api",
  connection_method: "api_key",
  base_url: "http://127.0.0.1:9/",
  data: { api_key: "k" },
};
const ROUTES = [
  { method: "GET", path: "/api/ping" },
  { method: "GET", path: "/api/health" },
  { method: "GET", path: "/api/auth/authorize?provider=authkit&return_to=/x" },
  { method: "GET", path: "/api/auth/callback?code=x&state=y" },
  { method: "GET", path: "/api/auth/me" },
  { method: "POST", path: "/api/auth/logout", noCookie: true },
  { method: "POST", path: "/api/auth/sessions/revoke-all", noCookie: true },
  { method: "GET", path: "/api/auth/dev/login?state=x" },
  {
    method: "POST",
    path: "/api/auth/dev/login",
    form: { email: "a@example.com", name: "A", state: "x" },
    bigBody: true,
  },
  { method: "GET", path: "/api/admin/encryption" },
  { method: "GET", path: "/api/admin/encryption/reencrypt/x" },
  { method: "POST", path: "/api/admin/encryption/reencrypt", body: {} },
  { method: "GET", path: "/api/admin/organizations" },
  { method: "GET", path: "/api/admin/organizations/x/users" },
  { method: "POST", path: "/api/admin/sso/create", body: { organization_id: "x" } },
  { method: "GET", path: "/api/providers" },
  { method: "GET", path: "/api/connections" },
  {
    method: "POST",
    path: "/api/connections",
    body: validConnection,
    bigBody: true,
    fields: ["default_headers", "timeout_ms", "metadata", "mcp_server_url", "verify_request"],
  },
  { method: "POST", path: "/api/connections/test", body: { ...validConnection, name: undefined } },
  { method: "GET", path: `/api/connections/${apiKeyId}` },
  {
    method: "PATCH",
    path: `/api/connections/${apiKeyId}`,
    body: { name: "fuzz api key" },
    fields: ["base_url", "default_headers", "status", "retries"],
  },
  { method: "PUT", path: `/api/connections/${bearerId}`, body: { timeout_ms: 5000 } },
  { method: "GET", path: `/api/connections/${apiKeyId}/status` },
  { method: "POST", path: `/api/connections/${apiKeyId}/test` },
  { method: "GET", path: `/api/connections/${apiKeyId}/proxy/v1/me?page=1` },
  { method: "POST", path: `/api/connections/${bearerId}/proxy/items`, body: { a: 1 }, bigBody: true },
  { method: "DELETE", path: "/api/connections/00000000-0000-0000-0000-000000000000" },
  { method: "GET", path: "/api/oauth/github/authorize" },
  { method: "GET", path: "/api/oauth/github/callback?code=x&state=y" },
  {
    method: "POST",
    path: "/api/webhooks/send",
    body: { url: "https://example.com/hook", payload: {} },
    bigBody: true,
    fields: ["headers", "method", "mode", "retry", "connection_id", "signing_secret"],
  },
  // Workflows, agents, executions (SPEC §7).
  { method: "GET", path: "/api/workflows" },
  { method: "POST", path: "/api/workflows", body: { name: "fuzz", definition: { steps: [] } } },
  { method: "GET", path: "/api/workflows/00000000-0000-0000-0000-000000000000" },
  { method: "PATCH", path: "/api/workflows/00000000-0000-0000-0000-000000000000", body: { name: "x" } },
  { method: "DELETE", path: "/api/workflows/00000000-0000-0000-0000-000000000000" },
  { method: "POST", path: "/api/workflows/00000000-0000-0000-0000-000000000000/execute", body: { input: {} } },
  { method: "GET", path: "/api/agents" },
  { method: "POST", path: "/api/agents", body: { name: "fuzz agent", definition: {} } },
  { method: "GET", path: "/api/executions" },
  { method: "GET", path: "/api/executions/00000000-0000-0000-0000-000000000000" },
  { method: "GET", path: "/api/executions/00000000-0000-0000-0000-000000000000/events" },
  { method: "POST", path: "/api/executions/00000000-0000-0000-0000-000000000000/cancel" },
  { method: "GET", path: "/internal/v1/executions/x" },
  { method: "POST", path: "/internal/v1/executions/x/events", body: { type: "step" } },
  { method: "POST", path: "/internal/v1/executions/x/activities/http", body: {} },
  // MCP client connections.
  { method: "GET", path: "/api/connections/mcp/providers" },
  { method: "POST", path: "/api/connections/mcp/discover", body: { url: "https://mcp.example.com/mcp" } },
  { method: "POST", path: `/api/connections/${bearerId}/refresh-tools` },
  { method: "POST", path: `/api/connections/${bearerId}/tools/echo/call`, body: { arguments: {} } },
  { method: "GET", path: "/api/oauth/mcp/authorize?connection_id=x" },
  { method: "GET", path: "/api/oauth/mcp/callback?code=x&state=y" },
  { method: "GET", path: "/oauth/mcp-client.json" },
  // Paragon.
  { method: "GET", path: "/api/paragon/token" },
  { method: "GET", path: "/api/paragon/actions" },
  { method: "POST", path: "/api/paragon/actions", body: { tool: "x", parameters: {} } },
  { method: "GET", path: "/api/paragon/proxy/salesforce/x" },
  { method: "POST", path: "/api/paragon/webhook", body: { eventId: "e", event: "x" } },
  // OAuth authorization server and the remote MCP server (SPEC §8).
  { method: "GET", path: "/.well-known/oauth-authorization-server" },
  { method: "GET", path: "/.well-known/oauth-protected-resource/mcp" },
  {
    method: "GET",
    path: "/oauth/authorize?response_type=code&client_id=x&redirect_uri=https://x/cb&code_challenge=x&code_challenge_method=S256",
  },
  { method: "POST", path: "/oauth/authorize", form: { decision: "approve", csrf_token: "x", client_id: "x" } },
  {
    method: "POST",
    path: "/oauth/register",
    body: { redirect_uris: ["https://client.example/cb"], client_name: "fuzz" },
  },
  {
    method: "POST",
    path: "/oauth/token",
    form: { grant_type: "authorization_code", code: "x", code_verifier: "x", client_id: "x" },
  },
  { method: "POST", path: "/oauth/revoke", form: { token: "x", client_id: "x" } },
  { method: "POST", path: "/oauth/introspect", form: { token: "x" } },
  { method: "GET", path: "/api/oauth/grants" },
  { method: "DELETE", path: "/api/oauth/grants/x" },
  { method: "GET", path: "/api/admin/oauth/clients" },
  { method: "POST", path: "/api/admin/oauth/clients", body: { client_name: "x", redirect_uris: ["https://x/cb"] } },
  { method: "DELETE", path: "/api/admin/oauth/clients/x" },
  { method: "POST", path: "/mcp", body: { jsonrpc: "2.0", id: 1, method: "tools/list" } },
  { method: "GET", path: "/mcp" },
  { method: "GET", path: "/api/does-not-exist" },
  { method: "GET", path: "/oauth/x" },
  { method: "GET", path: "/.well-known/oauth-authorization-server" },
  { method: "GET", path: "/internal/x" },
];

// ─── Payloads ────────────────────────────────────────────────────────────────────────────────────────────
const LONG = "a".repeat(100_000);
const BAD_VALUES = [
  null,
  0,
  -1,
  1e308,
  true,
  [],
  {},
  [LONG],
  LONG,
  "a\r\nX-Injected: 1",
  "a\u0000b",
  "\ud800",
  "../../etc/passwd",
  "javascript:alert(1)",
];
const MALFORMED_JSON = [
  "{",
  '{"a":',
  "[1,2",
  "nul",
  '{"a":1}}',
  '{"a":01}',
  "'single'",
  "\u0000",
  "null",
  "[]",
  "123",
  '"string"',
  `${"[".repeat(10_000)}${"]".repeat(10_000)}`,
  `\ufeff{"name":"bom"}`,
  '{"name":"a","name":"b"}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
];
const ODD_METHODS = ["PROPFIND", "TRACE", "OPTIONS", "HEAD", "FOO", "PATCH", "DELETE", "PUT", "M-SEARCH"];
const ODD_CONTENT_TYPES = [
  undefined,
  "text/plain",
  "application/json; charset=utf-16",
  "application/json; charset=latin1",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; boundary=",
  "application/jsonx",
  "*/*",
];

function* casesFor(route) {
  const base = { method: route.method, path: route.path, cookie: !route.noCookie };
  for (const method of ODD_METHODS) yield { ...base, method, label: `method ${method}` };
  yield { ...base, cookie: false, label: "no session" };
  yield { ...base, headers: { cookie: "session=a.b" }, cookie: false, label: "forged cookie" };
  yield { ...base, headers: { cookie: `session=${LONG.slice(0, 7000)}` }, cookie: false, label: "7k cookie" };
  yield { ...base, headers: { "x-request-id": LONG.slice(0, 7000) }, label: "7k x-request-id" };
  yield {
    ...base,
    path: `${route.path}${route.path.includes("?") ? "&" : "?"}q=${LONG.slice(0, 6000)}`,
    label: "6k query",
  };
  yield {
    ...base,
    path: `${route.path}${route.path.includes("?") ? "&" : "?"}x=%E0%A4%A&y=%zz&z=%00`,
    label: "bad percent-encoding",
  };
  yield {
    ...base,
    path: route.path.replace(/\/([^/?]+)(\?|$)/, "/%00$1%ff$2"),
    label: "NUL and invalid UTF-8 in the path",
  };
  const writes = route.body !== undefined || route.form !== undefined || route.method !== "GET";
  if (!writes) return;
  const method = route.method === "GET" ? "POST" : route.method;
  for (const text of MALFORMED_JSON)
    yield {
      ...base,
      method,
      raw: text,
      contentType: "application/json",
      label: `malformed ${JSON.stringify(text.slice(0, 20))}`,
    };
  for (const contentType of ODD_CONTENT_TYPES)
    yield { ...base, method, raw: JSON.stringify(route.body ?? {}), contentType, label: `content-type ${contentType}` };
  yield {
    ...base,
    method,
    raw: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    contentType: "application/json",
    label: "invalid UTF-8 JSON",
  };
  yield {
    ...base,
    method,
    raw: Buffer.from('{"a":1}', "utf16le"),
    contentType: "application/json",
    label: "UTF-16 JSON",
  };
  yield {
    ...base,
    method,
    raw: "not gzip",
    contentType: "application/json",
    headers: { "content-encoding": "gzip" },
    label: "bogus gzip",
  };
  yield {
    ...base,
    method,
    raw: gzipSync(JSON.stringify(route.body ?? {})),
    contentType: "application/json",
    headers: { "content-encoding": "gzip" },
    label: "gzip JSON",
  };
  yield {
    ...base,
    method,
    raw: "{}",
    contentType: "application/json",
    headers: { "content-encoding": "br, identity, x-unknown" },
    label: "unknown content-encoding",
  };
  if (route.bigBody)
    yield {
      ...base,
      method,
      raw: `{"name":"${"a".repeat(20 * 1024 * 1024)}"}`,
      contentType: "application/json",
      label: "20 MB body",
    };
  if (route.body && typeof route.body === "object") {
    const fields = [...new Set([...Object.keys(route.body), ...(route.fields ?? []), "name", "data", "unknown_field"])];
    for (const field of fields) {
      for (const value of BAD_VALUES) {
        yield {
          ...base,
          method,
          raw: JSON.stringify({ ...route.body, [field]: value }),
          contentType: "application/json",
          label: `${field}=${JSON.stringify(value)?.slice(0, 24)}`,
          mutation: true,
        };
      }
    }
  }
  if (route.form) {
    for (const value of ["a\r\nb", "a\u0000b", LONG, "%zz"]) {
      for (const field of Object.keys(route.form)) {
        yield {
          ...base,
          method,
          raw: new URLSearchParams({ ...route.form, [field]: value }).toString(),
          contentType: "application/x-www-form-urlencoded",
          label: `form ${field}`,
        };
      }
    }
  }
}

// ─── "Nothing written": a fingerprint of every local SQLite database ───────────────────────────────────
function sqliteFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "observability" && entry.name !== "cache")
      found.push(...sqliteFiles(path));
    else if (entry.isFile() && entry.name.endsWith(".sqlite")) found.push(path);
  }
  return found;
}
const snapshotDir = mkdtempSync(join(tmpdir(), "fuzz-snapshot-"));
function fingerprint() {
  const tables = {};
  for (const file of sqliteFiles(join(target.persistTo, "v3"))) Object.assign(tables, fingerprintFile(file));
  return tables;
}

/** One database's tables as `count:hash`; retried when the copy caught a write half-done. */
function fingerprintFile(file, attempt = 1) {
  // workerd holds its databases locked: read a copy (taken between requests, when nothing is in flight —
  // background work such as queue consumers may still write, hence the retry).
  const copy = join(snapshotDir, "db.sqlite");
  rmSync(`${copy}-wal`, { force: true });
  copyFileSync(file, copy);
  if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
  const tables = {};
  let db;
  try {
    db = new DatabaseSync(copy);
    const names = db
      .prepare("select name from sqlite_master where type = 'table'")
      .all()
      .map((row) => row.name);
    for (const name of names) {
      if (name.startsWith("sqlite_") || name === "_cf_METADATA" || name === "_cf_KV") continue;
      // Rate-limit counters: a refused attempt counts against the limit by design (sign-in, tests).
      // Audit events arrive through the jobs queue (batches up to 5 s late), so they cannot be pinned on
      // one request; each records an action of an accepted request or a refused sign-in (by design).
      if (name === "_mf_ratelimit_buckets" || name === "audit_events") continue;
      const hash = createHash("sha256");
      let count = 0;
      for (const row of db.prepare(`select * from "${name}"`).all()) {
        if (name === "sessions") row.last_seen_at = null; // background touch (every 5 min at most)
        hash.update(
          JSON.stringify(row, (_k, v) =>
            typeof v === "bigint" ? String(v) : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v,
          ),
        );
        count++;
      }
      tables[`${file.slice(target.persistTo.length)}:${name}`] = `${count}:${hash.digest("hex").slice(0, 16)}`;
    }
  } catch (error) {
    db?.close();
    db = undefined;
    if (attempt >= 5) throw error;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    return fingerprintFile(file, attempt + 1);
  } finally {
    db?.close();
  }
  return tables;
}
const changedTables = (before, after) =>
  [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => before[key] !== after[key]);

// ─── Run ──────────────────────────────────────────────────────────────────────────────────────────────────
/**
 * Features this fuzz environment deliberately leaves unconfigured (no Paragon project, no worker JWKS, no OAuth
 * signing keys) answer a documented 503: `*_not_configured` in the API envelope, RFC 6749's
 * `temporarily_unavailable` "not configured" on OAuth endpoints — and, for HEAD, the same 503 without a body.
 */
const UNCONFIGURED_PREFIXES = ["/api/paragon/", "/internal/", "/oauth/", "/.well-known/jwks.json", "/mcp"];
function isUnconfiguredAnswer(fuzzCase, body) {
  if (/"code":"[a-z_]+_not_configured"/.test(body)) return true;
  if (/"error":"temporarily_unavailable","error_description":"[^"]*not configured/.test(body)) return true;
  return fuzzCase.method === "HEAD" && body === "" && UNCONFIGURED_PREFIXES.some((p) => fuzzCase.path.startsWith(p));
}

const findings = { app5xx: [], unconfigured: [], platform5xx: [], writes: [] };
let sent = 0;
let refused = 0;
let accepted = 0;
let resets = 0;

let lastFingerprint = null;
const unreached = [];
async function runPass(routes, cookie) {
  lastFingerprint = null;
  for (const [index, route] of routes.entries()) {
    if (sent >= MAX_REQUESTS || Date.now() - started > MAX_SECONDS * 1000) {
      unreached.push(...routes.slice(index).map((r) => `${r.method} ${r.path}`));
      return false;
    }
    for (const fuzzCase of casesFor(route)) {
      if (sent >= MAX_REQUESTS || Date.now() - started > MAX_SECONDS * 1000) {
        unreached.push(
          `${route.method} ${route.path} (partly)`,
          ...routes.slice(index + 1).map((r) => `${r.method} ${r.path}`),
        );
        return false;
      }
      const headers = { origin: APP_ORIGIN, ...(fuzzCase.cookie && cookie ? { cookie } : {}), ...fuzzCase.headers };
      if (fuzzCase.contentType) headers["content-type"] = fuzzCase.contentType;
      const isWrite = !["GET", "HEAD", "OPTIONS"].includes(fuzzCase.method);
      // The state after the previous write request is the state before this one, unless a read came between.
      const before = isWrite ? (lastFingerprint ?? fingerprint()) : null;
      lastFingerprint = null;
      const response = await send({ method: fuzzCase.method, path: fuzzCase.path, headers, body: fuzzCase.raw });
      sent++;
      if (process.env.FUZZ_VERBOSE)
        console.log(
          `${response.status} ${fuzzCase.method} ${fuzzCase.path.slice(0, 60)} [${fuzzCase.label}] ${response.body.slice(0, 80)}`,
        );
      const where = `${fuzzCase.method} ${fuzzCase.path.slice(0, 80)} [${fuzzCase.label}]`;
      if (response.status >= 500) {
        const entry = `${where} → ${response.status} ${response.body.slice(0, 120)}`;
        if (!response.headers["x-request-id"]) findings.platform5xx.push(entry);
        // A feature this fuzz environment leaves unconfigured answers its documented 503 `*_not_configured`
        // (Paragon, the worker JWKS of /internal): deliberate, counted and named apart from real failures.
        else if (response.status === 503 && isUnconfiguredAnswer(fuzzCase, response.body))
          findings.unconfigured.push(entry);
        else findings.app5xx.push(entry);
      }
      if (response.status === 0) resets++;
      const wasRefused = response.status === 0 || (response.status >= 400 && response.status < 500);
      if (wasRefused) refused++;
      else accepted++;
      if (isWrite) {
        lastFingerprint = fingerprint();
        const changed = wasRefused ? changedTables(before, lastFingerprint) : [];
        if (changed.length > 0) findings.writes.push(`${where} → ${response.status} wrote ${changed.join(", ")}`);
      }
    }
  }
  // Writes that land asynchronously (the jobs queue) after a refused request: settle, then compare once more.
  const settledBefore = fingerprint();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const late = changedTables(settledBefore, fingerprint());
  if (late.length > 0) findings.writes.push(`late writes after the pass: ${late.join(", ")}`);
  return true;
}

let complete = await runPass(selected(ROUTES), cookie);
server.stop();

// Pass 2: WorkOS configured (against the fake), for the routes that exist only with it.
const workosServerUnderTest = await startDevServer({
  port: PORT + 3 + 1,
  inspectorPort: PORT - 1,
  secrets: {
    ...baseSecrets(),
    WORKOS_API_KEY: fakeWorkOS.apiKey,
    WORKOS_CLIENT_ID: fakeWorkOS.clientId,
    WORKOS_WEBHOOK_SECRET: fakeWorkOS.webhookSecret,
    WORKOS_API_HOSTNAME: `127.0.0.1:${PORT + 3}`,
    WORKOS_MAX_RETRIES: "0",
  },
  migrate: true,
});
target = workosServerUnderTest;
const WORKOS_ROUTES = [
  { method: "GET", path: "/api/auth/authorize?provider=authkit&return_to=/x" },
  { method: "GET", path: "/api/auth/authorize?provider=GoogleOAuth" },
  { method: "GET", path: "/api/auth/callback?code=x&state=y" },
  { method: "GET", path: "/api/auth/sso-authorize?organization=acme" },
  { method: "POST", path: "/api/auth/magic-auth", body: { email: "a@example.com" } },
  { method: "POST", path: "/api/auth/magic-auth/verify", body: { email: "a@example.com", code: "123456" } },
  {
    method: "POST",
    path: "/api/webhooks/workos",
    body: { id: "evt_1", event: "user.created", data: {} },
    bigBody: true,
  },
];
if (complete) complete = await runPass(selected(WORKOS_ROUTES), undefined);
workosServerUnderTest.stop();

rmSync(snapshotDir, { recursive: true, force: true });
upstream.close();
workosServer.close();
agent.destroy();

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `fuzz: ${sent} requests over ${ROUTES.length + WORKOS_ROUTES.length} routes in ${seconds} s${complete ? "" : " (stopped at the bound: FUZZ_MAX_REQUESTS/FUZZ_MAX_SECONDS)"} — ${refused} refused (${resets} connection resets), ${accepted} accepted`,
);
console.log(`fuzz: ${findings.app5xx.length} app responses ≥ 500`);
for (const line of findings.app5xx) console.log(`  APP 5xx  ${line}`);
const unconfiguredKinds = new Map();
for (const line of findings.unconfigured) {
  const code = /"code":"([a-z_]+)"/.exec(line)?.[1] ?? "unknown";
  unconfiguredKinds.set(code, (unconfiguredKinds.get(code) ?? 0) + 1);
}
console.log(
  `fuzz: ${findings.unconfigured.length} documented 503 answers of features this environment leaves unconfigured`,
);
for (const [code, count] of unconfiguredKinds) console.log(`  UNCONFIGURED ${count} × ${code}`);
const platformKinds = new Map();
for (const line of findings.platform5xx) {
  const kind = line.replace(/^.*→ /, "").slice(0, 60);
  platformKinds.set(kind, (platformKinds.get(kind) ?? 0) + 1);
}
console.log(
  `fuzz: ${findings.platform5xx.length} platform-level 5xx (no x-request-id, from wrangler dev's proxy / workerd)`,
);
for (const [kind, count] of platformKinds) console.log(`  PLATFORM ${count} × ${kind}`);
console.log(`fuzz: ${findings.writes.length} refused requests that wrote something`);
for (const line of findings.writes) console.log(`  WRITE    ${line}`);
if (!complete) {
  console.log(
    `fuzz: stopped at the bound before ${unreached.length} route(s); raise FUZZ_MAX_SECONDS / FUZZ_MAX_REQUESTS:`,
  );
  for (const line of unreached) console.log(`  UNREACHED ${line}`);
}
process.exit(findings.app5xx.length > 0 || findings.writes.length > 0 ? 1 : 0);
