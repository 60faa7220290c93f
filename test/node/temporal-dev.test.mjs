// The Temporal hand-off under the real `wrangler dev`, as a newcomer would try it: TEMPORAL_HTTP_URL and
// WORKER_JWKS in the env file, the local Temporal stand-in (scripts/local-temporal.mjs), a local upstream.
// The worker's side is played by the shipped worker's internal API client and token signer (worker/src),
// step by step, since no Temporal server runs here. Run with `npm run test:node`. Ports 8811-8815; never 8787.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { exportJWK, generateKeyPair } from "jose";
import { baseSecrets, signIn, startDevServer } from "../../scripts/dev-server.mjs";
import { startLocalTemporal } from "../../scripts/local-temporal.mjs";
import { createInternalApiClient } from "../../worker/src/internal-api.ts";
import { createTokenSigner } from "../../worker/src/token.ts";

const PORT = Number(process.env.TEMPORAL_DEV_TEST_PORT ?? 8811);
const PORT_TEMPORAL = PORT + 1;
const PORT_UPSTREAM = PORT + 2;
const APP_ORIGIN = "http://localhost:8787"; // APP_URL of wrangler.toml: the token audience is `${APP_URL}/internal`

describe("Temporal hand-off under wrangler dev (SPEC §7.3–7.4)", () => {
  let server;
  let temporal;
  let upstream;
  const received = [];
  let keys;

  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
    keys = { privateJwk: { ...(await exportJWK(privateKey)), kid: "dev-test", alg: "ES256" } };
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: "dev-test", alg: "ES256", use: "sig" }] };
    temporal = await startLocalTemporal({ port: PORT_TEMPORAL, log: () => {} });
    upstream = createServer((request, response) => {
      if (request.url === "/jwks.json") {
        response.writeHead(200, { "content-type": "application/jwk-set+json" });
        response.end(JSON.stringify(jwks));
        return;
      }
      received.push({ path: request.url, authorization: request.headers.authorization });
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ title: "from upstream" }));
    });
    await new Promise((resolve) => upstream.listen(PORT_UPSTREAM, "127.0.0.1", resolve));
    server = await startDevServer({
      port: PORT,
      inspectorPort: PORT + 5,
      migrate: true,
      // The public keys by URL (fetched and cached by the Worker), as a deployment with key rotation would.
      secrets: {
        ...baseSecrets(),
        TEMPORAL_HTTP_URL: temporal.url,
        WORKER_JWKS_URL: `http://127.0.0.1:${PORT_UPSTREAM}/jwks.json`,
      },
    });
  });
  after(() => {
    server?.stop();
    temporal?.close();
    upstream?.close();
  });

  test("an execution is started on Temporal and run through the internal API by the worker", async () => {
    const browser = await signIn(server.url);
    const json = (path, method, body) =>
      browser.request(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const secret = "sk-dev-temporal-secret";
    const connection = await (
      await json("/api/connections", "POST", {
        name: "Local API",
        provider: "custom_api",
        connection_method: "api_key",
        base_url: `http://127.0.0.1:${PORT_UPSTREAM}`,
        data: { api_key: secret },
      })
    ).json();
    assert.equal(connection.success, true, JSON.stringify(connection));
    const workflow = await (
      await json("/api/workflows", "POST", {
        name: "Fetch on Temporal",
        nodes: [
          { id: "fetch", type: "http", config: { connectionId: connection.data.id, path: "/items/1", method: "GET" } },
        ],
        edges: [],
      })
    ).json();
    assert.equal(workflow.success, true, JSON.stringify(workflow));
    const queued = await (await json(`/api/workflows/${workflow.data.id}/execute`, "POST", { inputs: {} })).json();
    assert.equal(queued.data.engine, "temporal");
    const executionId = queued.data.id;

    // The JOBS consumer (batch timeout 5 s) calls the local Temporal.
    let started;
    for (let i = 0; i < 80 && !started; i++) {
      started = temporal.fake.workflow(executionId);
      if (!started) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(started, "Temporal received no start");
    assert.equal(started.workflowType, "runWorkflow");
    assert.deepEqual(started.args[0], {
      executionId,
      kind: "workflow",
      definitionId: workflow.data.id,
      version: 1,
      userId: started.args[0].userId,
    });

    // The worker: load, report, run the node at the edge, report.
    const signer = await createTokenSigner({
      privateJwk: keys.privateJwk,
      issuer: "temporal-worker",
      audience: `${APP_ORIGIN}/internal`,
    });
    const api = createInternalApiClient({
      appUrl: new URL(APP_ORIGIN),
      signer,
      fetch: (input, init) => fetch(String(input).replace(APP_ORIGIN, server.url), init),
    });
    const execution = await api.getExecution(executionId);
    assert.equal(execution.status, "queued");
    await api.postEvent(executionId, { id: "started", type: "started", at: Date.now() });
    await api.postEvent(executionId, {
      id: "fetch:started:1",
      type: "node_started",
      node_id: "fetch",
      attempt: 1,
      at: Date.now(),
    });
    const output = await api.runActivity(executionId, "http", {
      node_id: "fetch",
      config: execution.definition.nodes[0].config,
    });
    assert.equal(output.status, 200);
    assert.deepEqual(output.body, { title: "from upstream" });
    assert.equal(received[0].authorization, `Bearer ${secret}`);
    assert.ok(!JSON.stringify(output).includes(secret));
    await api.postEvent(executionId, {
      id: "fetch:completed",
      type: "node_completed",
      node_id: "fetch",
      output,
      attempts: 1,
      at: Date.now(),
    });
    await api.postEvent(executionId, {
      id: "completed",
      type: "completed",
      output: { nodes: { fetch: output } },
      at: Date.now(),
    });

    const done = await (await browser.request(`/api/executions/${executionId}`)).json();
    assert.equal(done.data.status, "completed");
    assert.equal(done.data.engine, "temporal");
    assert.ok(!JSON.stringify(done).includes(secret));
  });
});
