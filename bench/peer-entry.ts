// Bench-only Worker: the SAME McpServer (src/mcp/tools.ts, via createToolServerHandler) behind
// @cloudflare/workers-oauth-provider instead of our authorization server, with the same Worker options
// (static assets, run_worker_first, the application as the default handler, and the platform middleware in
// front of /mcp). Its tokens are checked by the provider (a KV read per request). Never deployed: `npm run
// bench` builds it into bench/.build-peer and compares its `/mcp` tools/list with ours.
import { OAuthProvider } from "@cloudflare/workers-oauth-provider";
import { Hono } from "hono";
import { createApp } from "../src/app";
import indexWorker from "../src/index";
import { createToolServerHandler } from "../src/mcp/routes";
import { createWorkflowsPort } from "../src/mcp/workflows-port";
import type { AppEnv } from "../src/platform/context";
import { requestContext } from "../src/platform/middleware/request-context";
import { securityHeaders } from "../src/platform/middleware/security-headers";

export { ConnectionRefresher, ExecutionEvents, ExecutionWorkflow } from "../src/index";

const serveTools = createToolServerHandler();
type PeerProps = { userId: string };

const mcpApp = new Hono<AppEnv>()
  .use(requestContext())
  .use(securityHeaders())
  .all("/mcp", async (c) => {
    const props = (c.executionCtx as unknown as { props: PeerProps }).props;
    const text = c.req.method === "POST" ? await c.req.text() : undefined;
    const headers = new Headers(c.req.raw.headers);
    if (!headers.has("host")) headers.set("host", new URL(c.req.url).host);
    const request = new Request(c.req.url, { method: c.req.method, headers, body: text });
    return serveTools(
      request,
      {
        principal: {
          userId: props.userId,
          clientId: "peer",
          grantId: "peer",
          scopes: ["workflows:read"],
          token: "",
          expiresAt: 0,
        },
        workflows: createWorkflowsPort({ env: c.env, log: c.var.log, waitUntil: (p) => c.executionCtx.waitUntil(p) }),
        extraTools: [],
        onToolCall: () => {},
      },
      text === undefined ? undefined : JSON.parse(text),
    );
  });

const app = createApp();
/** Auto-approving authorize endpoint: the bench measures token checks on /mcp, not consent. */
const defaultApp = new Hono<{
  Bindings: Env & {
    OAUTH_PROVIDER: {
      parseAuthRequest(r: Request): Promise<{ scope: string[] }>;
      completeAuthorization(o: unknown): Promise<{ redirectTo: string }>;
    };
  };
}>()
  .get("/oauth/authorize", async (c) => {
    const request = await c.env.OAUTH_PROVIDER.parseAuthRequest(c.req.raw);
    const { redirectTo } = await c.env.OAUTH_PROVIDER.completeAuthorization({
      request,
      userId: "peer-bench-user",
      metadata: {},
      scope: request.scope,
      props: { userId: "peer-bench-user" } satisfies PeerProps,
    });
    return c.redirect(redirectTo, 302);
  })
  .all("*", (c) => app.fetch(c.req.raw, c.env, c.executionCtx));

const provider = new OAuthProvider({
  apiRoute: "/mcp",
  apiHandler: { fetch: (request, env, ctx) => mcpApp.fetch(request, env as Env, ctx) },
  defaultHandler: { fetch: (request, env, ctx) => defaultApp.fetch(request, env as never, ctx) },
  // Under run_worker_first paths, like ours (the same Worker options).
  authorizeEndpoint: "/oauth/authorize",
  tokenEndpoint: "/oauth/token",
  clientRegistrationEndpoint: "/oauth/register",
  scopesSupported: ["workflows:read"],
  // The bench Worker's APP_URL (wrangler.toml [vars]); loopback http is accepted by the provider.
  resourceMetadata: { resource: "http://localhost:8787/mcp" },
});

/**
 * The provider's env (its KV binding named OAUTH_KV), built once per isolate like ours: a fresh object per
 * request would miss every per-`env` cache behind it (the parsed configuration, the drizzle client) and charge
 * the peer a configuration parse per request that our Worker does not pay.
 */
const peerEnvs = new WeakMap<Env, Env & { OAUTH_KV: KVNamespace }>();
function peerEnvFor(env: Env): Env & { OAUTH_KV: KVNamespace } {
  let peerEnv = peerEnvs.get(env);
  if (!peerEnv) {
    peerEnv = { ...env, OAUTH_KV: env.KV };
    peerEnvs.set(env, peerEnv);
  }
  return peerEnv;
}

export default {
  ...indexWorker,
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    // The bench reaches the Worker on a local port; the provider binds audiences to the request URL, ours to
    // APP_URL. Seen through APP_URL's origin, both check the same `{APP_URL}/mcp` audience.
    const url = new URL(request.url);
    const seen = new Request(new URL(`${url.pathname}${url.search}`, env.APP_URL), request);
    return provider.fetch(seen, peerEnvFor(env) as never, ctx);
  },
};
