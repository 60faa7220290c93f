/**
 * An OAuth-protected MCP server and its own tiny authorization server, faithful to the MCP authorization spec
 * (2025-06-18 / 2025-11-25) as a third-party server implements it:
 *
 * - resource server `https://<resourceHost>/mcp`: without a valid access token, 401 with
 *   `WWW-Authenticate: Bearer resource_metadata="…", scope="…"` (RFC 9728 §5.1, RFC 6750 §3); protected-resource
 *   metadata at `/.well-known/oauth-protected-resource/mcp` (RFC 9728 §3.1, path-suffixed); tokens must have been
 *   issued for this resource (RFC 8707 audience);
 * - authorization server `https://<authHost>`: RFC 8414 metadata, dynamic client registration (RFC 7591,
 *   `POST /register`), `GET /authorize` (auto-approves; PKCE S256 required, exact redirect URI, `resource`
 *   required; answers with `code`, `state` and `iss`, RFC 9207), `POST /token` (authorization_code with PKCE,
 *   refresh_token with rotation: a rotated-out refresh token is `invalid_grant`), short-lived access tokens.
 *
 * Tests route both hosts: `interceptOutbound(fake.routes())`.
 */
import { McpServer, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import { verifyCodeChallenge } from "../../src/crypto/pkce";
import { randomToken } from "../../src/crypto/tokens";
import { type FakeMcpRequest, type FakeToolCall, registerFakeTools } from "./mcp-servers";

export interface FakeOAuthMcpSettings {
  /** `expires_in` of access tokens. Default 3600. */
  accessTokenTtlSeconds: number;
  /** Advertise `client_id_metadata_document_supported` (and accept https URLs as client ids). Default false. */
  cimdSupported: boolean;
  /** Offer dynamic registration (`registration_endpoint`). Default true. */
  dcrSupported: boolean;
  /** Delay before every `/token` answer. Default 0. */
  tokenLatencyMs: number;
}

export interface FakeRegisteredClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  token_endpoint_auth_method: string;
  client_name?: string;
}

export interface FakeMcpTokenCall {
  grantType: string;
  clientId: string | null;
  resource: string | null;
  status: number;
}

interface Code {
  clientId: string;
  redirectUri: string;
  challenge: string;
  resource: string;
  scope: string;
  used: boolean;
}

interface AccessToken {
  clientId: string;
  resource: string;
  expiresAt: number;
}

export interface FakeOAuthMcpServer {
  resourceHost: string;
  authHost: string;
  /** The MCP server URL users configure. */
  url: string;
  issuer: string;
  settings: FakeOAuthMcpSettings;
  clients: Map<string, FakeRegisteredClient>;
  tokenCalls: FakeMcpTokenCall[];
  /** Every `GET /authorize` query, as received. */
  authorizeRequests: URLSearchParams[];
  requests: FakeMcpRequest[];
  calls: FakeToolCall[];
  routes(): Record<string, (request: Request) => Promise<Response>>;
  /** Follows an authorization URL the way a browser would with an approving user: returns the redirect target. */
  approve(authorizationUrl: string): Promise<URL>;
  /** Makes every access token issued so far expire now (the server refuses them from then on). */
  expireAccessTokens(): void;
}

const oauthError = (status: number, error: string, description: string) =>
  Response.json({ error, error_description: description }, { status, headers: { "cache-control": "no-store" } });

