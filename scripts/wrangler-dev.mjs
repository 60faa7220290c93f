#!/usr/bin/env node
// `npm run dev` runs this after dev-setup: `wrangler dev` (arguments passed through) with the local
// development environment of scripts/dev-server.mjs — the same one the tests and the fuzz harness use.
import { spawn } from "node:child_process";
import { LOCAL_DEV_ENV, root } from "./dev-server.mjs";

const child = spawn("npx", ["wrangler", "dev", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, ...LOCAL_DEV_ENV },
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
