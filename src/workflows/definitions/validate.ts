import type { z } from "zod";
import { findIntegrationOperation } from "../activities/integrations";
import {
  collectTemplates,
  entryNodeIds,
  NODE_TYPES,
  type NodeType,
  parseExpression,
  parseTemplate,
  referencedPaths,
  topologicalOrder,
  type WorkflowDefinition,
} from "../interpreter";
import { NODE_CONFIG_SCHEMAS, NODE_ID_PATTERN } from "./nodes";
import { agentSchema, type ValidAgent, workflowShapeSchema } from "./schemas";

/**
 * Save-time validation of definitions (SPEC §7.1): every problem at once, each as `{node_id, path, message}` so
 * the editor can show it next to the node. `node_id` is null for problems that belong to no node; for an edge
 * or a cycle it names a node on it. Pure: connection ownership is checked separately (`connections.ts`).
 */

export interface ValidationDetail {
  node_id: string | null;
  path: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; details: ValidationDetail[] };

/** `["nodes", 2, "config", "url"]` → `nodes[2].config.url`. */
export function formatPath(segments: ReadonlyArray<PropertyKey>): string {
  let path = "";
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(String(segment))) path += path ? `.${String(segment)}` : String(segment);
    else path += `[${JSON.stringify(String(segment))}]`;
  }
  return path;
}

function issuesToDetails(issues: z.core.$ZodIssue[], prefix: ReadonlyArray<PropertyKey>, nodeId: string | null) {
  return issues.map((issue) => ({
    node_id: nodeId,
    path: formatPath([...prefix, ...issue.path]) || "(root)",
    message: issue.message,
  }));
}

function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const isTemplateString = (value: unknown) =>
  typeof value === "string" && (value.includes("{{") || value.includes("${"));

/** An integration node's params: the operation must exist; values that are templates are checked at run time. */
function integrationDetails(
  config: Record<string, unknown>,
  nodeId: string,
  prefix: PropertyKey[],
): ValidationDetail[] {
  const operation = findIntegrationOperation(String(config.service), String(config.operation));
  if (!operation)
    return [
      {
        node_id: nodeId,
        path: formatPath([...prefix, "operation"]),
        message: `unknown operation "${String(config.operation)}" for service "${String(config.service)}"`,
      },
    ];
  const params = config.config;
  const parsed = operation.params.safeParse(params);
  if (parsed.success) return [];
  const issues = parsed.error.issues.filter((issue) => !isTemplateString(valueAt(params, issue.path)));
  return issuesToDetails(issues, [...prefix, "config"], nodeId);
}

/** Templates and conditions must parse, and `nodes.<id>` must name a node of the definition. */
function expressionDetails(
  source: string,
  path: string,
  nodeId: string | null,
  nodeIds: Set<string>,
  kind: "template" | "condition",
): ValidationDetail[] {
  try {
    const expressions =
      kind === "condition"
        ? [parseExpression(source)]
        : parseTemplate(source).flatMap((part) => (part.kind === "expression" ? [part.expression] : []));
    const details: ValidationDetail[] = [];
    for (const expression of expressions)
      for (const reference of referencedPaths(expression)) {
        const [target] = reference.segments;
        if (reference.root === "nodes" && typeof target === "string" && !nodeIds.has(target))
          details.push({ node_id: nodeId, path, message: `references unknown node "${target}"` });
      }
    return details;
  } catch (error) {
    return [{ node_id: nodeId, path, message: (error as Error).message }];
  }
}

/**
 * Validates a workflow definition: its shape, each node's config for its type, ids, edges, templates and
 * conditions, and the graph (no cycle, at least one entry node).
 */
export function validateWorkflowDefinition(input: unknown): Validation<WorkflowDefinition> {
  const shape = workflowShapeSchema.safeParse(input);
  if (!shape.success) return { ok: false, details: issuesToDetails(shape.error.issues, [], null) };
  const { nodes, edges } = shape.data;
  const details: ValidationDetail[] = [];
  const nodeIds = new Set(nodes.map((node) => node.id));
  const seen = new Set<string>();

  nodes.forEach((node, index) => {
    const prefix: PropertyKey[] = ["nodes", index];
    if (!NODE_ID_PATTERN.test(node.id))
      details.push({
        node_id: node.id,
        path: formatPath([...prefix, "id"]),
        message: "must match [A-Za-z0-9_-]{1,64}",
      });
    if (seen.has(node.id))
      details.push({
        node_id: node.id,
        path: formatPath([...prefix, "id"]),
        message: `duplicate node id "${node.id}"`,
      });
    seen.add(node.id);
    if (!(NODE_TYPES as readonly string[]).includes(node.type)) {
      details.push({
        node_id: node.id,
        path: formatPath([...prefix, "type"]),
        message: `unknown node type "${node.type}" (expected one of ${NODE_TYPES.join(", ")})`,
      });
      return;
    }
    const configPrefix = [...prefix, "config"];
    const parsed = NODE_CONFIG_SCHEMAS[node.type as NodeType].safeParse(node.config);
    if (!parsed.success) details.push(...issuesToDetails(parsed.error.issues, configPrefix, node.id));
    else if (node.type === "integration") details.push(...integrationDetails(node.config, node.id, configPrefix));
    const { condition, map: _map, ...templated } = node.config;
    for (const template of collectTemplates(templated, formatPath(configPrefix)))
      details.push(...expressionDetails(template.text, template.path, node.id, nodeIds, "template"));
    if (node.type === "webhook" && typeof condition === "string")
      details.push(
        ...expressionDetails(condition, formatPath([...configPrefix, "condition"]), node.id, nodeIds, "condition"),
      );
  });

  edges.forEach((edge, index) => {
    for (const end of ["source", "target"] as const)
      if (!nodeIds.has(edge[end]))
        details.push({
          node_id: nodeIds.has(edge.source) ? edge.source : nodeIds.has(edge.target) ? edge.target : null,
          path: formatPath(["edges", index, end]),
          message: `edge ${end} "${edge[end]}" is not a node of this workflow`,
        });
    if (edge.condition !== undefined)
      details.push(
        ...expressionDetails(
          edge.condition,
          formatPath(["edges", index, "condition"]),
          edge.source,
          nodeIds,
          "condition",
        ),
      );
  });

  const definition = shape.data as WorkflowDefinition;
  const order = topologicalOrder(definition.nodes, definition.edges);
  if (!order.ok)
    details.push({ node_id: order.cycle[0] ?? null, path: "edges", message: `cycle: ${order.cycle.join(" → ")}` });
  if (entryNodeIds(definition.nodes, definition.edges).length === 0)
    details.push({
      node_id: null,
      path: "nodes",
      message: "no entry node: every node has an incoming edge (or there are no nodes)",
    });

  return details.length > 0 ? { ok: false, details } : { ok: true, value: definition };
}

/** Validates an agent definition (SPEC §7.1); details carry the tool name as `node_id` where there is one. */
export function validateAgentDefinition(input: unknown): Validation<ValidAgent> {
  const parsed = agentSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const tools = (input as { tools?: unknown } | null)?.tools;
  return {
    ok: false,
    details: parsed.error.issues.map((issue) => {
      const [first, index] = issue.path;
      const tool = first === "tools" && typeof index === "number" && Array.isArray(tools) ? tools[index] : undefined;
      const name = (tool as { name?: unknown } | undefined)?.name;
      return {
        node_id: typeof name === "string" ? name : null,
        path: formatPath(issue.path) || "(root)",
        message: issue.message,
      };
    }),
  };
}
