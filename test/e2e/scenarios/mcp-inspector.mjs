import { randomBytes } from "node:crypto";
import {
  BASE,
  expectNoBrokenImages,
  expectText,
  keepScreenshot,
  RUN_ID,
  signIn,
  startUpstream,
  uniqueEmail,
  until,
} from "../helpers.mjs";
import { createInspector, INSPECTOR_EXIT } from "../inspector.mjs";
import { startLocalMcpServer } from "../local-mcp-server.mjs";

// The MCP Inspector journeys (issues 10 and 13): the real Inspector CLI connects to our `/mcp` the way a new
// user's AI client does — it discovers the authorization server, registers itself, and the user signs in and
// consents in the browser (SPEC §8) — then lists and calls tools; the user's own MCP server is reached through
// the `/mcp` gateway (SPEC §6.7, §8); revoking the app on the web app's Apps page refuses its next call.

const MCP_URL = `${BASE}/mcp`;
/** The Inspector's OAuth callback listener (a loopback redirect URI, RFC 8252 §7.3); 8852–8859 are ours. */
const CALLBACK_URL = "http://127.0.0.1:8853/oauth/callback";
/** SPEC §8: a revoked grant's access tokens stop working within 5 seconds. */
const REVOCATION_BOUND_MS = 5_000;
const OUR_TOOLS = ["list_workflows", "execute_workflow", "get_execution_status", "list_agents", "execute_agent"];
/** The consent page's plain words for the scopes the Inspector asks for (src/oauth-server/scopes.ts). */
const SCOPE_WORDS = [
  "See your workflows and the status of their runs",
  "Run your workflows",
  "See your agents",
  "Run your agents",
  "Use the tools of your connected apps",
];

const toolNames = (outcome) => (outcome.result?.tools ?? []).map((tool) => tool.name);

/** Fails unless the Inspector run ended as `expected`, quoting what it printed. */
function expectExit(outcome, expected, what) {
  if (outcome.code !== expected)
    throw new Error(`${what}: the Inspector exited ${outcome.code}, not ${expected}: ${outcome.stderr.trim()}`);
  return outcome;
}

/**
 * "Connect Inspector, consent in the browser": the Inspector's first `tools/list` meets our 401, runs
 * discovery and dynamic registration, and prints the authorization URL; Chromium (the user) opens it, signs
 * in if needed, checks the consent page and allows; the Inspector receives the code on its loopback
 * listener, exchanges it and finishes the listing.
 */
async function connectInspector(page, inspector, { email, name, screenshot }) {
  const session = inspector.startInteractive(["--method", "tools/list"]);
  const authorizationUrl = new URL(await session.authorizationUrl);
  const asked = authorizationUrl.searchParams;
  if (`${authorizationUrl.origin}${authorizationUrl.pathname}` !== `${BASE}/oauth/authorize`)
    throw new Error(`the Inspector was sent to ${authorizationUrl.href}, not our /oauth/authorize`);
  if (asked.get("code_challenge_method") !== "S256" || !asked.get("code_challenge"))
    throw new Error(`the Inspector's authorization request has no PKCE S256: ${authorizationUrl.search}`);
  if (asked.get("resource") !== MCP_URL) throw new Error(`the Inspector asked for resource ${asked.get("resource")}`);
  if (asked.get("redirect_uri") !== CALLBACK_URL) throw new Error(`redirect_uri is ${asked.get("redirect_uri")}`);

  await page.goto(authorizationUrl.href);
  if (new URL(page.url()).pathname === "/api/auth/dev/login") {
    // Not signed in: sign-in first, then back to exactly this authorization request (SPEC §8).
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Name").fill(name);
    await page.getByRole("button", { name: "Sign in" }).click();
  }
  await page.waitForURL((url) => url.pathname === "/oauth/authorize");
  await expectText(page.getByRole("heading", { level: 1 }), "Allow MCP Inspector to access your account?");
  await expectText(
    page.locator(".app"),
    "Sends you back to 127.0.0.1:8853",
    "the consent page shows the redirect host",
  );
  await expectText(
    page.locator(".app"),
    `Registered itself · ${asked.get("client_id")}`,
    "it says how the app is known",
  );
  await expectText(page.locator("body"), "registered itself and chose its own name", "it warns the name is unverified");
  const scopes = await page.locator("ul.scopes li").allInnerTexts();
  for (const words of SCOPE_WORDS)
    if (!scopes.some((text) => text.startsWith(words)))
      throw new Error(`the consent page does not list "${words}": ${scopes.join(" | ")}`);
  await expectText(page.locator(".account"), `Signed in as ${email}`, "the consent page names the account");
  await keepScreenshot(page, screenshot);
  await page.getByRole("button", { name: "Allow" }).click();

  const outcome = expectExit(await session.finished, INSPECTOR_EXIT.OK, "the first tools/list after consent");
  if (!new URL(page.url()).href.startsWith(CALLBACK_URL))
    throw new Error(`after Allow the browser is at ${page.url()}, not the Inspector's callback`);
  if (new URL(page.url()).searchParams.get("iss") !== BASE)
    throw new Error(`the authorization response carries iss=${new URL(page.url()).searchParams.get("iss")}`);
  return outcome;
}

