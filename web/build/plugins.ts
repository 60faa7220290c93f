import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Plugin, runnerImport } from "vite";

/**
 * Build-time helpers for the web app: the Worker's declarations (for the typed RPC client) and the
 * provider logos (monogram SVGs from the catalog data).
 */

const WEB = fileURLToPath(new URL("..", import.meta.url));
const CATALOG = fileURLToPath(new URL("../../src/connections/catalog/index.ts", import.meta.url));
const TSC = fileURLToPath(new URL("../../node_modules/.bin/tsc", import.meta.url));

/**
 * Emits the Worker's `.d.ts` files into `web/.app-types/` (see tsconfig.app-types.json), so
 * `hc<App>` in src/rpc.ts is typed by the routes themselves. The output is emitted afresh each time
 * (stale declarations would type the client against routes that no longer exist), and an emit error —
 * some only show up in declaration emit, such as TS7056 for a type too large to write out — fails the
 * build; the development server reports it and goes on.
 */
export function emitAppTypes(): Plugin {
  const emit = (mode: "build" | "serve") => {
    rmSync(`${WEB}/.app-types`, { recursive: true, force: true });
    const result = spawnSync(TSC, ["-p", "tsconfig.app-types.json"], { cwd: WEB, encoding: "utf8" });
    const failed = result.status !== 0 || !existsSync(`${WEB}/.app-types/src/app.d.ts`);
    if (!failed) return;
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").slice(0, 40).join("\n");
    const message = `could not emit the Worker's types (web/.app-types):\n${output || result.error?.message || ""}`;
    if (mode === "build") throw new Error(message);
    console.warn(`[emit-app-types] ${message}`);
  };
  let command: "build" | "serve" = "build";
  return {
    name: "emit-app-types",
    configResolved: (config) => {
      command = config.command;
    },
    buildStart: () => emit(command),
  };
}

/** Black or white text, whichever reads better on `background` (WCAG relative luminance). */
export function textColorOn(background: string): "#ffffff" | "#111111" {
  const channel = (offset: number) => {
    const value = Number.parseInt(background.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.4 ? "#111111" : "#ffffff";
}

/** A provider's monogram logo. The monogram is `[A-Za-z0-9+.]{1,3}` (catalog schema), so it needs no escaping. */
export function monogramSvg(logo: { monogram: string; color: string }): string {
  const size = logo.monogram.length === 1 ? 30 : logo.monogram.length === 2 ? 24 : 19;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" role="img">',
    `<rect width="64" height="64" rx="14" fill="${logo.color}"/>`,
    `<text x="32" y="33" fill="${textColorOn(logo.color)}" font-family="system-ui,-apple-system,'Segoe UI',Roboto,sans-serif" font-size="${size}" font-weight="700" text-anchor="middle" dominant-baseline="central">${logo.monogram}</text>`,
    "</svg>",
  ].join("");
}

/** Serves `/logos/<provider>.svg` in development and writes them into the build. */
export function providerLogos(): Plugin {
  let files = new Map<string, string>();
  // The catalog is TypeScript with extensionless imports: loaded through Vite's module runner, not Node.
  const load = async () => {
    const { module } = await runnerImport<typeof import("../../src/connections/catalog/index")>(CATALOG);
    files = new Map(module.PROVIDERS.map((provider) => [`logos/${provider.id}.svg`, monogramSvg(provider.logo)]));
  };
  return {
    name: "provider-logos",
    buildStart: load,
    async configureServer(server) {
      await load();
      server.middlewares.use((request, response, next) => {
        const svg = files.get((request.url ?? "").replace(/^\//, "").split("?")[0] ?? "");
        if (!svg) return next();
        response.setHeader("content-type", "image/svg+xml");
        response.end(svg);
      });
    },
    generateBundle() {
      for (const [fileName, source] of files) this.emitFile({ type: "asset", fileName, source });
    },
  };
}

/**
 * For a build that calls the API on another origin (`VITE_API_ORIGIN`, a Pages deployment): lets the
 * app's CSP connect there (`_headers` allows only `'self'` otherwise) and adds the Pages SPA fallback
 * (`_redirects`), which the Worker's own assets do not need (`not_found_handling`).
 */
export function pagesDeployment(apiOrigin: string | undefined): Plugin {
  let outDir = "";
  return {
    name: "pages-deployment",
    configResolved(config) {
      outDir = config.build.outDir.startsWith("/") ? config.build.outDir : `${config.root}/${config.build.outDir}`;
    },
    closeBundle() {
      if (!apiOrigin) return;
      const origin = new URL(apiOrigin).origin;
      const headersFile = `${outDir}/_headers`;
      const headers = readFileSync(headersFile, "utf8");
      if (!headers.includes("connect-src 'self'"))
        throw new Error("web/public/_headers: no connect-src 'self' to extend");
      writeFileSync(headersFile, headers.replace("connect-src 'self'", `connect-src 'self' ${origin}`));
      writeFileSync(`${outDir}/_redirects`, "/* /index.html 200\n");
    },
  };
}
