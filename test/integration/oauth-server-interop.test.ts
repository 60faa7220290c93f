import { exports } from "cloudflare:workers";
import {
  auth as authV2,
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
} from "@modelcontextprotocol/client";
import { auth as authV1 } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as TransportV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, it } from "vitest";
import { consentFields, form, ISSUER, RESOURCE, signedIn } from "../conformance/oauth-flow";
import type { Browser } from "../helpers/session";

/**
 * Interop with the real MCP SDK clients (SPEC §8; issue 13 "Interop"): v1 `@modelcontextprotocol/sdk`
 * (`auth()` + `StreamableHTTPClientTransport`) and v2 `@modelcontextprotocol/client`, each with a
 * headless `OAuthClientProvider`: discovery, dynamic registration, sign-in with the dev identity
 * provider, consent, token, initialize, tools/list, tools/call, refresh. The Worker is the transport's
 * `fetch`, so everything runs inside workerd.
 */
const workerFetch = (url: string | URL, init?: RequestInit) => exports.default.fetch(new Request(url, init));

interface StoredTokens {
  access_token: string;
  refresh_token?: string;
  token_type: string;
}

/** A headless provider: it "opens" the authorization URL by remembering it; the test plays the browser. */
class HeadlessProvider {
  authorizationUrl: URL | undefined;
  private info: unknown;
  private stored: StoredTokens | undefined;
  private verifier = "";
  constructor(
    readonly name: string,
    private readonly port: number,
  ) {}
  get redirectUrl() {
    return `http://127.0.0.1:${this.port}/callback`;
  }
  get clientMetadata() {
    return {
      client_name: this.name,
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.info as never;
  }
  saveClientInformation(info: unknown) {
    this.info = info;
  }
  tokens() {
    return this.stored as never;
  }
  saveTokens(tokens: StoredTokens) {
    this.stored = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  get current(): StoredTokens {
    if (!this.stored) throw new Error("no tokens");
    return this.stored;
  }
}

/** Plays the user: opens the authorization URL, approves consent, returns the redirect back. */
async function approveInBrowser(browser: Browser, authorizationUrl: URL): Promise<URL> {
  expect(authorizationUrl.origin).toBe(ISSUER);
  const page = await browser.request(`${authorizationUrl.pathname}${authorizationUrl.search}`);
  const html = await page.text();
  expect(page.status, html.slice(0, 300)).toBe(200);
  const done = await browser.request("/oauth/authorize", form({ ...consentFields(html), decision: "approve" }));
  expect(done.status).toBe(302);
  const back = new URL(done.headers.get("location") as string);
  expect(back.searchParams.get("iss")).toBe(ISSUER);
  return back;
}

const TOOL_NAMES = ["list_workflows", "execute_workflow", "get_execution_status", "list_agents", "execute_agent"];

describe("MCP SDK v1 client (auth() + StreamableHTTPClientTransport)", () => {
  it("signs in, consents, gets tokens, initializes, lists and calls tools, refreshes", async () => {
    const provider = new HeadlessProvider("SDK v1 interop", 47101);
    expect(await authV1(provider as never, { serverUrl: RESOURCE, fetchFn: workerFetch })).toBe("REDIRECT");
    expect(provider.authorizationUrl?.searchParams.get("resource")).toBe(RESOURCE);
    const browser = await signedIn();
    const back = await approveInBrowser(browser, provider.authorizationUrl as URL);
    const code = back.searchParams.get("code") as string;
    expect(
      await authV1(provider as never, { serverUrl: RESOURCE, authorizationCode: code, fetchFn: workerFetch }),
    ).toBe("AUTHORIZED");
    const first = provider.current;
    expect(first.refresh_token).toBeTruthy();

    const client = new ClientV1({ name: "interop-v1", version: "1.0.0" });
    await client.connect(new TransportV1(new URL(RESOURCE), { authProvider: provider as never, fetch: workerFetch }));
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(TOOL_NAMES));
    const result = await client.callTool({ name: "list_workflows", arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ workflows: [] });
    await client.close();

    // auth() with stored tokens refreshes (rotation: a new refresh token every time).
    expect(await authV1(provider as never, { serverUrl: RESOURCE, fetchFn: workerFetch })).toBe("AUTHORIZED");
    expect(provider.current.refresh_token).toBeTruthy();
    expect(provider.current.refresh_token).not.toBe(first.refresh_token);
    expect(provider.current.access_token).not.toBe(first.access_token);
    const again = new ClientV1({ name: "interop-v1", version: "1.0.0" });
    await again.connect(new TransportV1(new URL(RESOURCE), { authProvider: provider as never, fetch: workerFetch }));
    expect((await again.callTool({ name: "list_agents", arguments: {} })).structuredContent).toEqual({ agents: [] });
    await again.close();
  });
});

describe("MCP SDK v2 client (@modelcontextprotocol/client)", () => {
  it("signs in, consents, gets tokens (checking iss), lists and calls tools, refreshes", async () => {
    const provider = new HeadlessProvider("SDK v2 interop", 47102);
    expect(await authV2(provider as never, { serverUrl: RESOURCE, fetchFn: workerFetch })).toBe("REDIRECT");
    const browser = await signedIn();
    const back = await approveInBrowser(browser, provider.authorizationUrl as URL);
    const result = await authV2(provider as never, {
      serverUrl: RESOURCE,
      authorizationCode: back.searchParams.get("code") as string,
      iss: back.searchParams.get("iss") as string,
      fetchFn: workerFetch,
    });
    expect(result).toBe("AUTHORIZED");
    const first = provider.current;

    const client = new ClientV2({ name: "interop-v2", version: "1.0.0" });
    await client.connect(new TransportV2(new URL(RESOURCE), { authProvider: provider as never, fetch: workerFetch }));
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(TOOL_NAMES));
    const call = await client.callTool({ name: "get_execution_status", arguments: { execution_id: "nope" } });
    expect(call.isError).toBe(true);
    expect(call.structuredContent).toEqual({ error: { code: "not_found", message: "Execution not found" } });
    await client.close();

    expect(await authV2(provider as never, { serverUrl: RESOURCE, fetchFn: workerFetch })).toBe("AUTHORIZED");
    expect(provider.current.refresh_token).not.toBe(first.refresh_token);
  });
});
