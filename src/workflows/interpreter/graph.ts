import type { WorkflowEdge, WorkflowNode } from "./types";

/**
 * Graph facts shared by save-time validation and the interpreter: entry nodes, a deterministic topological
 * order (Kahn's algorithm, ties broken by declaration order, so every engine runs nodes in the same order),
 * and one cycle when there is no order.
 */

/** Nodes without incoming edges from known nodes, in declaration order. */
export function entryNodeIds(nodes: readonly WorkflowNode[], edges: readonly WorkflowEdge[]): string[] {
  const known = new Set(nodes.map((node) => node.id));
  const targets = new Set(edges.filter((edge) => known.has(edge.source)).map((edge) => edge.target));
  return nodes.filter((node) => !targets.has(node.id)).map((node) => node.id);
}

export type TopologicalOrder = { ok: true; order: string[] } | { ok: false; cycle: string[] };

/**
 * Orders the nodes so every edge points forward. Edges naming unknown nodes are ignored (validation reports
 * them). When the graph has a cycle, returns one cycle as a closed walk `[a, b, …, a]`.
 */
export function topologicalOrder(nodes: readonly WorkflowNode[], edges: readonly WorkflowEdge[]): TopologicalOrder {
  const ids = nodes.map((node) => node.id);
  const known = new Set(ids);
  const inDegree = new Map(ids.map((id) => [id, 0]));
  const outgoing = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const edge of edges) {
    if (!known.has(edge.source) || !known.has(edge.target)) continue;
    outgoing.get(edge.source)?.push(edge.target);
    inDegree.set(edge.target, (inDegree.get(edge.target) ?? 0) + 1);
  }
  const position = new Map(ids.map((id, index) => [id, index]));
  const ready = ids.filter((id) => inDegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
    const id = ready.shift() as string;
    order.push(id);
    for (const target of outgoing.get(id) ?? []) {
      const degree = (inDegree.get(target) ?? 0) - 1;
      inDegree.set(target, degree);
      if (degree === 0) ready.push(target);
    }
  }
  if (order.length === ids.length) return { ok: true, order };
  const remaining = new Set(ids.filter((id) => !order.includes(id)));
  return { ok: false, cycle: findCycle(remaining, edges, ids) };
}

/**
 * Every node Kahn's algorithm could not order still has a predecessor among the unordered ones, so walking
 * backwards from any of them must repeat a node: the walk between the two visits is a cycle.
 */
function findCycle(remaining: Set<string>, edges: readonly WorkflowEdge[], ids: string[]): string[] {
  const start = ids.find((id) => remaining.has(id)) as string;
  const walk: string[] = [start];
  const seenAt = new Map([[start, 0]]);
  let current = start;
  for (;;) {
    const previous = edges.find((edge) => edge.target === current && remaining.has(edge.source))?.source as string;
    const seen = seenAt.get(previous);
    if (seen !== undefined) return [...walk.slice(seen), previous].reverse();
    seenAt.set(previous, walk.length);
    walk.push(previous);
    current = previous;
  }
}
