import { beforeEach, describe, expect, it } from "vitest";
import { createFakeUpstream } from "../fakes/upstream";
import { bodyFor, createConnection, UPSTREAM_HOST } from "../helpers/connections";
import { interceptOutbound } from "../helpers/outbound";
import { signedInBrowser } from "../helpers/session";
import { createWorkflow, executeAndWait } from "../helpers/workflows";

let upstream: ReturnType<typeof createFakeUpstream>;
let hooks: Array<{ headers: Headers; body: string }>;

beforeEach(() => {
  upstream = createFakeUpstream();
  hooks = [];
  interceptOutbound({
    [UPSTREAM_HOST]: upstream.fetch,
    "hooks.example.test": async (request) => {
      hooks.push({ headers: request.headers, body: await request.text() });
      return Response.json({ received: true });
    },
  });
});

describe("embedded engine: an http → webhook workflow", () => {
  it("completes with credentials injected at the edge and absent from outputs", async () => {
    const browser = await signedInBrowser();
    const secret = `sk-live-${crypto.randomUUID()}`;
    const conn = await createConnection(browser, bodyFor("api_key", { data: { api_key: secret } }));
    const workflow = await createWorkflow(browser, {
      name: "Fetch and notify",
      input_schema: { type: "object", required: ["item"], properties: { item: { type: "string" } } },
      nodes: [
        {
          id: "fetch",
          type: "http",
          config: {
            connectionId: conn.id,
            path: "/items/{{inputs.item}}",
            method: "GET",
            map: [{ as: "path", select: "$.echo.path" }],
          },
        },
        {
          id: "notify",
          type: "webhook",
          config: {
            url: "https://hooks.example.test/done",
            method: "POST",
            body: { fetched: "{{nodes.fetch.output.path}}" },
          },
        },
      ],
      edges: [{ source: "fetch", target: "notify" }],
    });
    const execution = await executeAndWait(browser, () =>
      browser.json(`/api/workflows/${workflow.id}/execute`, "POST", { inputs: { item: "42" } }),
    );
    expect(execution).toMatchObject({ status: "completed", engine: "cloudflare", version: 1 });
    expect(upstream.received[0]?.headers.authorization).toBe(`Bearer ${secret}`);
    expect(JSON.parse(hooks[0]?.body ?? "{}")).toEqual({ fetched: "/items/42" });
    expect(execution.nodes?.map((node) => [node.node_id, node.status, node.attempts])).toEqual([
      ["fetch", "completed", 1],
      ["notify", "completed", 1],
    ]);
    expect(JSON.stringify(execution)).not.toContain(secret);
  });
});
