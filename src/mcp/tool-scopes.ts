import type { Scope } from "../oauth-server/scopes";

/**
 * The scope each of our tools needs (SPEC §8 "per-tool scopes"). Checked before the request reaches
 * the MCP handler, so a missing scope is an HTTP 403 step-up challenge (MCP 2025-11-25 "Scope
 * Challenge"), not a tool error the client cannot act on.
 */
export const TOOL_SCOPES = {
  list_workflows: ["workflows:read"],
  execute_workflow: ["workflows:execute"],
  get_execution_status: ["workflows:read"],
  list_agents: ["agents:read"],
  execute_agent: ["agents:execute"],
} as const satisfies Record<string, readonly Scope[]>;

export type ToolName = keyof typeof TOOL_SCOPES;

/**
 * The scopes a JSON-RPC message (or 2025-03-26 batch) needs: those of every `tools/call` it carries.
 * Unknown tool names need nothing here; the MCP handler answers them as unknown tools.
 */
export function scopesRequiredBy(body: unknown, extra: ReadonlyMap<string, readonly Scope[]>): Scope[] {
  const messages = Array.isArray(body) ? body : [body];
  const required = new Set<Scope>();
  for (const message of messages) {
    if (typeof message !== "object" || message === null) continue;
    const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
    if (method !== "tools/call" || typeof params?.name !== "string") continue;
    const scopes = Object.hasOwn(TOOL_SCOPES, params.name)
      ? TOOL_SCOPES[params.name as ToolName]
      : extra.get(params.name);
    for (const scope of scopes ?? []) required.add(scope);
  }
  return [...required];
}
