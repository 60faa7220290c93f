#!/usr/bin/env node
// wrangler and the test runner read [assets] from wrangler.toml, which requires web/dist to exist.
// Tests exercise the Worker, not the built UI, so an empty placeholder is enough when it is missing.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dist = fileURLToPath(new URL("../web/dist", import.meta.url));
if (!existsSync(dist)) {
  mkdirSync(dist, { recursive: true });
  writeFileSync(
    `${dist}/index.html`,
    "<!doctype html><title>web not built</title><p>Run npm run dev to build the app.</p>\n",
  );
}
