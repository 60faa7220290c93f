#!/usr/bin/env node
// `npm run dev:paragon`: `npm run dev` with Paragon pointed at a local fake, to try Paragon without Paragon.
// 1. Keeps throwaway Paragon settings in .dev.vars.paragon (a fresh RS256 key, a project id, a webhook secret;
//    gitignored). They are passed to wrangler dev with --var, because wrangler.toml's `[secrets] required`
//    makes wrangler dev load only the required secrets from .dev.vars.
// 2. Serves the fake (test/fakes/paragon-dev-worker.ts: ActionKit, Proxy API, a Connect Portal stand-in) on
//    PARAGON_FAKE_PORT (default 8841).
// 3. Runs scripts/dev-setup.mjs and the app on PORT (default 8787) with PARAGON_* pointing at the fake.
import { spawn } from "node:child_process";
import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const file = `${root}.dev.vars.paragon`;
const fakePort = process.env.PARAGON_FAKE_PORT ?? "8841";
const appPort = process.env.PORT ?? "8787";
const appUrl = `http://localhost:${appPort}`;

if (!existsSync(file)) {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const settings = {
    PARAGON_PROJECT_ID: randomUUID(),
    PARAGON_SIGNING_KEY: privateKey.trim().replaceAll("\n", "\\n"),
    PARAGON_WEBHOOK_SECRET: randomBytes(24).toString("base64url"),
  };
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  console.log("dev:paragon: wrote throwaway Paragon settings to .dev.vars.paragon");
}
const settings = JSON.parse(readFileSync(file, "utf8"));
const publicKey = createPublicKey(settings.PARAGON_SIGNING_KEY.replaceAll("\\n", "\n"))
  .export({ type: "spki", format: "pem" })
  .trim()
  .replaceAll("\n", "\\n");

const vars = (entries) => Object.entries(entries).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
const start = (args) => spawn("npx", args, { cwd: root, stdio: "inherit" });

const fake = start([
  "wrangler",
  "dev",
  "--config",
  "test/fakes/paragon-dev-worker.toml",
  "--port",
  fakePort,
  ...vars({
    PARAGON_PROJECT_ID: settings.PARAGON_PROJECT_ID,
    PARAGON_PUBLIC_KEY: publicKey,
    PARAGON_WEBHOOK_SECRET: settings.PARAGON_WEBHOOK_SECRET,
    APP_WEBHOOK_URL: `${appUrl}/api/paragon/webhook`,
  }),
]);
spawn("node", ["scripts/dev-setup.mjs"], { cwd: root, stdio: "inherit" }).on("exit", (code) => {
  if (code !== 0) process.exit(code ?? 1);
  const app = start([
    "wrangler",
    "dev",
    "--port",
    appPort,
    ...vars({
      APP_URL: appUrl,
      ...settings,
      PARAGON_ACTIONKIT_URL: `http://localhost:${fakePort}`,
      PARAGON_PROXY_URL: `http://localhost:${fakePort}`,
    }),
  ]);
  console.log(
    `dev:paragon: app on ${appUrl}, Paragon fake on http://localhost:${fakePort}. Connect an account as the Connect ` +
      `Portal would: curl -X POST localhost:${fakePort}/_fake/connect -d '{"userId":"<id from /api/auth/me>","integration":"slack"}'`,
  );
  const stop = () => {
    fake.kill();
    app.kill();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  app.on("exit", (appCode) => {
    fake.kill();
    process.exit(appCode ?? 0);
  });
});
