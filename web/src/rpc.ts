import { type ClientResponse, hc, type InferResponseType } from "hono/client";
import type { ExtractSchema } from "hono/types";
import type { App } from "../.app-types/src/app";
import { API_ORIGIN, type Envelope } from "./api";

/**
 * The typed API client: Hono RPC over the Worker's own exported `App` type (src/app.ts), so paths,
 * parameters, bodies and response shapes are checked against the routes themselves — no hand-copied
 * wire types. `web/.app-types/` is the Worker's declarations, emitted by web/vite.config.ts before
 * every build (`npm run build:web`).
 * @see https://hono.dev/docs/guides/rpc
 */
export const client = hc<App>(API_ORIGIN || window.location.origin, {
  init: { credentials: "include" },
  headers: { accept: "application/json" },
});

/** The `data` of a route's success envelope. */
export type DataOf<Route> = DataFromBody<InferResponseType<Route>>;

/**
 * Awaits an RPC call and returns its envelope. Never throws: a network failure or a response that is
 * not an envelope (a proxy's HTML error page) becomes an error envelope, and a 429/503 carries its
 * `Retry-After` seconds.
 */
export async function call<Body>(request: Promise<ClientResponse<Body>>): Promise<Envelope<DataFromBody<Body>>> {
  let response: Response;
  try {
    response = (await request) as unknown as Response;
  } catch {
    return { success: false, error: { code: "network_error", message: "Could not reach the server. Try again." } };
  }
  let body: Envelope<DataFromBody<Body>>;
  try {
    body = (await response.json()) as Envelope<DataFromBody<Body>>;
  } catch {
    return {
      success: false,
      error: { code: "invalid_response", message: `Unexpected answer from the server (HTTP ${response.status}).` },
    };
  }
  if (body.success === false) {
    const retryAfter = Number(response.headers.get("retry-after"));
    if (Number.isFinite(retryAfter) && retryAfter > 0) body.error.retry_after = retryAfter;
  }
  return body;
}

/**
 * The `data` of a route by its full path and method, straight from the schema — for routes the client
 * object cannot index (a catch-all under `/api/auth` makes `client.api.auth` an index signature).
 */
export type RouteData<
  Path extends keyof ExtractSchema<App>,
  Method extends keyof ExtractSchema<App>[Path],
> = ExtractSchema<App>[Path][Method] extends { output: infer Body } ? DataFromBody<Body> : never;

/** Error envelopes carry no `data`; a route typed `success: boolean` (health) still has one. */
type DataFromBody<Body> = Body extends { success: false } ? never : Body extends { data: infer Data } ? Data : never;