/** Fails if `secret` appears in anything the Inspector printed. */
function expectNoSecret(outcomes, secret, what) {
  for (const outcome of outcomes)
    if (outcome.stdout.includes(secret) || outcome.stderr.includes(secret))
      throw new Error(`${what} reached the Inspector's output`);
}

/**
 * Issue 13: connect Inspector (signing in for the first time on the way), create a workflow in the web app,
 * list and run it from Inspector, see the execution in the web app, revoke the app, see Inspector refused.
 */
export async function mcpInspectorWorkflow({ page }) {
  const upstream = await startUpstream();
  const inspector = createInspector({ serverUrl: MCP_URL, callbackUrl: CALLBACK_URL });
  try {
    const email = uniqueEmail("inspector");
    const listed = await connectInspector(page, inspector, {
      email,
      name: "E2E Inspector",
      screenshot: "mcp-inspector-consent",
    });
    for (const tool of OUR_TOOLS)
      if (!toolNames(listed).includes(tool))
        throw new Error(`Inspector's tools/list lacks ${tool}: ${toolNames(listed).join(", ")}`);

    // A workflow made in the web app's editor, with an input the Inspector will pass.
    const workflowName = `Inspector greeting ${RUN_ID}`;
    await page.goto(`${BASE}/workflows/new`);
    const definition = {
      name: workflowName,
      description: "Posts the message it is given",
      input_schema: { type: "object", properties: { message: { type: "string" } }, required: ["message"] },
      nodes: [
        {
          id: "notify",
          type: "webhook",
          config: { url: `${upstream.url}/hook`, method: "POST", body: { message: "{{inputs.message}}" } },
        },
      ],
      edges: [],
    };
    await page.getByTestId("workflow-json").fill(JSON.stringify(definition, null, 2));
    await page.getByTestId("save-workflow").click();
    await page.waitForURL((url) => /^\/workflows\/[0-9a-f-]{36}$/.test(url.pathname));
    const workflowId = new URL(page.url()).pathname.split("/").pop();

    const stored = ["--stored-auth-only"];
    const workflows = expectExit(
      await inspector.run([...stored, "--method", "tools/call", "--tool-name", "list_workflows"]),
      INSPECTOR_EXIT.OK,
      "tools/call list_workflows",
    );
    const seen = workflows.result?.structuredContent?.workflows ?? [];
    if (!seen.some((workflow) => workflow.id === workflowId && workflow.name === workflowName))
      throw new Error(`list_workflows through Inspector does not show the new workflow: ${workflows.stdout}`);

    const message = `hello from Inspector ${RUN_ID}`;
    const args = { workflow_id: workflowId, inputs: { message }, wait_seconds: 30 };
    const executed = expectExit(
      await inspector.run([
        ...stored,
        "--method",
        "tools/call",
        "--tool-name",
        "execute_workflow",
        "--tool-args-json",
        JSON.stringify(args),
      ]),
      INSPECTOR_EXIT.OK,
      "tools/call execute_workflow",
    );
    const execution = executed.result?.structuredContent;
    if (execution?.status !== "completed" || execution.definition_id !== workflowId)
      throw new Error(`execute_workflow through Inspector did not complete the workflow: ${executed.stdout}`);
    const hook = upstream.requests.find((request) => request.url === "/hook");
    if (!hook || JSON.parse(hook.body).message !== message)
      throw new Error(`the workflow did not post Inspector's input: ${JSON.stringify(hook ?? null)}`);

    // The run started from Inspector is in the web app.
    await page.goto(`${BASE}/executions`);
    const row = page
      .getByTestId("execution-row")
      .filter({ has: page.locator(`a[href="/executions/${execution.execution_id}"]`) });
    await expectText(row, "completed", "the executions page lists the Inspector's run as completed");
    await keepScreenshot(page, "mcp-inspector-executions");
    await row.getByRole("link").click();
    await page.getByTestId("execution-status").filter({ hasText: "completed" }).waitFor();

    // Revoke the app on the Apps page; Inspector's next call is refused within the SPEC's bound.
    await page.getByRole("link", { name: "Apps", exact: true }).first().click();
    await page.waitForURL((url) => url.pathname === "/apps");
    const app = page.getByTestId("authorized-app").filter({ hasText: "MCP Inspector" });
    await expectText(app, "Run your workflows", "the Apps page lists Inspector with its permissions");
    await keepScreenshot(page, "mcp-inspector-apps");
    page.once("dialog", (dialog) => void dialog.accept());
    const revoked = page.waitForResponse(
      (response) => response.request().method() === "DELETE" && response.url().includes("/api/oauth/grants/"),
    );
    await app.getByTestId("revoke-app").click();
    if ((await revoked).status() !== 200) throw new Error(`revoking answered ${(await revoked).status()}`);
    const revokedAt = Date.now();
    await expectText(page.locator("main"), "No apps have access to your account.", "the Apps page no longer lists it");

    // Calls that start within the bound may still be served; the first one after it must not be.
    let refused;
    while (!refused) {
      const startedAt = Date.now() - revokedAt;
      const outcome = await inspector.run([...stored, "--method", "tools/call", "--tool-name", "list_workflows"]);
      if (outcome.code !== INSPECTOR_EXIT.OK) refused = outcome;
      else if (startedAt > REVOCATION_BOUND_MS)
        throw new Error(`Inspector's call started ${startedAt} ms after revoking was still served`);
    }
    expectExit(refused, INSPECTOR_EXIT.AUTH_REQUIRED, "the call after revoking");
    if (refused.error?.code !== "auth_required")
      throw new Error(`the refusal's error envelope is ${JSON.stringify(refused.error)}`);
  } finally {
    inspector.close();
    await upstream.close();
  }
}

