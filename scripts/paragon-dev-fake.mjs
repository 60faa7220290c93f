#!/usr/bin/env node
// Try Paragon on `npm run dev` without Paragon: adds PARAGON_* settings to .dev.vars (a fresh RS256 signing
// key, a project id, a webhook secret, and this fake's origin for ActionKit and the Proxy API) unless they
// are there, then serves the fake (test/fakes/paragon-dev-worker.ts) on PARAGON_FAKE_PORT (default 8841).
// Restart `npm run dev` after the first run so the Worker reads the new settings.
import { spawn } from "node:child_process";
import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const devVars = `${root}.dev.vars`;
const port = process.env.PARAGON_FAKE_PORT ?? "8841";
const appUrl = process.env.APP_URL ?? "http://localhost:8787";

const read = () => (existsSync(devVars) ? readFileSync(devVars, "utf8") : "");
const value = (text, name) => new RegExp(`^\\s*${name}=(.*)$`, "m").exec(text)?.[1]?.trim().replace(/^"|"$/g, "");

if (!value(read(), "PARAGON_SIGNING_KEY")) {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const lines = [
    "",
    "# Added by npm run dev:paragon-fake: Paragon settings pointing at the local fake",
    `PARAGON_PROJECT_ID=${randomUUID()}`,
    `PARAGON_SIGNING_KEY="${privateKey.trim().replaceAll("\n", "\\n")}"`,
    `PARAGON_WEBHOOK_SECRET=${randomBytes(24).toString("base64url")}`,
    `PARAGON_ACTIONKIT_URL=http://localhost:${port}`,
    `PARAGON_PROXY_URL=http://localhost:${port}`,
    "",
  ];
  appendFileSync(devVars, lines.join("\n"), { mode: 0o600 });
  console.log("paragon-fake: added PARAGON_* settings to .dev.vars (restart npm run dev to pick them up)");
}

const vars = read();
const signingKey = value(vars, "PARAGON_SIGNING_KEY").replaceAll("\\n", "\n");
const publicKey = createPublicKey(signingKey).export({ type: "spki", format: "pem" }).trim().replaceAll("\n", "\\n");
const fakeVars = {
  PARAGON_PROJECT_ID: value(vars, "PARAGON_PROJECT_ID"),
  PARAGON_PUBLIC_KEY: publicKey,
  PARAGON_WEBHOOK_SECRET: value(vars, "PARAGON_WEBHOOK_SECRET"),
  APP_WEBHOOK_URL: `${appUrl}/api/paragon/webhook`,
};
console.log(
  `paragon-fake: ActionKit and Proxy API on http://localhost:${port}; webhooks to ${fakeVars.APP_WEBHOOK_URL}`,
);
console.log(
  `paragon-fake: connect an account: curl -X POST localhost:${port}/_fake/connect -d '{"userId":"<your user id>","integration":"slack"}'`,
);
const args = ["wrangler", "dev", "--config", "test/fakes/paragon-dev-worker.toml", "--port", port];
for (const [name, val] of Object.entries(fakeVars)) args.push("--var", `${name}:${val}`);
spawn("npx", args, { cwd: root, stdio: "inherit" }).on("exit", (code) => process.exit(code ?? 0));
