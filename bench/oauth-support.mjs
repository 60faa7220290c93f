// Bench helpers for the authorization server and /mcp: they run the real OAuth flows over HTTP, as an MCP
// client and a browser would, and return tokens to put in the load generator's headers.
import { createHash, randomBytes } from "node:crypto";

const REDIRECT_URI = "http://127.0.0.1:47999/callback";
const b64url = (buffer) => buffer.toString("base64url");

export function pkce() {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash("sha256").update(verifier).digest()) };
}

const form = (body) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(body).toString(),
});

async function expectJson(response, status, what) {
  const text = await response.text();
  if (response.status !== status) throw new Error(`bench: ${what} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Registers a public client (RFC 7591) at `registrationPath`. */
export async function registerClient(baseUrl, registrationPath = "/oauth/register", ip = "203.0.113.7") {
  const response = await fetch(new URL(registrationPath, baseUrl), {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": ip },
    body: JSON.stringify({
      client_name: "Bench client",
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    }),
  });
  return (await expectJson(response, 201, "client registration")).client_id;
}

/** One authorization code from our /oauth/authorize for a signed-in `cookie` (consent approved). */
export async function authorizationCode({ url, appUrl }, cookie, clientId, challenge) {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    code_challenge: challenge,
    code_challenge_method: "S256",
    resource: `${new URL(appUrl).origin}/mcp`,
  });
  const page = await fetch(new URL(`/oauth/authorize?${query}`, url), { headers: { cookie }, redirect: "manual" });
  let location = page.headers.get("location");
  if (page.status === 200) {
    const html = await page.text();
    const fields = Object.fromEntries(
      [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(([, name, value]) => [
        name,
        value.replace(/&amp;/g, "&").replace(/&quot;/g, '"'),
      ]),
    );
    const approved = await fetch(new URL("/oauth/authorize", url), {
      ...form({ ...fields, decision: "approve" }),
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      redirect: "manual",
    });
    location = approved.headers.get("location");
  }
  const code = location && new URL(location).searchParams.get("code");
  if (!code) throw new Error(`bench: no authorization code (${page.status} ${location})`);
  return code;
}

/** Code exchange at our /oauth/token; returns the token response. */
export async function exchangeCode({ url }, clientId, code, verifier) {
  const response = await fetch(
    new URL("/oauth/token", url),
    form({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
      code_verifier: verifier,
    }),
  );
  return expectJson(response, 200, "code exchange");
}

export async function refresh({ url }, clientId, refreshToken) {
  const response = await fetch(
    new URL("/oauth/token", url),
    form({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: clientId }),
  );
  return expectJson(response, 200, "refresh");
}

/** A full flow against our server: a fresh client, consent, code exchange. */
export async function ourAccessToken(context, cookie) {
  const clientId = await registerClient(context.url);
  const { verifier, challenge } = pkce();
  const code = await authorizationCode(context, cookie, clientId, challenge);
  return { clientId, ...(await exchangeCode(context, clientId, code, verifier)) };
}

/** A token from the peer (workers-oauth-provider, bench/peer-entry.ts, whose /authorize auto-approves). */
export async function peerAccessToken(peerUrl, resource) {
  const clientId = await registerClient(peerUrl, "/oauth/register");
  const { verifier, challenge } = pkce();
  const query = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    code_challenge: challenge,
    code_challenge_method: "S256",
    scope: "workflows:read",
    resource,
  });
  const authorized = await fetch(new URL(`/oauth/authorize?${query}`, peerUrl), { redirect: "manual" });
  const code = new URL(authorized.headers.get("location") ?? "http://x/").searchParams.get("code");
  if (!code) throw new Error(`bench: the peer gave no code (${authorized.status})`);
  const response = await fetch(
    new URL("/oauth/token", peerUrl),
    form({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
      code_verifier: verifier,
      resource,
    }),
  );
  return (await expectJson(response, 200, "peer code exchange")).access_token;
}

/** The JSON-RPC bodies and headers of the /mcp scenarios (2025-era stateless requests, served by both). */
export const mcpHeaders = (token) => ({
  authorization: `Bearer ${token}`,
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": "2025-06-18",
});
export const toolsList = { jsonrpc: "2.0", id: 1, method: "tools/list", params: {} };
export const callListWorkflows = {
  jsonrpc: "2.0",
  id: 2,
  method: "tools/call",
  params: { name: "list_workflows", arguments: {} },
};
