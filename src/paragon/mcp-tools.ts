import { isAppError } from "../platform/errors";
import { listParagonToolDefinitions, type ParagonContext, type ParagonUser, runParagonAction } from "./service";
import { toMcpTool } from "./tool-formats";

/**
 * Paragon actions as MCP tools (SPEC §9 "usable … as MCP tools for agents"): what the `/mcp` gateway calls.
 * Tools come from ActionKit's json_schema format (`inputSchema` = Paragon's parameters schema); a call
 * runs as the authenticated user. Paragon refusing the call (a 4xx: bad parameters, account not
 * connected) is a tool result with `isError: true`, so the model can read it and recover (MCP 2025-06-18
 * §Tools "Error Handling"); Paragon being unavailable is thrown, for the gateway to report as a protocol error.
 * @see https://modelcontextprotocol.io/specification/2025-06-18/server/tools
 */
export interface McpToolResult {
  content: Array<{ type: "text"; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError: boolean;
}

export async function listParagonMcpTools(
  context: ParagonContext,
  user: ParagonUser,
  options: { integrations?: string[] } = {},
) {
  return (await listParagonToolDefinitions(context, user, options)).map(toMcpTool);
}

export async function callParagonMcpTool(
  context: ParagonContext,
  user: ParagonUser,
  name: string,
  args: Record<string, unknown>,
): Promise<McpToolResult> {
  try {
    return toMcpResult(await runParagonAction(context, user, name, args));
  } catch (error) {
    if (isAppError(error) && error.code === "paragon_action_failed") {
      return { content: [{ type: "text", text: error.message }], isError: true };
    }
    throw error;
  }
}

/** Paragon's result as MCP content: JSON as text (and as structured content when it is an object). */
export function toMcpResult(result: unknown): McpToolResult {
  const text = typeof result === "string" ? result : JSON.stringify(result ?? null);
  const structured =
    typeof result === "object" && result !== null && !Array.isArray(result)
      ? { structuredContent: result as Record<string, unknown> }
      : {};
  return { content: [{ type: "text", text }], ...structured, isError: false };
}

/** The prefix of Paragon tools among the `/mcp` gateway's tools (`paragon__SLACK_SEND_MESSAGE`). */
export const PARAGON_GATEWAY_PREFIX = "paragon__";
const GATEWAY_TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * The user's Paragon actions as `/mcp` gateway tools, shaped like the gateway seam's `ExtraTool`
 * (`src/mcp/gateway-seam.ts` on the oauth-server branch: name, description, inputSchema, requiredScopes,
 * call). Behind `connections:use`, like every tool that acts through a user's connection. The gateway must
 * keep working when Paragon does not: unconfigured, unavailable or rate limiting means no Paragon tools
 * (listing) or an `isError` result (calling), never a failed `/mcp` request.
 */
export async function paragonGatewayTools(principal: { userId: string }, context: ParagonContext) {
  let tools: Awaited<ReturnType<typeof listParagonMcpTools>>;
  try {
    tools = await listParagonMcpTools(context, { id: principal.userId });
  } catch (error) {
    if (isAppError(error)) return [];
    throw error;
  }
  return tools
    .filter((tool) => GATEWAY_TOOL_NAME.test(`${PARAGON_GATEWAY_PREFIX}${tool.name}`))
    .map((tool) => ({
      name: `${PARAGON_GATEWAY_PREFIX}${tool.name}`,
      description: tool.description,
      inputSchema: tool.inputSchema as Record<string, unknown>,
      requiredScopes: ["connections:use"] as const,
      async call(args: Record<string, unknown>): Promise<McpToolResult> {
        try {
          return await callParagonMcpTool(context, { id: principal.userId }, tool.name, args);
        } catch (error) {
          if (!isAppError(error)) throw error;
          const data = { error: { code: error.code, message: error.message } };
          return { content: [{ type: "text", text: JSON.stringify(data) }], structuredContent: data, isError: true };
        }
      },
    }));
}
