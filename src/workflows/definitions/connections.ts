import { findIntegrationOperation } from "../activities/integrations";
import type { WorkflowDefinition } from "../interpreter";
import { HTTP_CONNECTION_METHODS } from "./nodes";
import type { ValidAgent } from "./schemas";
import { formatPath, type ValidationDetail } from "./validate";

/**
 * Connection references of a definition and the pure half of their check (SPEC §7.1: "a referenced connection
 * that does not exist, is someone else's, or whose method does not fit the node"). The route looks the ids up
 * among the caller's own live connections and passes the result in: an id that is missing from the lookup is
 * reported the same way whether it never existed or belongs to someone else, so a definition cannot be used
 * to probe for other users' connection ids.
 */

export interface ConnectionReference {
  node_id: string | null;
  path: string;
  connection_id: string;
  /** Connection methods that fit. */
  methods: readonly string[];
  /** Catalog providers that fit (undefined: any). */
  providers?: readonly string[];
}

/** What the lookup found for one id among the caller's connections. */
export interface FoundConnection {
  connection_method: string;
  provider: string;
}

/** Generic providers a user may point at a compatible API (e.g. an OpenAI-compatible endpoint). */
const GENERIC_PROVIDERS = ["custom_api", "custom_oauth2"];

/** Every connection a workflow definition refers to, with what fits there. */
export function workflowConnectionReferences(definition: WorkflowDefinition): ConnectionReference[] {
  const references: ConnectionReference[] = [];
  definition.nodes.forEach((node, index) => {
    const config = node.config;
    const at = (field: string) => formatPath(["nodes", index, "config", field]);
    const id = typeof config.connectionId === "string" ? config.connectionId : undefined;
    if (node.type === "http" || node.type === "webhook") {
      if (id)
        references.push({
          node_id: node.id,
          path: at("connectionId"),
          connection_id: id,
          methods: HTTP_CONNECTION_METHODS,
        });
      if (node.type === "webhook" && typeof config.signingConnectionId === "string")
        references.push({
          node_id: node.id,
          path: at("signingConnectionId"),
          connection_id: config.signingConnectionId,
          methods: ["api_key"],
        });
    } else if (node.type === "llm" && id) {
      references.push({
        node_id: node.id,
        path: at("connectionId"),
        connection_id: id,
        methods: ["api_key"],
        providers: [String(config.provider), ...GENERIC_PROVIDERS],
      });
    } else if (node.type === "integration" && id) {
      const operation = findIntegrationOperation(String(config.service), String(config.operation));
      references.push({
        node_id: node.id,
        path: at("connectionId"),
        connection_id: id,
        methods: operation?.connection_methods ?? [],
        ...(operation && { providers: [operation.provider, ...GENERIC_PROVIDERS] }),
      });
    } else if (node.type === "mcp_tool" && id) {
      references.push({ node_id: node.id, path: at("connectionId"), connection_id: id, methods: ["mcp"] });
    } else if (node.type === "paragon_action" && id) {
      references.push({ node_id: node.id, path: at("connectionId"), connection_id: id, methods: ["paragon"] });
    }
  });
  return references;
}

/** Every connection an agent refers to: its model's key and its MCP tools' servers. */
export function agentConnectionReferences(agent: ValidAgent): ConnectionReference[] {
  const references: ConnectionReference[] = [
    {
      node_id: null,
      path: "connection_id",
      connection_id: agent.connection_id,
      methods: ["api_key"],
      providers: [agent.provider, ...GENERIC_PROVIDERS],
    },
  ];
  agent.tools.forEach((tool, index) => {
    if (tool.type === "mcp")
      references.push({
        node_id: tool.name,
        path: formatPath(["tools", index, "config", "connectionId"]),
        connection_id: tool.config.connectionId,
        methods: ["mcp"],
      });
  });
  return references;
}

/** Checks references against the lookup result (id → the caller's connection, absent when not theirs or gone). */
export function checkConnectionReferences(
  references: readonly ConnectionReference[],
  found: ReadonlyMap<string, FoundConnection>,
): ValidationDetail[] {
  const details: ValidationDetail[] = [];
  for (const reference of references) {
    const connection = found.get(reference.connection_id);
    const base = { node_id: reference.node_id, path: reference.path };
    if (!connection) {
      details.push({ ...base, message: `connection "${reference.connection_id}" not found` });
    } else if (!reference.methods.includes(connection.connection_method)) {
      details.push({
        ...base,
        message: `a ${connection.connection_method} connection does not fit here (expected ${reference.methods.join(" or ")})`,
      });
    } else if (reference.providers && !reference.providers.includes(connection.provider)) {
      details.push({
        ...base,
        message: `a "${connection.provider}" connection does not fit here (expected ${reference.providers.join(" or ")})`,
      });
    }
  }
  return details;
}
