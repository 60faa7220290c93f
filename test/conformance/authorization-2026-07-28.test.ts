import { describe, expect, it, vi } from "vitest";
import { form, mcpModern, obtainTokens, rpcResult, wire } from "./oauth-flow";

/**
 * MCP revision 2026-07-28: stateless requests (no initialize; `_meta` envelope, `Mcp-Method`
 * header) on the same `/mcp`, the same bearer rules, and the revocation bound of SPEC §8.
 */
describe("MCP authorization 2026-07-28", () => {
  it("stateless tools/list with a valid token, no initialize", async () => {
    const { tokens } = await obtainTokens();
    const response = await mcpModern(tokens.access_token, "tools/list");
    expect(response.status).toBe(200);
    const { result } = await rpcResult<{ tools: Array<{ name: string; inputSchema: unknown }> }>(response);
    expect(result?.tools.map((tool) => tool.name)).toContain("list_workflows");
  });

  it("RFC 9728 §5.1: a stateless request without a token is 401 with resource_metadata", async () => {
    const response = await mcpModern(undefined, "tools/list");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("resource_metadata=");
  });

  it("RFC 8707 §2: a token for another audience is refused (no token passthrough)", async () => {
    // A refresh for another resource is refused, so no such token can be minted by this AS.
    const { client, tokens } = await obtainTokens();
    const response = await wire(
      "/oauth/token",
      form({
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token as string,
        client_id: client.client_id,
        resource: "https://other.example/mcp",
      }),
    );
    expect(await response.json()).toMatchObject({ error: "invalid_target" });
  });

  describe("revocation bound (SPEC §8: within 5 seconds)", () => {
    it("a grant revoked by its user stops its access tokens on /mcp within 5 s (injected clock)", async () => {
      const { browser, tokens } = await obtainTokens();
      expect((await mcpModern(tokens.access_token, "tools/list")).status).toBe(200);
      const grants = (await (await browser.request("/api/oauth/grants")).json()) as { data: Array<{ id: string }> };
      const grantId = grants.data[0]?.id as string;
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
      const revoke = await browser.request(`/api/oauth/grants/${grantId}`, { method: "DELETE" });
      expect(revoke.status).toBe(200);
      vi.advanceTimersByTime(5_000);
      expect((await mcpModern(tokens.access_token, "tools/list")).status).toBe(401);
    });

    it("a refresh-token reuse stops the grant's access tokens within 5 s", async () => {
      const { client, tokens } = await obtainTokens();
      const rotated = await wire(
        "/oauth/token",
        form({
          grant_type: "refresh_token",
          refresh_token: tokens.refresh_token as string,
          client_id: client.client_id,
        }),
      );
      const fresh = (await rotated.json()) as { access_token: string };
      expect((await mcpModern(fresh.access_token, "tools/list")).status).toBe(200);
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
      await wire(
        "/oauth/token",
        form({
          grant_type: "refresh_token",
          refresh_token: tokens.refresh_token as string,
          client_id: client.client_id,
        }),
      );
      vi.advanceTimersByTime(5_000);
      expect((await mcpModern(fresh.access_token, "tools/list")).status).toBe(401);
    });

    it("a replayed authorization code stops the access tokens issued from it within 5 s", async () => {
      const { client, code, verifier, tokens } = await obtainTokens();
      expect((await mcpModern(tokens.access_token, "tools/list")).status).toBe(200);
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
      await wire(
        "/oauth/token",
        form({
          grant_type: "authorization_code",
          code,
          redirect_uri: "http://127.0.0.1:33418/callback",
          client_id: client.client_id,
          code_verifier: verifier,
        }),
      );
      vi.advanceTimersByTime(5_000);
      expect((await mcpModern(tokens.access_token, "tools/list")).status).toBe(401);
    });
  });
});
