#!/usr/bin/env node
// `npm run bench`: builds the production bundle, runs it in workerd (through Miniflare, with the
// bindings of wrangler.toml and local storage), and drives each scenario with autocannon from a
// separate process against the Worker's own workerd listener (no development proxy in between).
// Prints req/s, p50 and p99 per scenario (median of several rounds) and the ratio to the floor, plus
// the bundle size raw and gzip. Results are also written to bench/results/.
import { execFileSync, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { scenarios } from "./scenarios.mjs";
import { benchWorkerBindings } from "./worker-tokens.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).flatMap((arg) => (arg.startsWith("--") ? [arg.slice(2).split("=")] : [])),
);
const DURATION_SECONDS = Number(args.duration ?? process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(args.rounds ?? process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(args.connections ?? process.env.BENCH_CONNECTIONS ?? 10);
const ONLY = args.only ? new RegExp(args.only, "i") : undefined;

const run = (command, commandArgs) =>
  execFileSync(command, commandArgs, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });

// 1. Production bundle, exactly what `wrangler deploy` would upload.
console.log("bench: building the production bundle …");
run("npx", ["vite", "build", "web", "--logLevel", "error"]);
const outdir = join(root, "bench/.build");
rmSync(outdir, { recursive: true, force: true });
run("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir]);
const bundle = readFileSync(join(outdir, "index.js"));
// The same application plus a plain-fetch route, for the proxy's like-for-like baseline (never deployed).
const baselineOutdir = join(root, "bench/.build-baseline");
rmSync(baselineOutdir, { recursive: true, force: true });
run("npx", ["wrangler", "deploy", "bench/baseline-entry.ts", "--dry-run", "--outdir", baselineOutdir]);
// The peer: the same McpServer behind @cloudflare/workers-oauth-provider (bench/peer-entry.ts).
const peerOutdir = join(root, "bench/.build-peer");
rmSync(peerOutdir, { recursive: true, force: true });
run("npx", ["wrangler", "deploy", "bench/peer-entry.ts", "--dry-run", "--outdir", peerOutdir]);
const bundleSize = { raw_bytes: bundle.length, gzip_bytes: gzipSync(bundle, { level: 9 }).length };

// 2. The bundle in workerd with wrangler.toml's bindings (D1, KV, queues, rate limits, assets).
// A throwaway ES256 key for access tokens (src/oauth-server/signing-keys.ts).
const BENCH_SIGNING_KEYS = JSON.stringify([
  { ...generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }), kid: "bench" },
]);
const requireFromWrangler = createRequire(createRequire(import.meta.url).resolve("wrangler"));
const { Miniflare, convertV4MiniflareOptions } = requireFromWrangler("miniflare");
const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
const { workerOptions } = unstable_getMiniflareWorkerOptions(join(root, "wrangler.toml"));
function startWorker(directory, entryFile, extraBindings = {}) {
  const persistPath = mkdtempSync(join(tmpdir(), "bench-state-"));
  const instance = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        {
          ...workerOptions,
          name: "bench",
          modules: true,
          modulesRoot: directory,
          scriptPath: join(directory, entryFile),
          modulesRules: undefined,
          bindings: {
            ...workerOptions.bindings,
            ENVIRONMENT: "development",
            LOG_LEVEL: "info",
            ENCRYPTION_KEYS: `bench:${Buffer.alloc(32, 7).toString("base64")}`,
            SESSION_SECRET: Buffer.alloc(32, 9).toString("base64"),
            OAUTH_SIGNING_KEYS: BENCH_SIGNING_KEYS,
            ...extraBindings,
          },
        },
      ],
      resourcePersistencePath: persistPath,
      // Swallow the Worker's logs (one JSON access-log line per request) instead of printing them.
      handleStructuredLogs() {},
    }),
  );
  return { instance, persistPath };
}
const main = startWorker(outdir, "index.js", benchWorkerBindings);
const mf = main.instance;
const persistRoot = main.persistPath;
const url = (await mf.ready).toString().replace(/\/$/, "");
await applyMigrations(await mf.getD1Database("DB"));

/** Starts the baseline variant on demand (scenarios that need it call this from setup). */
let baselineWorker;
async function startBaselineWorker(extraBindings) {
  if (!baselineWorker) {
    const started = startWorker(baselineOutdir, "baseline-entry.js", extraBindings);
    const baselineUrl = (await started.instance.ready).toString().replace(/\/$/, "");
    await applyMigrations(await started.instance.getD1Database("DB"));
    baselineWorker = { ...started, url: baselineUrl };
  }
  return baselineWorker;
}

// 3. Load, from a separate process.
/** Starts the peer Worker on demand (the workers-oauth-provider scenario calls this from setup). */
let peerWorker;
async function startPeerWorker() {
  if (!peerWorker) {
    const started = startWorker(peerOutdir, "peer-entry.js");
    const peerUrl = (await started.instance.ready).toString().replace(/\/$/, "");
    await applyMigrations(await started.instance.getD1Database("DB"));
    peerWorker = { ...started, url: peerUrl };
  }
  return peerWorker;
}

