import { describe, expect, it } from "vitest";
import { callMcpServerTool } from "../../../src/mcp-client/call";
import { discoverMcpServer } from "../../../src/mcp-client/discover";
import { isMcpClientError, type McpClientError } from "../../../src/mcp-client/errors";
import { boundedFetch } from "../../../src/mcp-client/fetch";
import { beginAuthorization, completeAuthorization, oauthAppRecord } from "../../../src/mcp-client/oauth/authorize";
import { discoverAuthorizationServer } from "../../../src/mcp-client/oauth/discovery";
import { callbackUrl, resolveOAuthClient } from "../../../src/mcp-client/oauth/registration";
import { storedOAuthApp } from "../../../src/oauth-client/oauth-app";
import { callTokenEndpoint } from "../../../src/oauth-client/token-endpoint";
import { createOAuthMcpServer } from "../../fakes/mcp-servers";
import { interceptOutbound } from "../../helpers/outbound";

// The MCP authorization flow as a client, end to end against an SDK server behind its own OAuth 2.1 AS.

async function failure(promise: Promise<unknown>): Promise<McpClientError> {
  try {
    await promise;
  } catch (error) {
    if (isMcpClientError(error)) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

const fetchFn = () => boundedFetch(false);

async function authorize(fake: ReturnType<typeof createOAuthMcpServer>, appUrl: string) {
  const refused = await failure(
    discoverMcpServer({ serverUrl: fake.url, auth: { type: "none" }, allowInsecure: false }),
  );
  expect(refused.code).toBe("mcp_auth_failed");
  const server = await discoverAuthorizationServer(fake.url, refused.challenge, fetchFn());
  const client = await resolveOAuthClient(server, { appUrl, fetchFn: fetchFn() });
  const redirectUri = callbackUrl(appUrl);
  const start = await beginAuthorization(server, client, { redirectUri, state: "state-1" });
  const back = await fake.approve(start.authorizationUrl);
  expect(back.searchParams.get("state")).toBe("state-1");
  const tokens = await completeAuthorization(server, client, {
    code: back.searchParams.get("code") ?? "",
    iss: back.searchParams.get("iss") ?? undefined,
    codeVerifier: start.codeVerifier,
    redirectUri,
    fetchFn: fetchFn(),
    now: Date.now(),
  });
  return { refused, server, client, tokens, redirectUri, start };
}

describe("OAuth-protected MCP server", () => {
  it("401 → resource metadata → AS metadata → DCR → PKCE + resource → code → tokens → tools → call → refresh", async () => {
    const fake = createOAuthMcpServer();
    interceptOutbound(fake.routes());
    const { refused, server, client, tokens } = await authorize(fake, "http://localhost:8787");

    expect(refused.challenge).toMatchObject({
      status: 401,
      resourceMetadataUrl: "https://mcp-oauth.test/.well-known/oauth-protected-resource/mcp",
      scope: "tools:read tools:call",
    });
    expect(server).toMatchObject({
      resource: fake.url,
      issuer: fake.issuer,
      tokenEndpoint: `${fake.issuer}/token`,
      scopes: ["tools:read", "tools:call"],
      issParameterSupported: true,
    });
    // No https client id in development: dynamic registration of a public client with our callback.
    expect(client.registration).toBe("dcr");
    expect(fake.clients.get(client.client_id)).toMatchObject({
      redirect_uris: ["http://localhost:8787/api/oauth/mcp/callback"],
      token_endpoint_auth_method: "none",
    });
    const authorizeQuery = fake.authorizeRequests[0];
    expect(authorizeQuery?.get("resource")).toBe(fake.url);
    expect(authorizeQuery?.get("code_challenge_method")).toBe("S256");
    expect(fake.tokenCalls[0]).toMatchObject({ grantType: "authorization_code", resource: fake.url, status: 200 });
    expect(tokens.refresh_token).toBeTruthy();

    const target = {
      serverUrl: fake.url,
      auth: { type: "oauth2" as const, accessToken: tokens.access_token },
      allowInsecure: false,
    };
    const found = await discoverMcpServer(target);
    expect(found.server.name).toBe("fake-oauth-mcp");
    const echo = found.tools.find((tool) => tool.name === "echo");
    if (!echo) throw new Error("no echo tool");
    expect((await callMcpServerTool(target, echo, { text: "hi" })).content).toEqual([{ type: "text", text: "hi" }]);

    // The refresher's token call, with the MCP connection's app: resource sent, refresh token rotated.
    const refreshed = await callTokenEndpoint(
      storedOAuthApp({ oauth_app: oauthAppRecord(server, client) }) as NonNullable<ReturnType<typeof storedOAuthApp>>,
      { grant_type: "refresh_token", refresh_token: tokens.refresh_token as string },
      { allowInsecure: false, now: Date.now(), previous: tokens },
    );
    if (!refreshed.ok) throw new Error(refreshed.description);
    expect(fake.tokenCalls[1]).toMatchObject({
      grantType: "refresh_token",
      clientId: client.client_id,
      resource: fake.url,
      status: 200,
    });
    expect(refreshed.tokens.refresh_token).not.toBe(tokens.refresh_token);
    fake.expireAccessTokens();
    expect((await failure(discoverMcpServer(target))).code).toBe("mcp_auth_failed");
  });

  it("uses our Client ID Metadata Document instead of registering when the AS supports CIMD", async () => {
    const fake = createOAuthMcpServer({ cimdSupported: true });
    interceptOutbound(fake.routes());
    const { client, start } = await authorize(fake, "https://app.example.com");
    expect(client).toEqual({
      client_id: "https://app.example.com/oauth/mcp-client.json",
      token_endpoint_auth_method: "none",
      registration: "cimd",
    });
    expect(fake.clients.size).toBe(0);
    expect(new URL(start.authorizationUrl).searchParams.get("client_id")).toBe(client.client_id);
  });

  it("refuses an authorization response from another issuer (RFC 9207 §2.4)", async () => {
    const fake = createOAuthMcpServer();
    interceptOutbound(fake.routes());
    const refused = await failure(
      discoverMcpServer({ serverUrl: fake.url, auth: { type: "none" }, allowInsecure: false }),
    );
    const server = await discoverAuthorizationServer(fake.url, refused.challenge, fetchFn());
    const client = await resolveOAuthClient(server, { appUrl: "http://localhost:8787", fetchFn: fetchFn() });
    const redirectUri = callbackUrl("http://localhost:8787");
    const start = await beginAuthorization(server, client, { redirectUri, state: "s" });
    const back = await fake.approve(start.authorizationUrl);
    const options = {
      code: back.searchParams.get("code") ?? "",
      codeVerifier: start.codeVerifier,
      redirectUri,
      fetchFn: fetchFn(),
      now: Date.now(),
    };
    expect((await failure(completeAuthorization(server, client, { ...options, iss: "https://evil.test" }))).code).toBe(
      "mcp_auth_failed",
    );
    expect((await failure(completeAuthorization(server, client, options))).code).toBe("mcp_auth_failed"); // iss promised, missing
    expect(fake.tokenCalls).toHaveLength(0);
  });

  it("refuses protected-resource metadata naming another resource", async () => {
    const fake = createOAuthMcpServer();
    const routes = fake.routes();
    interceptOutbound({
      ...routes,
      [fake.resourceHost]: async (request) =>
        new URL(request.url).pathname.startsWith("/.well-known/oauth-protected-resource")
          ? Response.json({ resource: "https://other.test/mcp", authorization_servers: [fake.issuer] })
          : (routes[fake.resourceHost] as (r: Request) => Promise<Response>)(request),
    });
    const refused = await failure(
      discoverMcpServer({ serverUrl: fake.url, auth: { type: "none" }, allowInsecure: false }),
    );
    const error = await failure(discoverAuthorizationServer(fake.url, refused.challenge, fetchFn()));
    expect(error.message).toContain("different resource");
  });
});
