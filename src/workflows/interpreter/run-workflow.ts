import { runActivityAttempts } from "./attempts";
import { evaluateExpression, isTruthy } from "./evaluate";
import { ExpressionError, type ExpressionScope, parseExpression } from "./expression";
import { topologicalOrder } from "./graph";
import { resolveValue } from "./interpolate";
import { JsonPathError, queryJsonPath } from "./jsonpath";
import { retryPolicyOf } from "./retry";
import type {
  InterpreterHost,
  NodeError,
  NodeResult,
  RunContext,
  RunResult,
  WorkflowDefinition,
  WorkflowNode,
} from "./types";

/** Config keys the interpreter acts on itself; they are not sent to the activity. */
export const INTERPRETER_OWNED_KEYS: readonly string[] = ["map", "outputVariable", "retryPolicy"];

/** A workflow run's output: the outputs of the completed nodes nothing follows, and the `vars` aliases. */
export interface WorkflowOutput {
  nodes: Record<string, unknown>;
  vars: Record<string, unknown>;
}

class NodeFailure extends Error {
  constructor(readonly error: NodeError) {
    super(error.message);
  }
}

function expressionFailure(thrown: unknown, where: string): never {
  if (thrown instanceof ExpressionError || thrown instanceof JsonPathError)
    throw new NodeFailure({ code: thrown.code, message: `${where}: ${thrown.message}`, retryable: false });
  throw thrown;
}

/** The config the activity receives: templates resolved, interpreter-owned keys removed. */
function activityConfig(node: WorkflowNode, scope: ExpressionScope): Record<string, unknown> {
  const sendable: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node.config)) {
    if (INTERPRETER_OWNED_KEYS.includes(key)) continue;
    if (node.type === "webhook" && key === "condition") continue;
    sendable[key] = value;
  }
  try {
    return resolveValue(sendable, scope) as Record<string, unknown>;
  } catch (thrown) {
    return expressionFailure(thrown, "config");
  }
}

/** Applies `map: [{as, select}]` to an http/webhook output's `body` (or to the output itself otherwise). */
function mappedOutput(node: WorkflowNode, output: unknown): unknown {
  const map = node.config.map;
  if (!Array.isArray(map) || map.length === 0) return output;
  const base = typeof output === "object" && output !== null && !Array.isArray(output) ? output : { value: output };
  const source = "body" in base ? (base as { body: unknown }).body : output;
  const shaped: Record<string, unknown> = { ...base };
  for (const entry of map as Array<{ as: string; select: string }>) {
    try {
      shaped[entry.as] = queryJsonPath(entry.select, source) ?? null;
    } catch (thrown) {
      expressionFailure(thrown, `map "${entry.as}"`);
    }
  }
  return shaped;
}

function conditionHolds(condition: string, scope: ExpressionScope, where: string): boolean {
  try {
    return isTruthy(evaluateExpression(parseExpression(condition), scope));
  } catch (thrown) {
    return expressionFailure(thrown, where);
  }
}

/**
 * Runs a workflow definition (SPEC §7.3) on a host. Nodes run one at a time in a deterministic topological
 * order. A node runs when it is an entry node or at least one incoming edge is taken — its source completed
 * and its `condition` (if any) holds; otherwise it is skipped, and so is everything only it leads to. A
 * webhook's own `condition` skips it when false. Each node's config is interpolated just before it runs (a
 * missing reference fails the node), its activity is retried per its policy, its output is shaped by `map`
 * and aliased by `outputVariable`. The first node that fails for good fails the run; later nodes stay
 * `pending`. The run is a pure function of `inputs` and the activity results.
 *
 * @example
 * const result = await runWorkflowDefinition(definition, { city: "Paris" }, host);
 * if (result.status === "failed") console.log(result.error.node_id, result.error.message);
 */