const autocannonBin = createRequire(import.meta.url).resolve("autocannon/autocannon.js");
const tokenDriver = fileURLToPath(new URL("./drive-with-tokens.mjs", import.meta.url));
async function drive(target) {
  const cli = [
    autocannonBin,
    "--json",
    "-c",
    String(CONNECTIONS),
    "-d",
    String(target.duration ?? DURATION_SECONDS),
    "-m",
    target.method,
  ];
  for (const [name, value] of Object.entries(target.headers ?? {})) cli.push("-H", `${name}=${value}`);
  if (target.body !== undefined)
    cli.push("-b", typeof target.body === "string" ? target.body : JSON.stringify(target.body));
  cli.push(`${target.url ?? url}${target.path}`);
  // One-use Authorization headers (worker tokens) need a programmatic autocannon that takes one per request.
  const perRequestTokens = target.tokensFile && {
    BENCH_DRIVE: JSON.stringify({
      url: `${target.url ?? url}${target.path}`,
      method: target.method,
      headers: target.headers ?? {},
      body: typeof target.body === "string" || target.body === undefined ? target.body : JSON.stringify(target.body),
      connections: CONNECTIONS,
      duration: target.duration ?? DURATION_SECONDS,
      tokensFile: target.tokensFile,
    }),
  };
  const child = spawn(process.execPath, perRequestTokens ? [tokenDriver] : cli, {
    stdio: ["ignore", "pipe", "ignore"],
    env: { ...process.env, ...perRequestTokens },
  });
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  await new Promise((resolve, reject) =>
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`autocannon exited ${code}`)))),
  );
  const result = JSON.parse(out);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
  };
}

const selected = scenarios.filter((scenario, index) => index === 0 || !ONLY || ONLY.test(scenario.name));
const prepared = [];
for (const scenario of selected) {
  const overrides =
    (await scenario.setup?.({
      mf,
      url,
      appUrl: workerOptions.bindings.APP_URL,
      Miniflare,
      convertV4MiniflareOptions,
      startBaselineWorker,
      startPeerWorker,
    })) ?? {};
  prepared.push({ ...scenario, ...overrides });
  const target = prepared.at(-1);
  await target.beforeRun?.();
  await drive({ ...target, duration: 1 }); // warm-up: compile, caches, connections (not counted)
}

console.log(
  `bench: ${prepared.length} scenarios × ${ROUNDS} rounds × ${DURATION_SECONDS}s, ${CONNECTIONS} connections`,
);
const samples = new Map(prepared.map((scenario) => [scenario.name, []]));
for (let round = 1; round <= ROUNDS; round++) {
  // Interleaved rounds: drift on the machine (other load, thermal) hits every scenario alike.
  for (const scenario of prepared) {
    await scenario.beforeRun?.();
    const sample = await drive(scenario);
    await scenario.afterRun?.();
    samples.get(scenario.name).push(sample);
    process.stdout.write(`  round ${round}: ${scenario.name}: ${Math.round(sample.rps)} req/s\n`);
  }
}
const reports = [];
for (const scenario of prepared) {
  const results = samples.get(scenario.name);
  const extra = (await scenario.report?.({ mf, url, samples: results })) ?? {};
  reports.push({
    name: scenario.name,
    rps: median(results.map((r) => r.rps)),
    p50_ms: median(results.map((r) => r.p50)),
    p99_ms: median(results.map((r) => r.p99)),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    ...(scenario.target ? { target: scenario.target } : {}),
    ...extra,
  });
}
await mf.dispose();
for (const extra of [baselineWorker, peerWorker]) {
  if (!extra) continue;
  await extra.instance.dispose();
  rmSync(extra.persistPath, { recursive: true, force: true });
}
const support = await import("./support.mjs");
await support.closeAll?.();
rmSync(persistRoot, { recursive: true, force: true });

const floor = reports[0].rps;
for (const report of reports) {
  report.ratio_to_floor = report.rps / floor;
  const scenario = prepared.find((s) => s.name === report.name);
  const baseline = scenario?.baseline && reports.find((r) => r.name === scenario.baseline);
  if (baseline) {
    report.baseline = baseline.name;
    report.ratio_to_baseline = report.rps / baseline.rps;
    report.note = [`${report.ratio_to_baseline.toFixed(2)}× baseline`, report.note].filter(Boolean).join("; ");
  }
}

// 4. Report.
const rows = reports.map((r) => [
  r.name,
  r.rps.toFixed(0),
  r.p50_ms.toFixed(1),
  r.p99_ms.toFixed(1),
  `${r.ratio_to_floor.toFixed(2)}×`,
  [
    r.non2xx || r.errors ? `${r.non2xx} non-2xx, ${r.errors} errors` : "",
    r.target ? `target ${r.target}` : "",
    r.note ?? "",
  ]
    .filter(Boolean)
    .join("; "),
]);
const header = ["scenario", "req/s", "p50 ms", "p99 ms", "vs floor", "notes"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
const line = (cells) => cells.map((cell, i) => String(cell).padEnd(widths[i])).join("  ");
console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
for (const row of rows) console.log(line(row));
console.log(
  `\nbundle: ${(bundleSize.raw_bytes / 1024).toFixed(1)} KiB raw, ${(bundleSize.gzip_bytes / 1024).toFixed(1)} KiB gzip`,
);
console.log(
  `(median of ${ROUNDS} rounds of ${DURATION_SECONDS}s each, ${CONNECTIONS} connections, load from a separate process)`,
);

const resultsDir = join(root, "bench/results");
mkdirSync(resultsDir, { recursive: true });
const result = {
  date: new Date().toISOString(),
  settings: { duration_seconds: DURATION_SECONDS, rounds: ROUNDS, connections: CONNECTIONS },
  machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
  bundle: bundleSize,
  scenarios: reports,
};
writeFileSync(join(resultsDir, "latest.json"), `${JSON.stringify(result, null, 2)}\n`);
console.log("bench: wrote bench/results/latest.json");

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function applyMigrations(db) {
  const dir = join(root, "migrations");
  const { readdirSync } = await import("node:fs");
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort()) {
    const statements = readFileSync(join(dir, file), "utf8").split("--> statement-breakpoint");
    for (const statement of statements.map((s) => s.trim()).filter(Boolean)) await db.prepare(statement).run();
  }
}
