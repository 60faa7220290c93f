import { Validator } from "@cfworker/json-schema";
import { type CallToolResult, fromJsonSchema, McpServer, type ServerContext } from "@modelcontextprotocol/server";
import * as z from "zod";
import type { ExtraTool } from "./gateway-seam";
import type { McpPrincipal } from "./principal";
import { type ExecutionSummary, TERMINAL_STATUSES, type WorkflowToolsPort } from "./workflow-tools-port";

/**
 * The MCP server of one request (a fresh `McpServer` per request; `createMcpHandler` requires it):
 * our five tools over the {@link WorkflowToolsPort}, plus the gateway's per-user tools. Every call is
 * reported through `onToolCall` (audit: user, client, tool, outcome, duration).
 */
export const MAX_WAIT_SECONDS = 50;
const POLL_INTERVAL_MS = 1_000;
const LIST_LIMIT = 100;

/**
 * `tools/list` asks each tool's schema for its JSON Schema on every request (the SDK calls the Standard JSON
 * Schema method `~standard.jsonSchema.input`), and zod converts afresh each time — the largest part of a
 * `tools/list` after the transport. Our schemas are module constants, so each is converted once per isolate and
 * every caller gets its own copy (nothing downstream can change what the next request lists). Validation is
 * zod's own, untouched.
 */
export function withJsonSchemaConvertedOnce<T extends z.ZodType>(schema: T): T {
  const standard = schema["~standard"];
  const convert = standard.jsonSchema.input;
  const converted = new Map<string, Record<string, unknown>>();
  schema["~standard"] = {
    ...standard,
    jsonSchema: {
      ...standard.jsonSchema,
      input: (options) => {
        const key = JSON.stringify(options);
        let json = converted.get(key);
        if (!json) {
          json = convert(options);
          converted.set(key, json);
        }
        return structuredClone(json);
      },
    },
  };
  return schema;
}

// Tool input schemas, built once per isolate (a server is built per request; its schemas need not be).
const NO_INPUT = withJsonSchemaConvertedOnce(z.object({}));
const EXECUTE_WORKFLOW_INPUT = withJsonSchemaConvertedOnce(
  z.object({
    workflow_id: z.string().min(1).max(100),
    inputs: z.record(z.string(), z.unknown()).default({}),
    wait_seconds: z.number().int().min(0).max(MAX_WAIT_SECONDS).optional(),
  }),
);
const EXECUTION_STATUS_INPUT = withJsonSchemaConvertedOnce(z.object({ execution_id: z.string().min(1).max(100) }));
const EXECUTE_AGENT_INPUT = withJsonSchemaConvertedOnce(
  z.object({
    agent_id: z.string().min(1).max(100),
    input: z.string().min(1).max(32_000),
    wait_seconds: z.number().int().min(0).max(MAX_WAIT_SECONDS).optional(),
  }),
);

export interface ToolCallRecord {
  tool: string;
  outcome: "success" | "failure";
  durationMs: number;
}

