import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { computeCodeChallenge, createCodeVerifier } from "../../src/crypto/pkce";
import { Browser, signInWithDevProvider } from "../helpers/session";

/**
 * Black-box helpers for the authorization-server conformance suite: everything goes through the
 * Worker's `fetch` exactly as an MCP client and a browser would, using only the wire contract
 * (SPEC §8, RFC 6749, RFC 7591, RFC 7636, RFC 8707, RFC 9207).
 */
export const ISSUER = "http://localhost:8787";
export const RESOURCE = `${ISSUER}/mcp`;
export const REDIRECT_URI = "http://127.0.0.1:33418/callback";

export function wire(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, ISSUER), { redirect: "manual", ...init }));
}

export function form(body: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(body).toString(),
  };
}

export function basicAuth(clientId: string, secret: string): string {
  // RFC 6749 §2.3.1: form-urlencode id and secret before base64.
  return `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`)}`;
}

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
}

/** RFC 7591 §3.1 registration of a public client (what MCP clients do). */
export async function registerPublicClient(overrides: Record<string, unknown> = {}): Promise<RegisteredClient> {
  const response = await wire("/oauth/register", {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": `203.0.113.${Math.floor(Math.random() * 250)}` },
    body: JSON.stringify({
      client_name: "Conformance client",
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      ...overrides,
    }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as RegisteredClient;
}

export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = createCodeVerifier();
  return { verifier, challenge: await computeCodeChallenge(verifier) };
}

export function authorizePath(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
  return `/oauth/authorize?${query}`;
}

/** A browser signed in through the dev identity provider (SPEC §5.2). */
export async function signedIn(email = `conf-${crypto.randomUUID().slice(0, 8)}@example.com`): Promise<Browser> {
  const browser = new Browser((path, init) => wire(path, init));
  const final = await signInWithDevProvider(browser, { email, name: "Conformance" });
  expect(final.status).toBe(302);
  return browser;
}

/** The hidden fields of the consent form. */
export function consentFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields[match[1] as string] = decodeEntities(match[2] as string);
  }
  return fields;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/**
 * Runs the authorization request in `browser` through consent and returns the redirect back to the
 * client (the `Location` of the final 302).
 */
export async function authorizeThroughConsent(
  browser: Browser,
  params: Record<string, string | undefined>,
  decision: "approve" | "deny" = "approve",
): Promise<URL> {
  const page = await browser.request(authorizePath(params));
  if (page.status === 302) return new URL(page.headers.get("location") as string);
  const html = await page.text();
  expect(page.status, html.slice(0, 500)).toBe(200);
  const submitted = await browser.request("/oauth/authorize", {
    ...form({ ...consentFields(html), decision }),
  });
  expect(submitted.status).toBe(302);
  return new URL(submitted.headers.get("location") as string);
}

export interface Tokens {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
}

/** A full authorization-code flow for a fresh public client and user; returns everything involved. */
export async function obtainTokens(options: { scope?: string; resource?: string | null } = {}) {
  const client = await registerPublicClient();
  const browser = await signedIn();
  const { verifier, challenge } = await pkcePair();
  const state = crypto.randomUUID();
  const back = await authorizeThroughConsent(browser, {
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: REDIRECT_URI,
    code_challenge: challenge,
    code_challenge_method: "S256",
    state,
    scope: options.scope,
    resource: options.resource === null ? undefined : (options.resource ?? RESOURCE),
  });
  expect(back.searchParams.get("state")).toBe(state);
  expect(back.searchParams.get("iss")).toBe(ISSUER);
  const code = back.searchParams.get("code") as string;
  expect(code).toBeTruthy();
  const exchange = await wire(
    "/oauth/token",
    form({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      client_id: client.client_id,
      code_verifier: verifier,
      resource: RESOURCE,
    }),
  );
  const text = await exchange.text();
  expect(exchange.status, text).toBe(200);
  return { client, browser, code, verifier, tokens: JSON.parse(text) as Tokens };
}

/** A 2025-era JSON-RPC request to /mcp (Streamable HTTP, stateless). */
export function mcpLegacy(
  token: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return wire("/mcp", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-06-18",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

/** A 2026-07-28 request: no initialize; the per-request `_meta` envelope and `Mcp-Method` header. */
export function mcpModern(
  token: string | undefined,
  method: string,
  params: Record<string, unknown> = {},
): Promise<Response> {
  return wire("/mcp", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": method,
      ...(typeof params.name === "string" ? { "mcp-name": params.name } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method,
      params: {
        ...params,
        _meta: {
          "io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientCapabilities": {},
          "io.modelcontextprotocol/clientInfo": { name: "conformance", version: "1.0.0" },
        },
      },
    }),
  });
}

/** Reads a JSON-RPC answer that may be plain JSON or one SSE `message` event. */
export async function rpcResult<T = unknown>(
  response: Response,
): Promise<{ result?: T; error?: { code: number; message: string } }> {
  const text = await response.text();
  if ((response.headers.get("content-type") ?? "").includes("text/event-stream")) {
    const events = text
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map(
        (line) => JSON.parse(line.slice(6)) as { id?: unknown; result?: T; error?: { code: number; message: string } },
      );
    const answer = events.find((event) => event.id !== undefined);
    if (!answer) throw new Error(`no JSON-RPC answer in ${text.slice(0, 200)}`);
    return answer;
  }
  return JSON.parse(text);
}
