import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { keepScreenshot, until } from "../helpers.mjs";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
};

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server.address().port));
  });
}

function build(outDir, apiOrigin) {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["vite", "build", "web", "--outDir", outDir, "--emptyOutDir", "--logLevel", "error"], {
      cwd: ROOT,
      env: { ...process.env, VITE_API_ORIGIN: apiOrigin },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let errors = "";
    child.stderr.on("data", (chunk) => {
      errors += chunk;
    });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build failed: ${errors.slice(-400)}`)),
    );
  });
}

/**
 * The Pages deployment (issue 12 point 10): the app built with `VITE_API_ORIGIN`, served from its own
 * origin, calls the API on the configured origin with credentials. App and API are two ports of
 * `localhost` — two origins of one site, like `app.example.com` and `api.example.com` — so the
 * `SameSite=Lax` session cookie reaches the API only if the requests carry credentials.
 */
export async function pagesDeployment({ page, context }) {
  const apiRequests = [];
  const api = createServer((req, res) => {
    apiRequests.push({ method: req.method, url: req.url, origin: req.headers.origin, cookie: req.headers.cookie });
    const cors = {
      "access-control-allow-origin": req.headers.origin ?? "",
      "access-control-allow-credentials": "true",
      // The run's browsers add a per-browser cf-connecting-ip header (helpers.mjs); allow what is asked.
      "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "accept, content-type",
      vary: "origin",
    };
    if (req.method === "OPTIONS") return res.writeHead(204, cors).end();
    const signedIn = (req.headers.cookie ?? "").includes("session=pages-session");
    const json = (status, body) =>
      res.writeHead(status, { ...cors, "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.url === "/api/auth/me")
      return signedIn
        ? json(200, {
            success: true,
            data: {
              user: { id: "u1", email: "pages@example.test", name: "Pages", email_verified: true, last_login_at: null },
              organizations: [],
              session: { id: "s1", auth_method: "dev", created_at: 0, expires_at: 0 },
            },
          })
        : json(401, { success: false, error: { code: "unauthenticated", message: "Sign in", request_id: "r" } });
    if (req.url?.startsWith("/api/connections") || req.url === "/api/providers")
      return json(200, { success: true, data: [] });
    return json(404, { success: false, error: { code: "not_found", message: "no", request_id: "r" } });
  });
  const apiPort = await listen(api);
  const apiOrigin = `http://localhost:${apiPort}`;
  const outDir = mkdtempSync(join(tmpdir(), "e2e-pages-"));
  const appRequests = [];
  // Serves the build as Pages would, including its `_headers` (so the app's CSP is enforced here too).
  let pageHeaders = {};
  const app = createServer((req, res) => {
    appRequests.push(req.url);
    const path = join(outDir, (req.url ?? "/").split("?")[0]);
    const file = existsSync(path) && extname(path) ? path : join(outDir, "index.html");
    res
      .writeHead(200, { ...pageHeaders, "content-type": TYPES[extname(file)] ?? "application/octet-stream" })
      .end(readFileSync(file));
  });
  try {
    await build(outDir, apiOrigin);
    pageHeaders = Object.fromEntries(
      readFileSync(join(outDir, "_headers"), "utf8")
        .split("\n")
        .filter((line) => /^\s+[\w-]+:/.test(line))
        .map((line) =>
          line
            .trim()
            .split(/:\s(.*)/)
            .slice(0, 2),
        ),
    );
    if (!pageHeaders["Content-Security-Policy"]?.includes(`connect-src 'self' ${apiOrigin}`))
      throw new Error(`the build's CSP does not allow the API origin: ${pageHeaders["Content-Security-Policy"]}`);
    if (!existsSync(join(outDir, "_redirects"))) throw new Error("the Pages build has no _redirects SPA fallback");
    const appPort = await listen(app);
    const appOrigin = `http://localhost:${appPort}`;
    await context.addCookies([
      { name: "session", value: "pages-session", domain: "localhost", path: "/", sameSite: "Lax" },
    ]);

    await page.goto(`${appOrigin}/connections`);
    await page
      .getByTestId("add-connection")
      .waitFor({ state: "visible" })
      .catch(() => {
        throw new Error("the Pages build did not reach the signed-in shell (no credentialed /api/auth/me?)");
      });
    const me = await until(
      "the app asked the configured API origin who is signed in",
      () => apiRequests.find((request) => request.url === "/api/auth/me" && request.method === "GET"),
      Boolean,
    );
    if (me.origin !== appOrigin) throw new Error(`the API saw Origin ${me.origin}, not ${appOrigin}`);
    if (!me.cookie?.includes("session=pages-session"))
      throw new Error("the request to the API origin carried no session cookie (credentials not included)");
    if (appRequests.some((url) => url?.startsWith("/api/")))
      throw new Error(
        `API calls went to the app's own origin: ${appRequests.filter((url) => url?.startsWith("/api/"))}`,
      );
    const signIn = `${apiOrigin}/api/auth/authorize`;
    await page.context().clearCookies();
    await page.reload();
    const href = await page.getByTestId("sign-in").getAttribute("href");
    if (!href?.startsWith(signIn)) throw new Error(`the sign-in link goes to ${href}, not ${signIn}`);
    await keepScreenshot(page, "pages-deployment");
  } finally {
    api.closeAllConnections();
    api.close();
    app.closeAllConnections();
    app.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}
