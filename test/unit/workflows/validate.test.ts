// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the seeds' ${…} templates are data here, not JavaScript template literals
import { describe, expect, it } from "vitest";
import {
  agentConnectionReferences,
  checkConnectionReferences,
  type FoundConnection,
  type ValidAgent,
  validateAgentDefinition,
  validateWorkflowDefinition,
  workflowConnectionReferences,
} from "../../../src/workflows/definitions";
import type { WorkflowDefinition } from "../../../src/workflows/interpreter";

const httpNode = (id: string, config: Record<string, unknown> = {}) => ({
  id,
  type: "http",
  config: { url: "https://api.example.test/items", method: "GET", ...config },
});
const valid = {
  name: "Fetch and notify",
  input_schema: { type: "object", properties: { id: { type: "string" } } },
  nodes: [
    httpNode("fetch", {
      url: "https://api.example.test/items/{{inputs.id}}",
      map: [{ as: "title", select: "$.title" }],
    }),
    {
      id: "notify",
      type: "webhook",
      config: { url: "https://hooks.example.test/x", method: "POST", body: { text: "{{nodes.fetch.output.title}}" } },
    },
  ],
  edges: [{ source: "fetch", target: "notify", condition: "nodes.fetch.output.status == 200" }],
};

const detailsOf = (input: unknown) => {
  const result = validateWorkflowDefinition(input);
  return result.ok ? [] : result.details;
};
const withNodes = (nodes: unknown[], edges: unknown[] = []) => ({ name: "W", nodes, edges });

