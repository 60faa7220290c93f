/**
 * A local stand-in for the edge's internal API (SPEC §7.4) on a real port, for the activity tests. It checks each
 * bearer token with the edge's own verifier (`src/internal/worker-jwt.ts`), refuses a replayed `jti` and a token
 * for another execution, records what it received, and answers scripted replies in the edge's envelope.
 * The routes' business logic (executions, proxy core) lives in the Worker and is tested there.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createLocalJWKSet } from "jose";
import { authorizeExecution, bearerTokenOf, verifyWorkerToken } from "../../src/internal/worker-jwt";
import { ISSUER } from "./helpers";

export interface ReceivedCall {
  method: string;
  path: string;
  body: unknown;
  jti?: string;
  executionId?: string;
  status: number;
}

export interface ScriptedAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export async function startInternalApiServer(options: { port: number; jwks: unknown }) {
  const keys = createLocalJWKSet(options.jwks as never);
  const seenJtis = new Set<string>();
  const calls: ReceivedCall[] = [];
  const script: ScriptedAnswer[] = [];
  const audience = `http://127.0.0.1:${options.port}/internal`;
  let routes: (method: string, path: string, body: unknown) => ScriptedAnswer = () => ({
    status: 404,
    body: { success: false, error: { code: "not_found", message: "no route" } },
  });

  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const path = request.url ?? "/";
    const call: ReceivedCall = { method: request.method ?? "GET", path, body, status: 0 };
    calls.push(call);
    const answer = await decide(request, path, body, call);
    call.status = answer.status;
    response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    response.end(JSON.stringify(answer.body));
  });

  async function decide(
    request: IncomingMessage,
    path: string,
    body: unknown,
    call: ReceivedCall,
  ): Promise<ScriptedAnswer> {
    const unauthenticated = {
      status: 401,
      body: { success: false, error: { code: "unauthenticated", message: "Invalid worker token" } },
    };
    const token = bearerTokenOf(request.headers.authorization);
    if (!token) return unauthenticated;
    const verified = await verifyWorkerToken(token, { keys, issuer: ISSUER, audience });
    if (!verified.ok) return unauthenticated;
    call.jti = verified.claims.jti;
    call.executionId = verified.claims.executionId;
    const executionId = decodeURIComponent(/^\/internal\/v1\/executions\/([^/]+)/.exec(path)?.[1] ?? "");
    if (!authorizeExecution(verified.claims, executionId).ok) {
      return { status: 403, body: { success: false, error: { code: "forbidden", message: "Another execution" } } };
    }
    if (seenJtis.has(verified.claims.jti)) return unauthenticated;
    seenJtis.add(verified.claims.jti);
    return script.shift() ?? routes(request.method ?? "GET", path, body);
  }

  server.listen(options.port, "127.0.0.1");
  await once(server, "listening");
  return {
    url: new URL(`http://127.0.0.1:${options.port}/`),
    calls,
    reply(...answers: ScriptedAnswer[]) {
      script.push(...answers);
    },
    route(handler: typeof routes) {
      routes = handler;
    },
    async close() {
      server.close();
      server.closeAllConnections();
      await once(server, "close");
    },
  };
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