export async function runWorkflowDefinition(
  definition: WorkflowDefinition,
  inputs: unknown,
  host: InterpreterHost,
  context: RunContext = {},
): Promise<RunResult> {
  const results = new Map<string, NodeResult>(
    definition.nodes.map((node) => [node.id, { node_id: node.id, status: "pending", attempts: 0 }]),
  );
  const snapshot = () => definition.nodes.map((node) => results.get(node.id) as NodeResult);
  const ordering = topologicalOrder(definition.nodes, definition.edges);
  if (!ordering.ok) {
    const nodeId = ordering.cycle[0] as string;
    const error = { code: "invalid_workflow", message: `Cycle: ${ordering.cycle.join(" → ")}`, retryable: false };
    return { status: "failed", error: { ...error, node_id: nodeId }, nodes: snapshot() };
  }

  const byId = new Map(definition.nodes.map((node) => [node.id, node]));
  const scope: ExpressionScope = {
    inputs: inputs ?? {},
    nodes: {},
    vars: {},
    workflow: { name: definition.name, ...context.workflow },
  };

  for (const nodeId of ordering.order) {
    const node = byId.get(nodeId) as WorkflowNode;
    try {
      const skipReason = whySkipped(node, definition, results, scope);
      if (skipReason) {
        results.set(nodeId, { node_id: nodeId, status: "skipped", attempts: 0 });
        await host.emit({ id: `${nodeId}:skipped`, type: "node_skipped", node_id: nodeId, reason: skipReason });
        continue;
      }
      const config = activityConfig(node, scope);
      const outcome = await runActivityAttempts(host, nodeId, node.type, config, retryPolicyOf(node.config));
      if (!outcome.ok) {
        results.set(nodeId, { node_id: nodeId, status: "failed", error: outcome.error, attempts: outcome.attempts });
        return { status: "failed", error: { ...outcome.error, node_id: nodeId }, nodes: snapshot() };
      }
      const output = mappedOutput(node, outcome.output);
      results.set(nodeId, { node_id: nodeId, status: "completed", output, attempts: outcome.attempts });
      scope.nodes[nodeId] = { output, status: "completed" };
      const alias = node.config.outputVariable;
      if (typeof alias === "string" && alias !== "") scope.vars[alias] = output;
      await host.emit({
        id: `${nodeId}:completed`,
        type: "node_completed",
        node_id: nodeId,
        output,
        attempts: outcome.attempts,
      });
    } catch (thrown) {
      if (!(thrown instanceof NodeFailure)) throw thrown;
      const attempts = results.get(nodeId)?.attempts ?? 0;
      results.set(nodeId, { node_id: nodeId, status: "failed", error: thrown.error, attempts });
      await host.emit({
        id: `${nodeId}:failed`,
        type: "node_failed",
        node_id: nodeId,
        error: thrown.error,
        attempts,
        final: true,
      });
      return { status: "failed", error: { ...thrown.error, node_id: nodeId }, nodes: snapshot() };
    }
  }

  const hasSuccessor = new Set(definition.edges.map((edge) => edge.source));
  const output: WorkflowOutput = { nodes: {}, vars: scope.vars };
  for (const node of definition.nodes) {
    const result = results.get(node.id);
    if (!hasSuccessor.has(node.id) && result?.status === "completed") output.nodes[node.id] = result.output;
  }
  return { status: "completed", output, nodes: snapshot() };
}

/** Why a node does not run, or null when it does. Throws a NodeFailure for a condition that cannot be evaluated. */
function whySkipped(
  node: WorkflowNode,
  definition: WorkflowDefinition,
  results: Map<string, NodeResult>,
  scope: ExpressionScope,
): string | null {
  const incoming = definition.edges.filter((edge) => edge.target === node.id && results.has(edge.source));
  if (incoming.length > 0) {
    const taken = incoming.some(
      (edge) =>
        results.get(edge.source)?.status === "completed" &&
        (edge.condition === undefined || conditionHolds(edge.condition, scope, `edge from "${edge.source}"`)),
    );
    if (!taken) return "no incoming edge was taken";
  }
  const condition = node.type === "webhook" ? node.config.condition : undefined;
  if (typeof condition === "string" && !conditionHolds(condition, scope, "condition")) return "condition is false";
  return null;
}
