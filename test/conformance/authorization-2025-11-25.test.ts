import { describe, expect, it } from "vitest";
import { interceptOutbound } from "../helpers/outbound";
import {
  authorizePath,
  authorizeThroughConsent,
  form,
  ISSUER,
  mcpLegacy,
  obtainTokens,
  pkcePair,
  RESOURCE,
  rpcResult,
  signedIn,
  wire,
} from "./oauth-flow";

const CIMD_ID = "https://client.example.com/oauth/client-metadata.json";
const CIMD_REDIRECT = "http://127.0.0.1:45100/callback";
const cimdDocument = { client_id: CIMD_ID, client_name: "Metadata Client", redirect_uris: [CIMD_REDIRECT] };

/**
 * MCP authorization, revision 2025-11-25: Client ID Metadata Documents, path-inserted protected
 * resource metadata, RFC 9207 `iss`, and 403 `insufficient_scope` step-up.
 */
describe("MCP authorization 2025-11-25", () => {
  it("RFC 9728 §3.1: path-inserted metadata for /mcp is served and identical", async () => {
    const root = await (await wire("/.well-known/oauth-protected-resource")).json();
    const inserted = await (await wire("/.well-known/oauth-protected-resource/mcp")).json();
    expect(inserted).toEqual(root);
    expect((inserted as { resource: string }).resource).toBe(RESOURCE);
  });

  it("RFC 8414 §2 / RFC 9207 §3: AS metadata advertises CIMD and the iss parameter", async () => {
    const metadata = (await (await wire("/.well-known/oauth-authorization-server")).json()) as Record<string, unknown>;
    expect(metadata.client_id_metadata_document_supported).toBe(true);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
  });

  it("RFC 9207 §2: the authorization response carries iss equal to the issuer", async () => {
    const { tokens } = await obtainTokens();
    expect(tokens.access_token).toBeTruthy();
  });

  describe("Client ID Metadata Documents", () => {
    it("CIMD §4: fetches the document, shows its host, and completes the flow", async () => {
      const seen = interceptOutbound({
        "client.example.com": () => Response.json(cimdDocument, { headers: { "cache-control": "max-age=300" } }),
      });
      const browser = await signedIn();
      const { verifier, challenge } = await pkcePair();
      const page = await browser.request(
        authorizePath({
          response_type: "code",
          client_id: CIMD_ID,
          redirect_uri: CIMD_REDIRECT,
          code_challenge: challenge,
          code_challenge_method: "S256",
          resource: RESOURCE,
        }),
      );
      const html = await page.text();
      expect(page.status).toBe(200);
      expect(html).toContain("Metadata Client");
      expect(html).toContain("client.example.com");
      const back = await authorizeThroughConsent(browser, {
        response_type: "code",
        client_id: CIMD_ID,
        redirect_uri: CIMD_REDIRECT,
        code_challenge: challenge,
        code_challenge_method: "S256",
        resource: RESOURCE,
      });
      const token = await wire(
        "/oauth/token",
        form({
          grant_type: "authorization_code",
          code: back.searchParams.get("code") as string,
          redirect_uri: CIMD_REDIRECT,
          client_id: CIMD_ID,
          code_verifier: verifier,
        }),
      );
      expect(token.status).toBe(200);
      // Cached by its HTTP headers: the second authorization did not fetch it again.
      expect(seen.filter((request) => request.url === CIMD_ID)).toHaveLength(1);
    });

    it.each([
      [
        "a document naming another client_id (CIMD §4.1)",
        { ...cimdDocument, client_id: "https://client.example.com/other" },
      ],
      ["a document without redirect_uris (CIMD §4.1)", { client_id: CIMD_ID, client_name: "x" }],
      ["a redirect URI not in the document", { ...cimdDocument, redirect_uris: ["http://127.0.0.1:1/elsewhere"] }],
    ])("CIMD §4: %s is an error page", async (_rule, template) => {
      // A distinct URL per case: a valid document would stay cached by its HTTP headers.
      const clientId = `https://client.example.com/oauth/${crypto.randomUUID()}.json`;
      const document = { ...template, client_id: template.client_id === CIMD_ID ? clientId : template.client_id };
      interceptOutbound({ "client.example.com": () => Response.json(document) });
      const browser = await signedIn();
      const { challenge } = await pkcePair();
      const response = await browser.request(
        authorizePath({
          response_type: "code",
          client_id: clientId,
          redirect_uri: CIMD_REDIRECT,
          code_challenge: challenge,
          code_challenge_method: "S256",
        }),
      );
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
    });

    it("CIMD §6 (SSRF): a client_id on a private address is never fetched", async () => {
      const seen = interceptOutbound({});
      const browser = await signedIn();
      const { challenge } = await pkcePair();
      const response = await browser.request(
        authorizePath({
          response_type: "code",
          client_id: "https://10.0.0.1/meta.json",
          redirect_uri: CIMD_REDIRECT,
          code_challenge: challenge,
          code_challenge_method: "S256",
        }),
      );
      expect(response.status).toBe(400);
      expect(seen).toHaveLength(0);
    });

    it("CIMD §6: a document over the size limit is refused", async () => {
      const clientId = `https://client.example.com/oauth/${crypto.randomUUID()}.json`;
      interceptOutbound({
        "client.example.com": () =>
          Response.json({ ...cimdDocument, client_id: clientId, padding: "x".repeat(70_000) }),
      });
      const browser = await signedIn();
      const { challenge } = await pkcePair();
      const response = await browser.request(
        authorizePath({
          response_type: "code",
          client_id: clientId,
          redirect_uri: CIMD_REDIRECT,
          code_challenge: challenge,
          code_challenge_method: "S256",
        }),
      );
      expect(response.status).toBe(400);
    });
  });

  describe("scope step-up", () => {
    it("RFC 6750 §3.1 / MCP scope challenge: a tool call lacking a scope is 403 insufficient_scope naming it", async () => {
      const { tokens } = await obtainTokens({ scope: "workflows:read" });
      const response = await mcpLegacy(tokens.access_token, {
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "execute_workflow", arguments: { workflow_id: "w1", inputs: {} } },
      });
      expect(response.status).toBe(403);
      const challenge = response.headers.get("www-authenticate") as string;
      expect(challenge).toContain('error="insufficient_scope"');
      expect(challenge).toMatch(/scope="[^"]*workflows:execute[^"]*"/);
      expect(challenge).toContain(`resource_metadata="${ISSUER}/.well-known/oauth-protected-resource/mcp"`);
    });

    it("RFC 6750 §3.1: an invalid token is 401 invalid_token", async () => {
      const response = await mcpLegacy("not-a-token", { jsonrpc: "2.0", id: 1, method: "tools/list" });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    });

    it("RFC 6750 §2.3 / MCP: a token in the query string is refused", async () => {
      const { tokens } = await obtainTokens();
      const response = await wire(`/mcp?access_token=${tokens.access_token}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(response.status).toBe(400);
    });

    it("MCP transport security: a foreign browser Origin is refused (DNS rebinding)", async () => {
      const { tokens } = await obtainTokens();
      const response = await mcpLegacy(
        tokens.access_token,
        { jsonrpc: "2.0", id: 1, method: "tools/list" },
        { origin: "https://evil.example" },
      );
      expect(response.status).toBe(403);
    });

    it("2025-11-25 lifecycle: initialize then tools/list with a valid token", async () => {
      const { tokens } = await obtainTokens();
      const init = await mcpLegacy(
        tokens.access_token,
        {
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "c", version: "1" } },
        },
        { "mcp-protocol-version": "2025-11-25" },
      );
      expect(init.status).toBe(200);
      const list = await mcpLegacy(
        tokens.access_token,
        { jsonrpc: "2.0", id: 2, method: "tools/list" },
        { "mcp-protocol-version": "2025-11-25" },
      );
      const { result } = await rpcResult<{ tools: Array<{ name: string }> }>(list);
      expect(result?.tools.map((tool) => tool.name)).toEqual(
        expect.arrayContaining([
          "list_workflows",
          "execute_workflow",
          "get_execution_status",
          "list_agents",
          "execute_agent",
        ]),
      );
    });
  });
});