export interface McpServerDeps {
  principal: McpPrincipal;
  workflows: WorkflowToolsPort;
  extraTools: readonly ExtraTool[];
  onToolCall: (record: ToolCallRecord) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

type ToolResult = {
  /** Ours are text; gateway tools pass the upstream's content blocks through (images included). */
  content: CallToolResult["content"];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

const ok = (data: Record<string, unknown>): ToolResult => ({
  content: [{ type: "text", text: JSON.stringify(data) }],
  structuredContent: data,
});
const toolError = (code: string, message: string): ToolResult => ({
  content: [{ type: "text", text: JSON.stringify({ error: { code, message } }) }],
  structuredContent: { error: { code, message } },
  isError: true,
});

function describeExecution(execution: ExecutionSummary) {
  return {
    execution_id: execution.id,
    kind: execution.kind,
    definition_id: execution.definitionId,
    status: execution.status,
    output: execution.output ?? null,
    error: execution.error,
    progress: execution.progress,
    created_at: execution.createdAt,
    completed_at: execution.completedAt,
  };
}

/** Caches compiled validators per schema text: workflows' input schemas repeat across calls. */
const validators = new Map<string, Validator>();
function validatorFor(schema: Record<string, unknown>): Validator {
  const key = JSON.stringify(schema);
  let validator = validators.get(key);
  if (!validator) {
    if (validators.size > 256) validators.clear();
    validator = new Validator(schema as never, "2020-12", false);
    validators.set(key, validator);
  }
  return validator;
}

export function buildMcpServer(deps: McpServerDeps): McpServer {
  const { principal, workflows } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = deps.now ?? Date.now;
  const server = new McpServer({ name: "edge-integrations", version: "1.0.0" }, { capabilities: { tools: {} } });

  const audited =
    <A>(tool: string, run: (args: A, ctx: ServerContext) => Promise<ToolResult>) =>
    async (args: A, ctx: ServerContext): Promise<ToolResult> => {
      const started = now();
      let result: ToolResult | undefined;
      try {
        result = await run(args, ctx);
        return result;
      } finally {
        deps.onToolCall({
          tool,
          outcome: result && !result.isError ? "success" : "failure",
          durationMs: now() - started,
        });
      }
    };

  /** Waits for an execution to finish, up to `seconds`, notifying progress when the client asked for it. */
  async function waitFor(execution: ExecutionSummary, seconds: number, ctx: ServerContext): Promise<ExecutionSummary> {
    const deadline = now() + seconds * 1000;
    const progressToken = ctx.mcpReq._meta?.progressToken;
    let current = execution;
    let reported = -1;
    while (!TERMINAL_STATUSES.has(current.status) && now() < deadline && !ctx.mcpReq.signal.aborted) {
      if (progressToken !== undefined && current.progress.completed !== reported) {
        reported = current.progress.completed;
        await ctx.mcpReq.notify({
          method: "notifications/progress",
          params: {
            progressToken,
            progress: current.progress.completed,
            total: current.progress.total,
            message: `Execution ${current.status}`,
          },
        });
      }
      await sleep(POLL_INTERVAL_MS);
      current = (await workflows.getExecution(principal.userId, current.id)) ?? current;
    }
    return current;
  }

  server.registerTool(
    "list_workflows",
    {
      title: "List workflows",
      description: "Lists your workflows with the JSON Schema of each one's inputs (pass them to execute_workflow).",
      inputSchema: NO_INPUT,
      annotations: { readOnlyHint: true },
    },
    audited("list_workflows", async () => {
      const list = await workflows.listWorkflows(principal.userId, { limit: LIST_LIMIT });
      return ok({
        workflows: list.map((w) => ({
          id: w.id,
          name: w.name,
          description: w.description,
          version: w.version,
          input_schema: w.inputSchema,
        })),
      });
    }),
  );

  server.registerTool(
    "execute_workflow",
    {
      title: "Run a workflow",
      description: `Starts one of your workflows. \`inputs\` must match the workflow's input_schema (from list_workflows). With wait_seconds (≤ ${MAX_WAIT_SECONDS}) it waits for the result and reports progress.`,
      inputSchema: EXECUTE_WORKFLOW_INPUT,
      annotations: { destructiveHint: false, openWorldHint: true },
    },
    audited(
      "execute_workflow",
      async (args: { workflow_id: string; inputs: Record<string, unknown>; wait_seconds?: number }, ctx) => {
        const workflow = await workflows.getWorkflow(principal.userId, args.workflow_id);
        if (!workflow) return toolError("not_found", "Workflow not found");
        const validation = validatorFor(workflow.inputSchema).validate(args.inputs);
        if (!validation.valid) {
          const details = validation.errors.slice(0, 5).map((e) => `${e.instanceLocation}: ${e.error}`);
          return toolError(
            "invalid_inputs",
            `The inputs do not match the workflow's input_schema: ${details.join("; ")}`,
          );
        }
        const started = await workflows.startWorkflowExecution(principal.userId, workflow.id, args.inputs);
        const final = args.wait_seconds ? await waitFor(started, args.wait_seconds, ctx) : started;
        return ok(describeExecution(final));
      },
    ),
  );

  server.registerTool(
    "get_execution_status",
    {
      title: "Execution status",
      description: "The status, progress and (when finished) output or error of one of your executions.",
      inputSchema: EXECUTION_STATUS_INPUT,
      annotations: { readOnlyHint: true },
    },
    audited("get_execution_status", async (args: { execution_id: string }) => {
      const execution = await workflows.getExecution(principal.userId, args.execution_id);
      return execution ? ok(describeExecution(execution)) : toolError("not_found", "Execution not found");
    }),
  );

  server.registerTool(
    "list_agents",
    {
      title: "List agents",
      description: "Lists your agents.",
      inputSchema: NO_INPUT,
      annotations: { readOnlyHint: true },
    },
    audited("list_agents", async () => {
      const agents = await workflows.listAgents(principal.userId, { limit: LIST_LIMIT });
      return ok({ agents: agents.map((a) => ({ id: a.id, name: a.name, description: a.description })) });
    }),
  );

  server.registerTool(
    "execute_agent",
    {
      title: "Run an agent",
      description: `Starts one of your agents with an input message. With wait_seconds (≤ ${MAX_WAIT_SECONDS}) it waits for the answer.`,
      inputSchema: EXECUTE_AGENT_INPUT,
      annotations: { openWorldHint: true },
    },
    audited("execute_agent", async (args: { agent_id: string; input: string; wait_seconds?: number }, ctx) => {
      const started = await workflows.startAgentExecution(principal.userId, args.agent_id, args.input);
      if (!started) return toolError("not_found", "Agent not found");
      const final = args.wait_seconds ? await waitFor(started, args.wait_seconds, ctx) : started;
      return ok(describeExecution(final));
    }),
  );

  for (const tool of deps.extraTools) {
    server.registerTool(
      tool.name,
      {
        description: tool.description,
        inputSchema: fromJsonSchema<Record<string, unknown>>(tool.inputSchema as never),
      },
      audited(tool.name, async (args: Record<string, unknown>) => tool.call(args)),
    );
  }
  return server;
}
