// Tests that need the real `wrangler dev` (not the vitest workerd pool): what local development loads
// from the env file, and what the local observability store (Local Explorer traces) keeps.
// Run with `npm run test:node` (Node's test runner). Ports 8861-8869; never 8787.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { baseSecrets, filesContaining, signIn, startDevServer } from "../../scripts/dev-server.mjs";

const PORT_WORKOS = Number(process.env.DEV_TEST_PORT ?? 8861);
const PORT_DEV_IDP = PORT_WORKOS + 1;
const PORT_UPSTREAM = PORT_WORKOS + 2;
const PORT_FAKE_WORKOS = PORT_WORKOS + 3;

// Regression for issue 14 finding 8: with `[secrets] required = [...]`, wrangler dev loaded only the names
// listed there, so WORKOS_* in .dev.vars were dropped and sign-in silently used the dev identity provider.
describe("optional secrets reach the Worker under wrangler dev (issue 14 #8)", () => {
  let server;
  before(async () => {
    server = await startDevServer({
      port: PORT_WORKOS,
      inspectorPort: PORT_WORKOS + 7,
      secrets: {
        ...baseSecrets(),
        WORKOS_API_KEY: "sk_test_optional_secret_reaches_the_worker",
        WORKOS_CLIENT_ID: "client_optional_secret_check",
        WORKOS_API_HOSTNAME: `127.0.0.1:${PORT_FAKE_WORKOS}`,
      },
    });
  });
  after(() => server?.stop());

  test("WORKOS_* in the env file → /api/auth/authorize redirects to WorkOS, not to the dev login", async () => {
    const response = await fetch(`${server.url}/api/auth/authorize?provider=authkit`, { redirect: "manual" });
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get("location"));
    assert.equal(location.host, `127.0.0.1:${PORT_FAKE_WORKOS}`);
    assert.equal(location.pathname, "/user_management/authorize");
    assert.equal(location.searchParams.get("client_id"), "client_optional_secret_check");
  });
});

// Regression for issue 14 finding 4: fetch spans record the outbound `url.full`, so a query-located API key
// ended up in the local trace store. After a proxied call, every file of the local state (D1, KV, Durable
// Objects, and the trace store when the collector runs) is swept for the key; the sweep is shown to see
// plaintext by finding a value that is stored in clear (the connection's name).
describe("no credential in the local state or observability store (issue 14 #4)", () => {
  let server;
  let upstream;
  const seen = [];
  before(async () => {
    upstream = createServer((request, response) => {
      seen.push(request.url);
      response.setHeader("content-type", "application/json");
      response.end('{"ok":true}');
    });
    await new Promise((resolve) => upstream.listen(PORT_UPSTREAM, "127.0.0.1", resolve));
    server = await startDevServer({
      port: PORT_DEV_IDP,
      inspectorPort: PORT_DEV_IDP + 7,
      secrets: baseSecrets(),
      migrate: true,
    });
  });
  after(() => {
    server?.stop();
    upstream?.close();
  });

  test("a proxied call with a query-located API key leaves the key in no local file", async () => {
    const secret = `sk-trace-sweep-${randomBytes(8).toString("hex")}`;
    const name = `trace sweep ${randomBytes(4).toString("hex")}`;
    const browser = await signIn(server.url);
    const created = await browser.request("/api/connections", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name,
        provider: "custom_api",
        connection_method: "api_key",
        base_url: `http://127.0.0.1:${PORT_UPSTREAM}`,
        data: { api_key: secret, key_location: "query", key_name: "key" },
      }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { data } = await created.json();
    const proxied = await browser.request(`/api/connections/${data.id}/proxy/v1/me?page=1`);
    assert.equal(proxied.status, 200, await proxied.clone().text());
    assert.ok(
      seen.some((url) => url.includes(`key=${secret}`)),
      "the upstream received the key",
    );
    const tested = await browser.request(`/api/connections/${data.id}/test`, { method: "POST" });
    assert.ok(tested.status < 500);

    // Give tail events and storage writes time to land, then sweep.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.ok(filesContaining(server.persistTo, [name]).length > 0, "the sweep reads the local state");
    assert.deepEqual(filesContaining(server.persistTo, [secret]), []);
    const traces = await fetch(`${server.url}/cdn-cgi/explorer/api/local/observability/query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sql: "select json(attributes) as attributes from spans" }),
    });
    assert.ok(!(await traces.text()).includes(secret), "the local trace store holds no key");
  });
});
