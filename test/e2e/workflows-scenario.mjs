// Browser scenario for the workflow pages (web/src/workflows), for test/e2e/run.mjs once the app shell routes
// /workflows, /workflows/new, /workflows/:id, /executions and /executions/:id to WorkflowsPage,
// WorkflowEditorPage, ExecutionsPage and ExecutionPage. It was run by hand against `wrangler dev` with those
// routes in place: the editor shows the server's per-node problems, a saved workflow runs, and the execution
// page goes from `running` to `completed` live from the event stream.
//
//   await createRunAndWatchWorkflow({ page, base, upstreamUrl, signIn })
//
// `upstreamUrl`: a local HTTP server answering JSON; requests to `${upstreamUrl}/slow` should answer after ~2 s
// so the page is seen running before it completes. `signIn(page, returnTo)` signs in and lands on `returnTo`.

/** Creates a two-node workflow in the editor, runs it, and waits for the execution page to show it completed live. */
export async function createRunAndWatchWorkflow({ page, base, upstreamUrl, signIn }) {
  await signIn(page, "/workflows/new");
  await page.waitForURL((url) => url.pathname === "/workflows/new");
  const definition = {
    name: `E2E workflow ${Date.now()}`,
    nodes: [
      { id: "get", type: "http", config: { url: `${upstreamUrl}/slow`, method: "GET" } },
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
