import { describe, expect, it } from "vitest";
import { createStreamableMcpServer } from "../fakes/mcp-servers";
import { createConnection } from "../helpers/connections";
import { interceptOutbound } from "../helpers/outbound";
import { signedInBrowser } from "../helpers/session";
import { createWorkflow, executeAndWait } from "../helpers/workflows";

describe("embedded engine: nodes of other features (mcp_tool, paragon_action)", () => {
  it("runs an mcp_tool node with the owner's MCP connection and templated parameters", async () => {
    const server = createStreamableMcpServer({ host: "mcp.workflow.test" });
    interceptOutbound({ [server.host]: server.fetch });
    const browser = await signedInBrowser();
    const mcp = await createConnection(browser, {
      connection_method: "mcp",
      provider: "custom_mcp",
      name: "Workflow MCP",
      mcp_server_url: server.url,
      data: { auth_type: "none" },
    });
    const workflow = await createWorkflow(browser, {
      name: "MCP",
      nodes: [
        {
          id: "sum",
          type: "mcp_tool",
          config: {
            connectionId: mcp.id,
            tool: "add",
            parameters: { a: "{{inputs.a}}", b: 2 },
            outputVariable: "total",
          },
        },
      ],
      edges: [],
    });
    const execution = await executeAndWait(browser, () =>
      browser.json(`/api/workflows/${workflow.id}/execute`, "POST", { inputs: { a: 40 } }),
    );
    expect(execution.status).toBe("completed");
    expect(execution.nodes?.[0]?.output).toMatchObject({ structured_content: { sum: 42 }, is_error: false });
    expect(execution.output).toMatchObject({ vars: { total: { structured_content: { sum: 42 } } } });
  });

  it("fails an mcp_tool node whose arguments do not fit the tool's schema, without retrying", async () => {
    const server = createStreamableMcpServer({ host: "mcp.workflow2.test" });
    interceptOutbound({ [server.host]: server.fetch });
    const browser = await signedInBrowser();
    const mcp = await createConnection(browser, {
      connection_method: "mcp",
      provider: "custom_mcp",
      name: "Workflow MCP 2",
      mcp_server_url: server.url,
      data: { auth_type: "none" },
    });
    const workflow = await createWorkflow(browser, {
      name: "MCP bad",
      nodes: [{ id: "sum", type: "mcp_tool", config: { connectionId: mcp.id, tool: "add", parameters: { a: "one" } } }],
      edges: [],
    });
    const execution = await executeAndWait(browser, () =>
      browser.json(`/api/workflows/${workflow.id}/execute`, "POST", {}),
    );
    expect(execution).toMatchObject({ status: "failed", error: { node_id: "sum", code: "invalid_tool_arguments" } });
    expect(execution.nodes?.[0]?.attempts).toBe(1);
  });

  it("runs paragon_action as the owner: without a connected integration it fails with Paragon's own error", async () => {
    const browser = await signedInBrowser();
    const workflow = await createWorkflow(browser, {
      name: "Paragon",
      nodes: [
        {
          id: "p",
          type: "paragon_action",
          config: { integration: "slack", action: "SLACK_SEND_MESSAGE", parameters: { text: "hi" } },
        },
      ],
      edges: [],
    });
    const execution = await executeAndWait(browser, () =>
      browser.json(`/api/workflows/${workflow.id}/execute`, "POST", {}),
    );
    expect(execution).toMatchObject({ status: "failed", error: { node_id: "p", code: "not_found" } });
    expect(execution.error?.message).toMatch(/No connected Paragon integration "slack"/);
    expect(execution.nodes?.[0]?.attempts).toBe(1);
  });
});