export function createOAuthMcpServer(
  options: { resourceHost?: string; authHost?: string } & Partial<FakeOAuthMcpSettings> = {},
): FakeOAuthMcpServer {
  const resourceHost = options.resourceHost ?? "mcp-oauth.test";
  const authHost = options.authHost ?? "auth.mcp-oauth.test";
  const url = `https://${resourceHost}/mcp`;
  const issuer = `https://${authHost}`;
  const metadataUrl = `https://${resourceHost}/.well-known/oauth-protected-resource/mcp`;
  const settings: FakeOAuthMcpSettings = {
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    cimdSupported: options.cimdSupported ?? false,
    dcrSupported: options.dcrSupported ?? true,
    tokenLatencyMs: options.tokenLatencyMs ?? 0,
  };
  const clients = new Map<string, FakeRegisteredClient>();
  const codes = new Map<string, Code>();
  const accessTokens = new Map<string, AccessToken>();
  const refreshTokens = new Map<string, { clientId: string; resource: string; scope: string; active: boolean }>();
  const tokenCalls: FakeMcpTokenCall[] = [];
  const authorizeRequests: URLSearchParams[] = [];
  const requests: FakeMcpRequest[] = [];
  const calls: FakeToolCall[] = [];

  const knownClient = (clientId: string): FakeRegisteredClient | undefined => {
    const registered = clients.get(clientId);
    if (registered) return registered;
    // CIMD: the client id is the URL of its metadata document; the fake trusts the redirect URIs under our app.
    if (settings.cimdSupported && clientId.startsWith("http")) {
      return { client_id: clientId, redirect_uris: [], token_endpoint_auth_method: "none" };
    }
    return undefined;
  };

  const issueTokens = (clientId: string, resource: string, scope: string) => {
    const access = `at_${randomToken(16)}`;
    const refresh = `rt_${randomToken(16)}`;
    accessTokens.set(access, { clientId, resource, expiresAt: Date.now() + settings.accessTokenTtlSeconds * 1000 });
    refreshTokens.set(refresh, { clientId, resource, scope, active: true });
    return Response.json(
      {
        access_token: access,
        token_type: "Bearer",
        expires_in: settings.accessTokenTtlSeconds,
        refresh_token: refresh,
        scope,
      },
      { headers: { "cache-control": "no-store" } },
    );
  };

  const authServer = async (request: Request): Promise<Response> => {
    const { pathname, searchParams } = new URL(request.url);
    if (pathname === "/.well-known/oauth-authorization-server" && request.method === "GET") {
      return Response.json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        ...(settings.dcrSupported ? { registration_endpoint: `${issuer}/register` } : {}),
        response_types_supported: ["code"],
        grant_types_supported: ["authorization_code", "refresh_token"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["none", "client_secret_post", "client_secret_basic"],
        scopes_supported: ["tools:read", "tools:call", "offline_access"],
        client_id_metadata_document_supported: settings.cimdSupported,
        authorization_response_iss_parameter_supported: true,
      });
    }
    if (pathname === "/register" && request.method === "POST" && settings.dcrSupported) {
      const body = (await request.json().catch(() => null)) as Partial<FakeRegisteredClient> | null;
      if (!body || !Array.isArray(body.redirect_uris) || body.redirect_uris.length === 0)
        return oauthError(400, "invalid_redirect_uri", "redirect_uris is required");
      const method = body.token_endpoint_auth_method ?? "client_secret_basic";
      const client: FakeRegisteredClient = {
        client_id: `dcr_${randomToken(8)}`,
        redirect_uris: body.redirect_uris,
        token_endpoint_auth_method: method,
        ...(body.client_name ? { client_name: body.client_name } : {}),
        ...(method === "none" ? {} : { client_secret: `secret_${randomToken(16)}` }),
      };
      clients.set(client.client_id, client);
      return Response.json({ ...client, client_id_issued_at: Math.floor(Date.now() / 1000) }, { status: 201 });
    }
    if (pathname === "/authorize" && request.method === "GET") {
      authorizeRequests.push(searchParams);
      const client = knownClient(searchParams.get("client_id") ?? "");
      const redirectUri = searchParams.get("redirect_uri") ?? "";
      if (!client || (client.redirect_uris.length > 0 && !client.redirect_uris.includes(redirectUri)))
        return new Response("invalid client or redirect_uri", { status: 400 });
      const target = new URL(redirectUri);
      const fail = (error: string) => {
        target.searchParams.set("error", error);
        target.searchParams.set("state", searchParams.get("state") ?? "");
        return Response.redirect(target.href, 302);
      };
      if (searchParams.get("response_type") !== "code") return fail("unsupported_response_type");
      if (searchParams.get("code_challenge_method") !== "S256" || !searchParams.get("code_challenge"))
        return fail("invalid_request");
      if (searchParams.get("resource") !== url) return fail("invalid_target");
      const code = `code_${randomToken(12)}`;
      codes.set(code, {
        clientId: client.client_id,
        redirectUri,
        challenge: searchParams.get("code_challenge") ?? "",
        resource: url,
        scope: searchParams.get("scope") ?? "tools:read tools:call",
        used: false,
      });
      target.searchParams.set("code", code);
      target.searchParams.set("state", searchParams.get("state") ?? "");
      target.searchParams.set("iss", issuer);
      return Response.redirect(target.href, 302);
    }
    if (pathname === "/token" && request.method === "POST") {
      const form = new URLSearchParams(await request.text());
      let clientId = form.get("client_id");
      let secret = form.get("client_secret");
      const basic = request.headers.get("authorization");
      if (basic?.startsWith("Basic ")) {
        const [id, pass] = atob(basic.slice(6)).split(":");
        clientId = decodeURIComponent(id ?? "");
        secret = decodeURIComponent(pass ?? "");
      }
      const call: FakeMcpTokenCall = {
        grantType: form.get("grant_type") ?? "",
        clientId,
        resource: form.get("resource"),
        status: 0,
      };
      tokenCalls.push(call);
      if (settings.tokenLatencyMs) await new Promise((resolve) => setTimeout(resolve, settings.tokenLatencyMs));
      const answer = (response: Response) => {
        call.status = response.status;
        return response;
      };
      const client = knownClient(clientId ?? "");
      if (!client || (client.client_secret && client.client_secret !== secret))
        return answer(oauthError(401, "invalid_client", "client authentication failed"));
      if (call.grantType === "authorization_code") {
        const code = codes.get(form.get("code") ?? "");
        if (!code || code.used || code.clientId !== client.client_id || code.redirectUri !== form.get("redirect_uri"))
          return answer(oauthError(400, "invalid_grant", "bad code"));
        code.used = true;
        if (!(await verifyCodeChallenge(form.get("code_verifier") ?? "", code.challenge, "S256")))
          return answer(oauthError(400, "invalid_grant", "PKCE verification failed"));
        if (form.get("resource") !== code.resource)
          return answer(oauthError(400, "invalid_target", "resource mismatch"));
        return answer(issueTokens(client.client_id, code.resource, code.scope));
      }
      if (call.grantType === "refresh_token") {
        const token = form.get("refresh_token") ?? "";
        const stored = refreshTokens.get(token);
        if (!stored?.active || stored.clientId !== client.client_id)
          return answer(oauthError(400, "invalid_grant", "refresh token invalid"));
        if (form.get("resource") !== null && form.get("resource") !== stored.resource)
          return answer(oauthError(400, "invalid_target", "resource mismatch"));
        stored.active = false; // rotation (OAuth 2.1 §4.3.1 for public clients)
        return answer(issueTokens(client.client_id, stored.resource, stored.scope));
      }
      return answer(oauthError(400, "unsupported_grant_type", "unsupported grant_type"));
    }
    return new Response("Not Found", { status: 404 });
  };

  const resourceServer = async (request: Request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    if (pathname === "/.well-known/oauth-protected-resource/mcp" && request.method === "GET") {
      return Response.json({
        resource: url,
        authorization_servers: [issuer],
        scopes_supported: ["tools:read", "tools:call"],
        bearer_methods_supported: ["header"],
      });
    }
    if (pathname !== "/mcp") return new Response("Not Found", { status: 404 });
    const entry: FakeMcpRequest = {
      method: request.method,
      path: pathname,
      headers: Object.fromEntries(request.headers),
      rpc: [],
      status: 0,
    };
    requests.push(entry);
    const header = request.headers.get("authorization") ?? "";
    const token = header.startsWith("Bearer ") ? accessTokens.get(header.slice(7)) : undefined;
    if (!token || token.expiresAt <= Date.now() || token.resource !== url) {
      entry.status = 401;
      const error = header ? ', error="invalid_token"' : "";
      return Response.json(
        { jsonrpc: "2.0", error: { code: -32001, message: "Unauthorized" }, id: null },
        {
          status: 401,
          headers: {
            "www-authenticate": `Bearer resource_metadata="${metadataUrl}", scope="tools:read tools:call"${error}`,
          },
        },
      );
    }
    const server = new McpServer({ name: "fake-oauth-mcp", version: "2.0.0" });
    registerFakeTools(server, calls, { latencyMs: 0 });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    await server.connect(transport);
    const response = await transport.handleRequest(request);
    entry.status = response.status;
    return response;
  };

  return {
    resourceHost,
    authHost,
    url,
    issuer,
    settings,
    clients,
    tokenCalls,
    authorizeRequests,
    requests,
    calls,
    routes: () => ({ [resourceHost]: resourceServer, [authHost]: authServer }),
    async approve(authorizationUrl) {
      const response = await authServer(new Request(authorizationUrl));
      const location = response.headers.get("location");
      if (response.status !== 302 || !location) throw new Error(`authorization failed: ${response.status}`);
      return new URL(location);
    },
    expireAccessTokens() {
      for (const token of accessTokens.values()) token.expiresAt = 0;
    },
  };
}