describe("validateWorkflowDefinition", () => {
  it("accepts a valid definition (seed shapes)", () => {
    expect(validateWorkflowDefinition(valid)).toEqual({ ok: true, value: valid });
  });

  it("accepts every node type with the seeds' field names", () => {
    const nodes = [
      httpNode("h", { url: undefined, connectionId: "c1", path: "/files", map: [{ as: "files", select: "$.files" }] }),
      {
        id: "w",
        type: "webhook",
        config: {
          connectionId: "c2",
          method: "PATCH",
          mode: "blocking",
          retryPolicy: { attempts: 5, backoffMs: 2000 },
        },
      },
      {
        id: "l",
        type: "llm",
        config: {
          provider: "openai",
          model: "gpt-4",
          connectionId: "c3",
          prompt: "Summarize: ${inputs.text}",
          temperature: 0.7,
        },
      },
      {
        id: "i",
        type: "integration",
        config: {
          service: "slack",
          operation: "send_message",
          connectionId: "c4",
          config: { channel: "#notifications", text: "Workflow completed: ${workflow.name}" },
        },
      },
      {
        id: "m",
        type: "mcp_tool",
        config: {
          connectionId: "c5",
          tool: "read_file",
          parameters: { path: "/app/config/${inputs.environment}.json" },
          outputVariable: "config",
        },
      },
      {
        id: "p",
        type: "paragon_action",
        config: { integration: "salesforce", action: "SALESFORCE_CREATE_RECORD", parameters: { name: "x" } },
      },
    ];
    expect(detailsOf(withNodes(nodes))).toEqual([]);
  });

  it.each<[string, unknown, Array<{ node_id: string | null; path: string; message: RegExp | string }>]>([
    [
      "an unknown node type",
      withNodes([{ id: "a", type: "ftp", config: {} }]),
      [{ node_id: "a", path: "nodes[0].type", message: /unknown node type "ftp"/ }],
    ],
    [
      "a config invalid for its type (missing method)",
      withNodes([{ id: "a", type: "http", config: { url: "https://x.test" } }]),
      [{ node_id: "a", path: "nodes[0].config.method", message: /expected one of|Invalid option/ }],
    ],
    [
      "an unknown config field",
      withNodes([httpNode("a", { methd: "GET" })]),
      [{ node_id: "a", path: "nodes[0].config", message: /Unrecognized key/ }],
    ],
    [
      "both url and connectionId",
      withNodes([httpNode("a", { connectionId: "c1" })]),
      [{ node_id: "a", path: "nodes[0].config.url", message: /either a url or a connectionId/ }],
    ],
    [
      "neither url nor connectionId",
      withNodes([httpNode("a", { url: undefined })]),
      [{ node_id: "a", path: "nodes[0].config.url", message: /give a url or a connectionId/ }],
    ],
    [
      "a non-http URL",
      withNodes([httpNode("a", { url: "file:///etc/passwd" })]),
      [{ node_id: "a", path: "nodes[0].config.url", message: /http\(s\) URL/ }],
    ],
    [
      "a templated connectionId",
      withNodes([{ id: "a", type: "mcp_tool", config: { connectionId: "{{inputs.c}}", tool: "t" } }]),
      [{ node_id: "a", path: "nodes[0].config.connectionId", message: /templates are not allowed/ }],
    ],
    [
      "an invalid map JSONPath",
      withNodes([httpNode("a", { map: [{ as: "x", select: "$..x" }] })]),
      [{ node_id: "a", path: "nodes[0].config.map[0].select", message: /member name/ }],
    ],
    [
      "an unknown llm provider",
      withNodes([{ id: "a", type: "llm", config: { provider: "skynet", model: "m", connectionId: "c", prompt: "p" } }]),
      [{ node_id: "a", path: "nodes[0].config.provider", message: /Invalid option|expected one of/ }],
    ],
    [
      "an unknown integration operation",
      withNodes([
        {
          id: "a",
          type: "integration",
          config: { service: "slack", operation: "nuke", connectionId: "c", config: {} },
        },
      ]),
      [{ node_id: "a", path: "nodes[0].config.operation", message: 'unknown operation "nuke" for service "slack"' }],
    ],
    [
      "integration params missing a required field",
      withNodes([
        {
          id: "a",
          type: "integration",
          config: { service: "slack", operation: "send_message", connectionId: "c", config: { text: "{{inputs.t}}" } },
        },
      ]),
      [{ node_id: "a", path: "nodes[0].config.config.channel", message: /expected string/ }],
    ],
    [
      "a retryPolicy out of bounds",
      withNodes([httpNode("a", { retryPolicy: { attempts: 50 } })]),
      [{ node_id: "a", path: "nodes[0].config.retryPolicy.attempts", message: /<=10|less than or equal/ }],
    ],
    [
      "a credential header in a definition",
      withNodes([httpNode("a", { headers: { Authorization: "Bearer sk-live" } })]),
      [{ node_id: "a", path: "nodes[0].config.headers.Authorization", message: /use a connection/ }],
    ],
    [
      "a bad node id",
      withNodes([httpNode("a b")]),
      [{ node_id: "a b", path: "nodes[0].id", message: "must match [A-Za-z0-9_-]{1,64}" }],
    ],
    [
      "a duplicate node id",
      withNodes([httpNode("a"), httpNode("a")]),
      [{ node_id: "a", path: "nodes[1].id", message: 'duplicate node id "a"' }],
    ],
    [
      "a dangling edge target",
      withNodes([httpNode("a")], [{ source: "a", target: "ghost" }]),
      [{ node_id: "a", path: "edges[0].target", message: 'edge target "ghost" is not a node of this workflow' }],
    ],
    [
      "a dangling edge source",
      withNodes([httpNode("a")], [{ source: "ghost", target: "a" }]),
      [{ node_id: "a", path: "edges[0].source", message: 'edge source "ghost" is not a node of this workflow' }],
    ],
    [
      "a cycle (with an entry node)",
      withNodes(
        [httpNode("start"), httpNode("a"), httpNode("b")],
        [
          { source: "start", target: "a" },
          { source: "a", target: "b" },
          { source: "b", target: "a" },
        ],
      ),
      [{ node_id: "a", path: "edges", message: "cycle: a → b → a" }],
    ],
    [
      "a cycle covering every node (so also no entry node)",
      withNodes(
        [httpNode("a"), httpNode("b")],
        [
          { source: "a", target: "b" },
          { source: "b", target: "a" },
        ],
      ),
      [
        { node_id: "a", path: "edges", message: "cycle: a → b → a" },
        { node_id: null, path: "nodes", message: /no entry node/ },
      ],
    ],
    ["no nodes at all", withNodes([]), [{ node_id: null, path: "nodes", message: /no entry node/ }]],
    [
      "an edge condition that does not parse",
      withNodes(
        [httpNode("a"), httpNode("b")],
        [{ source: "a", target: "b", condition: "nodes.a.output.status = 200" }],
      ),
      [{ node_id: "a", path: "edges[0].condition", message: /Unexpected character "="/ }],
    ],
    [
      "a condition calling a function",
      withNodes([
        { id: "w", type: "webhook", config: { url: "https://h.test", method: "POST", condition: "alert()" } },
      ]),
      [{ node_id: "w", path: "nodes[0].config.condition", message: /Function calls are not allowed/ }],
    ],
    [
      "a malformed template",
      withNodes([httpNode("a", { url: "https://x.test/{{inputs.id" })]),
      [{ node_id: "a", path: "nodes[0].config.url", message: /Unterminated "\{\{"/ }],
    ],
    [
      "a template referencing an unknown node",
      withNodes([httpNode("a", { body: { x: ["{{nodes.ghost.output}}"] } })]),
      [{ node_id: "a", path: "nodes[0].config.body.x[0]", message: 'references unknown node "ghost"' }],
    ],
    [
      "a wrong top-level shape",
      { name: "", nodes: "x" },
      [
        { node_id: null, path: "name", message: /too small|>=1/ },
        { node_id: null, path: "nodes", message: /expected array/ },
      ],
    ],
    [
      "an input_schema that is not an object schema",
      { ...valid, input_schema: { type: "string" } },
      [{ node_id: null, path: "input_schema", message: /"type" must be "object"/ }],
    ],
  ])("reports %s", (_, input, expected) => {
    const details = detailsOf(input);
    expect(details).toHaveLength(expected.length);
    expected.forEach((want, index) => {
      expect(details[index]).toMatchObject({ node_id: want.node_id, path: want.path });
      if (typeof want.message === "string") expect(details[index]?.message).toBe(want.message);
      else expect(details[index]?.message).toMatch(want.message);
    });
  });

  it("reports every problem at once", () => {
    const details = detailsOf(
      withNodes([{ id: "a", type: "ftp", config: {} }, httpNode("a")], [{ source: "a", target: "z" }]),
    );
    expect(details.map((detail) => detail.path)).toEqual(["nodes[0].type", "nodes[1].id", "edges[0].target"]);
  });
});