/**
 * Issue 10: connect an MCP server the user runs locally (SDK, Streamable HTTP, bearer token), see its tools,
 * call one from the web app; then call it from Inspector through our `/mcp` gateway — the local server gets
 * its credential from the edge, and Inspector never sees it.
 */
export async function mcpInspectorGateway({ page, context }) {
  const token = `e2e-mcp-token-${randomBytes(12).toString("hex")}`;
  const local = await startLocalMcpServer({ bearerToken: token });
  const inspector = createInspector({ serverUrl: MCP_URL, callbackUrl: CALLBACK_URL });
  try {
    const email = uniqueEmail("gateway");
    await signIn(page, email, "E2E Gateway");
    const connectionName = "E2E local MCP";
    await page.getByTestId("add-connection").click();
    await page.getByTestId("add-mcp").click();
    await page.waitForURL((url) => url.pathname === "/connections/new-mcp");
    const form = page.getByTestId("mcp-form");
    await form.getByRole("textbox", { name: "Name", exact: true }).fill(connectionName);
    await form.getByRole("textbox", { name: "Server URL", exact: true }).fill(local.url);
    await form.getByRole("radio", { name: "Bearer token" }).check();
    await form.getByLabel("Token", { exact: true }).fill(token); // a password input has no textbox role

    // The discover preview lists the server's tools before anything is saved.
    await form.getByRole("button", { name: "Discover tools" }).click();
    const preview = page.getByTestId("mcp-preview");
    await expectText(preview, "e2e-local-mcp 1.0.0 · streamable-http", "the preview names the server and transport");
    await expectText(preview, "2 tools", "the preview counts the server's tools");
    await keepScreenshot(page, "mcp-gateway-discover");
    await form.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL((url) => /^\/connections\/[0-9a-f-]{36}$/.test(url.pathname));

    // Its tools on the connection page; "Try it" calls one through the edge.
    const tools = page.getByTestId("mcp-connection-tools");
    await expectText(tools, "echo", "the connection page lists echo");
    // A static token is the user's, not one we obtain: no "not authorized" token state (regression).
    await expectText(page.getByTestId("connection-status"), "Active", "the status panel shows the connection active");
    if ((await page.getByTestId("connection-status").textContent())?.includes("not authorized"))
      throw new Error("the status panel calls the working bearer-token MCP connection not authorized");
    await expectNoBrokenImages(page, "the MCP connection's page"); // custom_mcp has no catalog logo (regression)
    const add = tools.getByTestId("mcp-tool").filter({ hasText: "Add numbers" });
    await add.getByRole("button", { name: "Try it" }).click();
    await page
      .getByTestId("mcp-call")
      .getByRole("textbox")
      .fill(JSON.stringify({ a: 2, b: 3 }));
    await page.getByRole("button", { name: "Call tool" }).click();
    const result = page.getByTestId("mcp-call-result");
    await expectText(result, "Result:", "the web app shows the tool's result");
    await expectText(result, '"sum": 5', "the result carries the structured sum");
    await keepScreenshot(page, "mcp-gateway-try-tool");
    if (!local.calls.some((call) => call.name === "add" && call.arguments.a === 2 && call.arguments.b === 3))
      throw new Error(`the local server did not receive add(2, 3): ${JSON.stringify(local.calls)}`);
    if ((await page.content()).includes(token)) throw new Error("the MCP server's token reached the page");

    // "Use it from code" gives a tool call, not the HTTP proxy (which refuses MCP connections); a program runs it.
    await page.getByRole("region", { name: "Use it from code" }).getByLabel("Tool").selectOption("add");
    const curl = (await page.getByTestId("snippet-curl").textContent()) ?? "";
    const snippet = /curl -X POST '([^']+)'[\s\S]*-d '([^']+)'/.exec(curl);
    if (!snippet?.[1].endsWith("/tools/add/call"))
      throw new Error(`the MCP connection's snippet does not call a tool: ${curl}`);
    const key = await context.request.post(`${BASE}/api/api-keys`, {
      headers: { origin: BASE },
      data: { name: "E2E gateway program", scopes: ["connections:use"] },
    });
    if (key.status() !== 201) throw new Error(`creating an API key answered ${key.status()}`);
    const program = await fetch(snippet[1], {
      method: "POST",
      headers: { authorization: `Bearer ${(await key.json()).data.key}`, "content-type": "application/json" },
      body: snippet[2],
    });
    const programResult = await program.json();
    if (program.status !== 200 || programResult.data?.structured_content?.sum !== 0)
      throw new Error(`the snippet's call answered ${program.status}: ${JSON.stringify(programResult)}`);

    // Inspector, consented with `connections:use`, sees and calls the gateway's prefixed tool.
    const listed = await connectInspector(page, inspector, {
      email,
      name: "E2E Gateway",
      screenshot: "mcp-gateway-consent",
    });
    const echoName = "e2e-local-mcp__echo";
    if (!toolNames(listed).includes(echoName) || !toolNames(listed).includes("e2e-local-mcp__add"))
      throw new Error(`Inspector's tools/list lacks the gateway's tools: ${toolNames(listed).join(", ")}`);
    const described = listed.result.tools.find((tool) => tool.name === echoName);
    if (!described.description.startsWith(`[${connectionName}]`))
      throw new Error(`the gateway tool's description does not name its connection: ${described.description}`);

    const text = `through the gateway ${RUN_ID}`;
    const callsBefore = local.requests.length;
    const called = expectExit(
      await inspector.run([
        "--stored-auth-only",
        "--method",
        "tools/call",
        "--tool-name",
        echoName,
        "--tool-args-json",
        JSON.stringify({ text }),
      ]),
      INSPECTOR_EXIT.OK,
      `tools/call ${echoName}`,
    );
    const content = called.result?.content ?? [];
    if (content[0]?.type !== "text" || content[0].text !== text)
      throw new Error(`the gateway call did not return the local server's answer: ${called.stdout}`);
    await until(
      "the local server received the echo with its own credential",
      () => local.requests.slice(callsBefore),
      (requests) =>
        requests.length > 0 &&
        requests.every((request) => request.authorization === `Bearer ${token}`) &&
        local.calls.some((call) => call.name === "echo" && call.arguments.text === text),
    );
    expectNoSecret([listed, called], token, "the MCP server's token");
  } finally {
    inspector.close();
    await local.close();
  }
}
