#!/usr/bin/env node
// Prepares a fresh clone for `wrangler dev`: local secrets, local D1 schema, and the built web app.
// Safe to run every time: it never overwrites an existing .dev.vars.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const devVars = `${root}.dev.vars`;

if (existsSync(devVars)) {
  console.log("dev-setup: keeping existing .dev.vars");
} else {
  const template = readFileSync(`${root}.dev.vars.example`, "utf8");
  const filled = template.replaceAll("__RANDOM_32_BYTES_BASE64__", () => randomBytes(32).toString("base64"));
  writeFileSync(devVars, filled, { mode: 0o600 });
  console.log("dev-setup: wrote .dev.vars with freshly generated keys");
}

const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: "inherit" });

if (!process.argv.includes("--no-migrate")) {
  run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"]);
}
if (!process.argv.includes("--no-web")) {
  run("npx", ["vite", "build", "web", "--logLevel", "warn"]);
}
