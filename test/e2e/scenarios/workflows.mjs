import { createServer } from "node:http";
import { BASE, keepScreenshot, signIn, uniqueEmail } from "../helpers.mjs";

// Browser scenario for the workflow pages (web/src/workflows): the editor shows the server's per-node
// problems, a saved workflow runs on the embedded engine, and the execution page goes from running to
// completed live from the event stream (SPEC §7.2).

/** A local JSON server whose `/slow` answers after ~2 s, so the page is seen running before it completes. */
async function slowUpstream() {
  const server = createServer((req, res) => {
    req.resume();
    const answer = () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, path: req.url, authorization: req.headers.authorization ? "set" : "none" }));
    };
    if (req.url?.startsWith("/slow")) setTimeout(answer, 2_000);
    else answer();
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sign in, create an API-key connection to a local server, build a two-node workflow in the editor, run it, watch it. */
export async function workflowCreateRunWatch({ page, context }) {
  const upstream = await slowUpstream();
  try {
    await signIn(page, uniqueEmail("workflow"), "E2E Workflows");
    const created = await context.request.post(`${BASE}/api/connections`, {
      headers: { origin: BASE },
      data: {
        name: "E2E workflow upstream",
        connection_method: "api_key",
        provider: "custom_api",
        base_url: upstream.url,
        data: { api_key: "e2e-workflow-secret-key" },
      },
    });
    if (created.status() !== 201) throw new Error(`creating the connection failed: ${created.status()}`);
    const connectionId = (await created.json()).data.id;
    await page.goto(`${BASE}/workflows/new`);
    await createRunAndWatchWorkflow({ page, base: BASE, upstreamUrl: upstream.url, connectionId });
    const body = await page.content();
    if (body.includes("e2e-workflow-secret-key")) throw new Error("the connection's key reached the page");
    await keepScreenshot(page, "workflow-executions");
  } finally {
    await upstream.close();
  }
}

/** Creates a two-node workflow in the editor, runs it, and waits for the execution page to show it completed live. */
async function createRunAndWatchWorkflow({ page, base, upstreamUrl, connectionId }) {
  await page.waitForURL((url) => url.pathname === "/workflows/new");
  const definition = {
    name: `E2E workflow ${Date.now()}`,
    nodes: [
      { id: "get", type: "http", config: { connectionId, path: "/slow", method: "GET" } },
      { id: "notify", type: "webhook", config: { url: `${upstreamUrl}/hook`, method: "GET" } },
    ],
    edges: [{ source: "get", target: "notify" }],
  };
  // An invalid node first: the problem is shown under its node id.
  await page.getByTestId("workflow-json").fill(JSON.stringify(definition, null, 2));
  await page.getByTestId("save-workflow").click();
  const problems = (await page.getByTestId("workflow-problems").textContent()) ?? "";
  if (!problems.includes("notify") || !problems.includes("nodes[1].config.method"))
    throw new Error(`the editor did not show the node's problem: ${problems}`);
  definition.nodes[1].config.method = "POST";
  definition.nodes[1].config.body = { got: "{{nodes.get.output.body}}" };
  await page.getByTestId("workflow-json").fill(JSON.stringify(definition, null, 2));
  await page.getByTestId("save-workflow").click();
  await page.waitForURL((url) => /^\/workflows\/[0-9a-f-]{36}$/.test(url.pathname));
  await page.getByTestId("run-workflow").click();
  await page.waitForURL((url) => url.pathname.startsWith("/executions/"));
  await page
    .getByTestId("execution-status")
    .filter({ hasText: /queued|running/ })
    .waitFor();
  await page.getByTestId("execution-status").filter({ hasText: "completed" }).waitFor({ timeout: 30_000 });
  const statuses = await page.locator("[data-testid^=node-] [data-testid=node-status]").allInnerTexts();
  if (statuses.join(",") !== "completed,completed") throw new Error(`node statuses: ${statuses.join(", ")}`);
  await page.goto(`${base}/executions`);
  await page.getByTestId("execution-row").first().waitFor();
}
