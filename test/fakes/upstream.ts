import { Hono } from "hono";

/**
 * A generic third-party HTTP API for proxy and connection-test scenarios. It echoes what it received
 * (method, path, query, headers, body) and can be scripted to answer a sequence of statuses (with
 * `Retry-After`) or to hang, so retries and timeouts are observable.
 */
export interface ScriptedReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Never answer (the caller's timeout must fire). */
  hang?: boolean;
}

export function createFakeUpstream() {
  const script: ScriptedReply[] = [];
  const received: Array<{
    method: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body: string;
  }> = [];
  const app = new Hono().all("*", async (c) => {
    const url = new URL(c.req.url);
    const body = await c.req.text();
    const entry = {
      method: c.req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(c.req.raw.headers),
      body,
    };
    received.push(entry);
    const next = script.shift();
    if (next?.hang) return new Promise<Response>(() => {});
    if (next) return c.json((next.body ?? { scripted: true }) as object, next.status as 200, next.headers);
    return c.json({ echo: entry }, 200, { "set-cookie": "upstream_session=abc; Path=/", "x-upstream": "yes" });
  });
  return {
    received,
    /** Queues replies for the next requests, in order; afterwards the upstream echoes again. */
    reply(...replies: ScriptedReply[]) {
      script.push(...replies);
    },
    fetch: (request: Request) => app.fetch(request),
  };
}
