import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createFakeUpstream } from "../fakes/upstream";
import { bodyFor, createConnection, UPSTREAM_HOST } from "../helpers/connections";
import { APP_ORIGIN, expectError } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { signedInBrowser } from "../helpers/session";

/** Regressions for issue 14 finding 6 ("URL and path hygiene") through the Worker. */
let upstream: ReturnType<typeof createFakeUpstream>;
beforeEach(() => {
  upstream = createFakeUpstream();
  interceptOutbound({ [UPSTREAM_HOST]: upstream.fetch });
});
const liveCount = async () =>
  (await env.DB.prepare("select count(*) as n from connections where deleted_at is null").first<{ n: number }>())?.n;

describe("mcp_server_url is an http(s) URL under the SSRF policy, like base_url (issue 14 #6)", () => {
  it.each([
    ["a javascript: URL", "javascript:alert(1)"],
    ["a data: URL", "data:text/html,x"],
    ["a file: URL", "file:///etc/passwd"],
    ["an ftp: URL", "ftp://mcp.example.com/"],
    ["a metadata address", "http://169.254.169.254/latest"],
    ["a private address", "https://10.0.0.1/mcp"],
  ])("refuses %s with 400 and writes nothing", async (_name, url) => {
    const browser = await signedInBrowser();
    const before = await liveCount();
    const body = await expectError(
      await browser.json("/api/connections", "POST", bodyFor("bearer", { mcp_server_url: url })),
      400,
      "invalid_request",
    );
    expect(JSON.stringify(body.error.details)).toContain("mcp_server_url");
    expect(await liveCount()).toBe(before);
  });

  it("refuses an MCP connection whose data.server_url is a private address", async () => {
    const browser = await signedInBrowser();
    const body = await expectError(
      await browser.json(
        "/api/connections",
        "POST",
        bodyFor("mcp", { data: { server_url: "https://192.168.1.10/mcp", auth_type: "none" } }),
      ),
      400,
      "invalid_request",
    );
    expect(JSON.stringify(body.error.details)).toContain("data.server_url");
  });

  it("accepts a public https mcp_server_url", async () => {
    const browser = await signedInBrowser();
    const created = await createConnection(
      browser,
      bodyFor("bearer", { mcp_server_url: "https://mcp.example.com/mcp" }),
    );
    expect(created).toMatchObject({ mcp_server_url: "https://mcp.example.com/mcp" });
  });
});

describe("the proxy path guard normalises before deciding (issue 14 #6)", () => {
  it.each([
    "/..;/admin",
    "/%2e%2e;/admin",
    "/.../admin",
    "/..%20/admin",
    "/%c0%ae%c0%ae/admin",
    "/%ef%bc%8e%ef%bc%8e/admin",
  ])("refuses %s with 400 and sends nothing upstream", async (path) => {
    const browser = await signedInBrowser();
    const created = await createConnection(browser, bodyFor("api_key"));
    await expectError(await browser.request(`/api/connections/${created.id}/proxy${path}`), 400, "invalid_request");
    expect(upstream.received).toHaveLength(0);
  });
});

describe("OPTIONS on the proxy route (issue 14 #6; Fetch standard, CORS preflight)", () => {
  it("forwards an OPTIONS that is not a preflight to the upstream, with credentials", async () => {
    const browser = await signedInBrowser();
    const created = await createConnection(browser, bodyFor("api_key"));
    const response = await browser.request(`/api/connections/${created.id}/proxy/items`, { method: "OPTIONS" });
    expect(response.status).toBe(200);
    expect(upstream.received).toHaveLength(1);
    expect(upstream.received[0]?.method).toBe("OPTIONS");
  });

  it("answers a real preflight (Access-Control-Request-Method) itself and sends nothing upstream", async () => {
    const browser = await signedInBrowser();
    const created = await createConnection(browser, bodyFor("api_key"));
    const response = await browser.request(`/api/connections/${created.id}/proxy/items`, {
      method: "OPTIONS",
      headers: { origin: APP_ORIGIN, "access-control-request-method": "POST" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(upstream.received).toHaveLength(0);
  });
});
