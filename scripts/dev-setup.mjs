#!/usr/bin/env node
// Prepares a fresh clone for `wrangler dev`: local secrets, local D1 schema, and the built web app.
// Safe to run every time: it never overwrites an existing .dev.vars.
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const devVars = `${root}.dev.vars`;

// An ES256 private JWK set for OAuth access tokens (src/oauth-server/signing-keys.ts), single-quoted for dotenv.
const signingKeys = () => {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return `'${JSON.stringify([{ ...privateKey.export({ format: "jwk" }), kid: `dev-${Date.now().toString(36)}` }])}'`;
};
const template = readFileSync(`${root}.dev.vars.example`, "utf8").replace(/__ES256_JWK_SET__/g, () => signingKeys());
const generate = () => randomBytes(32).toString("base64");
if (!existsSync(devVars)) {
  writeFileSync(devVars, template.replaceAll("__RANDOM_32_BYTES_BASE64__", generate), { mode: 0o600 });
  console.log("dev-setup: wrote .dev.vars with freshly generated keys");
} else {
  // Never overwrite; only append generated secrets that a newer .dev.vars.example requires.
  const existing = readFileSync(devVars, "utf8");
  const has = (name) => new RegExp(`^\\s*${name}=`, "m").test(existing);
  const missing = [
    ...template.matchAll(/^([A-Z0-9_]+)=(.*(?:__RANDOM_32_BYTES_BASE64__|'\[\{"kty":"EC").*)$/gm),
  ].filter(([, name]) => !has(name));
  if (missing.length > 0) {
    const lines = missing.map(
      ([, name, value]) => `${name}=${value.replaceAll("__RANDOM_32_BYTES_BASE64__", generate)}`,
    );
    appendFileSync(devVars, `\n# Added by npm run dev (new in .dev.vars.example)\n${lines.join("\n")}\n`);
    console.log(`dev-setup: added ${missing.map(([, name]) => name).join(", ")} to .dev.vars`);
  } else {
    console.log("dev-setup: keeping existing .dev.vars");
  }
}

const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: "inherit" });

if (!process.argv.includes("--no-migrate")) {
  run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"]);
}
if (!process.argv.includes("--no-web")) {
  run("npx", ["vite", "build", "web", "--logLevel", "warn"]);
}