const agent = {
  name: "Research",
  provider: "openai",
  model: "gpt-4",
  connection_id: "c-llm",
  max_steps: 5,
  tools: [
    { type: "workflow", name: "send_email", description: "Send an email", config: { workflowId: "wf-1" } },
    { type: "mcp", name: "query_database", config: { connectionId: "c-mcp" } },
  ],
};

describe("validateAgentDefinition", () => {
  it("accepts the seeds' agent", () => {
    expect(validateAgentDefinition(agent).ok).toBe(true);
  });

  it.each<[string, unknown, { node_id: string | null; path: string }]>([
    ["an unknown provider", { ...agent, provider: "x" }, { node_id: null, path: "provider" }],
    ["max_steps above the ceiling", { ...agent, max_steps: 500 }, { node_id: null, path: "max_steps" }],
    [
      "a tool of an unknown type",
      { ...agent, tools: [{ type: "shell", name: "rm", config: {} }] },
      { node_id: "rm", path: "tools[0].type" },
    ],
    [
      "a bad tool name",
      { ...agent, tools: [{ type: "workflow", name: "send email", config: { workflowId: "w" } }] },
      { node_id: "send email", path: "tools[0].name" },
    ],
    [
      "an mcp tool without a connection",
      { ...agent, tools: [{ type: "mcp", name: "q", config: {} }] },
      { node_id: "q", path: "tools[0].config.connectionId" },
    ],
    [
      "duplicate tool names",
      { ...agent, tools: [agent.tools[0], agent.tools[0]] },
      { node_id: "send_email", path: "tools[1].name" },
    ],
  ])("reports %s", (_, input, expected) => {
    const result = validateAgentDefinition(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.details[0]).toMatchObject(expected);
  });
});

describe("connection references", () => {
  const definition = {
    name: "W",
    nodes: [
      { id: "h", type: "http", config: { connectionId: "c-http", path: "/x", method: "GET" } },
      { id: "w", type: "webhook", config: { url: "https://h.test", method: "POST", signingConnectionId: "c-sign" } },
      { id: "l", type: "llm", config: { provider: "anthropic", model: "m", connectionId: "c-llm", prompt: "p" } },
      {
        id: "i",
        type: "integration",
        config: { service: "github", operation: "create_issue", connectionId: "c-gh", config: {} },
      },
      { id: "m", type: "mcp_tool", config: { connectionId: "c-mcp", tool: "t" } },
    ],
    edges: [],
  } as unknown as WorkflowDefinition;
  const found = (entries: Record<string, FoundConnection>) => new Map(Object.entries(entries));
  const fitting = {
    "c-http": { connection_method: "bearer", provider: "custom_api" },
    "c-sign": { connection_method: "api_key", provider: "custom_api" },
    "c-llm": { connection_method: "api_key", provider: "anthropic" },
    "c-gh": { connection_method: "oauth2", provider: "github" },
    "c-mcp": { connection_method: "mcp", provider: "custom_mcp" },
  };

  it("lists every reference with its path", () => {
    expect(workflowConnectionReferences(definition).map((ref) => [ref.node_id, ref.path, ref.connection_id])).toEqual([
      ["h", "nodes[0].config.connectionId", "c-http"],
      ["w", "nodes[1].config.signingConnectionId", "c-sign"],
      ["l", "nodes[2].config.connectionId", "c-llm"],
      ["i", "nodes[3].config.connectionId", "c-gh"],
      ["m", "nodes[4].config.connectionId", "c-mcp"],
    ]);
  });

  it("accepts fitting connections", () => {
    expect(checkConnectionReferences(workflowConnectionReferences(definition), found(fitting))).toEqual([]);
  });

  it.each<[string, Record<string, FoundConnection>, { node_id: string; path: string; message: string }]>([
    [
      "a connection that does not exist or is someone else's (one message for both)",
      { ...fitting, "c-http": undefined as unknown as FoundConnection },
      { node_id: "h", path: "nodes[0].config.connectionId", message: 'connection "c-http" not found' },
    ],
    [
      "an MCP connection on an http node",
      { ...fitting, "c-http": { connection_method: "mcp", provider: "custom_mcp" } },
      {
        node_id: "h",
        path: "nodes[0].config.connectionId",
        message:
          "a mcp connection does not fit here (expected api_key or bearer or basic or oauth2 or oauth2_client_credentials)",
      },
    ],
    [
      "an OpenAI key on an Anthropic llm node",
      { ...fitting, "c-llm": { connection_method: "api_key", provider: "openai" } },
      {
        node_id: "l",
        path: "nodes[2].config.connectionId",
        message: 'a "openai" connection does not fit here (expected anthropic or custom_api or custom_oauth2)',
      },
    ],
    [
      "an api_key connection for a GitHub operation",
      { ...fitting, "c-gh": { connection_method: "api_key", provider: "github" } },
      {
        node_id: "i",
        path: "nodes[3].config.connectionId",
        message: "a api_key connection does not fit here (expected oauth2 or bearer)",
      },
    ],
    [
      "a bearer connection for the MCP node",
      { ...fitting, "c-mcp": { connection_method: "bearer", provider: "custom_api" } },
      {
        node_id: "m",
        path: "nodes[4].config.connectionId",
        message: "a bearer connection does not fit here (expected mcp)",
      },
    ],
  ])("reports %s", (_, lookup, expected) => {
    const present = Object.fromEntries(Object.entries(lookup).filter(([, value]) => value !== undefined));
    expect(checkConnectionReferences(workflowConnectionReferences(definition), found(present))).toEqual([expected]);
  });

  it("checks an agent's model key and MCP tools", () => {
    const refs = agentConnectionReferences(
      validateAgentDefinition(agent).ok ? (agent as unknown as ValidAgent) : (null as never),
    );
    expect(
      checkConnectionReferences(refs, found({ "c-llm": { connection_method: "oauth2", provider: "openai" } })),
    ).toEqual([
      { node_id: null, path: "connection_id", message: "a oauth2 connection does not fit here (expected api_key)" },
      { node_id: "query_database", path: "tools[1].config.connectionId", message: 'connection "c-mcp" not found' },
    ]);
  });
});
