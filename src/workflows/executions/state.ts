import type { ExecutionNodeRecord, ExecutionStatus } from "../../db/schema";

/**
 * How an execution's recorded state follows from its events (SPEC §7.2, §7.4) — pure, so the Durable Object
 * that is the one writer of an execution only loads, calls this, and stores. Events may arrive twice (engines
 * replay) or out of order (the Temporal worker's calls race): a repeat is dropped by id before this runs, and
 * this never moves a node or the execution backwards (a late `node_started` does not reopen a completed node).
 */

export const EXECUTION_EVENT_TYPES = [
  "started",
  "node_started",
  "node_completed",
  "node_failed",
  "node_skipped",
  "completed",
  "failed",
  "cancelled",
] as const;
export type ExecutionEventType = (typeof EXECUTION_EVENT_TYPES)[number];
export const TERMINAL_EVENT_TYPES: ReadonlySet<ExecutionEventType> = new Set(["completed", "failed", "cancelled"]);
export const TERMINAL_STATUSES: ReadonlySet<ExecutionStatus> = new Set(["completed", "failed", "cancelled"]);

/** An event as recorded: engines send these (the interpreter's events plus run-level ones). */
export interface ExecutionEventInput {
  /** Idempotency key: a repeated id changes nothing. */
  id: string;
  type: ExecutionEventType;
  node_id?: string;
  output?: unknown;
  error?: { code: string; message: string; node_id?: string };
  attempt?: number;
  attempts?: number;
  /** For `node_failed`: the node's last attempt (default true: a failure the engine reports is final). */
  final?: boolean;
  reason?: string;
  /** Epoch ms. */
  at: number;
}

/** A recorded event: the input plus its sequence number (the SSE `id:`). */
export interface RecordedEvent extends ExecutionEventInput {
  seq: number;
}

/** The columns of `executions` that events change. */
export interface ExecutionState {
  status: ExecutionStatus;
  statusReason: string | null;
  output: unknown;
  error: { node_id?: string; code: string; message: string } | null;
  nodes: ExecutionNodeRecord[];
  startedAt: number | null;
  completedAt: number | null;
}

/** Largest stored output of one node, and of the execution (JSON, UTF-8 bytes); see docs/workflows.md. */
export const MAX_NODE_OUTPUT_BYTES = 32 * 1024;
export const MAX_EXECUTION_OUTPUT_BYTES = 256 * 1024;
/** All node results of one execution together (a D1 row holds at most 2 MB); beyond it outputs shrink further. */
export const MAX_NODES_JSON_BYTES = 1024 * 1024;
/** Per-node output limit once the whole list is over {@link MAX_NODES_JSON_BYTES}. */
export const CROWDED_NODE_OUTPUT_BYTES = 4 * 1024;
/** What a truncated output keeps of its JSON text. */
export const TRUNCATED_PREVIEW_CHARS = 2048;

/** A value whose JSON exceeds `maxBytes` becomes `{truncated: true, bytes, preview}` (the marker). */
export function boundedOutput(value: unknown, maxBytes: number): unknown {
  if (value === undefined) return undefined;
  const json = JSON.stringify(value) ?? "null";
  const bytes = new TextEncoder().encode(json).length;
  if (bytes <= maxBytes) return value;
  return { truncated: true, bytes, preview: json.slice(0, TRUNCATED_PREVIEW_CHARS) };
}

const NODE_TERMINAL = new Set(["completed", "failed", "skipped"]);

function withNode(
  nodes: ExecutionNodeRecord[],
  nodeId: string,
  change: (current: ExecutionNodeRecord) => ExecutionNodeRecord | null,
): ExecutionNodeRecord[] {
  const index = nodes.findIndex((node) => node.node_id === nodeId);
  const current =
    index >= 0 ? (nodes[index] as ExecutionNodeRecord) : { node_id: nodeId, status: "pending" as const, attempts: 0 };
  const next = change(current);
  if (!next) return nodes;
  const copy = [...nodes];
  if (index >= 0) copy[index] = next;
  else copy.push(next);
  return copy;
}

/** Keeps the node list within {@link MAX_NODES_JSON_BYTES} by shrinking every output when it is over. */
export function boundedNodes(nodes: ExecutionNodeRecord[]): ExecutionNodeRecord[] {
  if (new TextEncoder().encode(JSON.stringify(nodes)).length <= MAX_NODES_JSON_BYTES) return nodes;
  return nodes.map((node) =>
    node.output === undefined ? node : { ...node, output: boundedOutput(node.output, CROWDED_NODE_OUTPUT_BYTES) },
  );
}

/** The initial node list of a workflow execution: every node pending, in declaration order. */
export function pendingNodes(nodeIds: readonly string[]): ExecutionNodeRecord[] {
  return nodeIds.map((node_id) => ({ node_id, status: "pending", attempts: 0 }));
}

/**
 * Applies one (new, non-duplicate) event. Returns null when the event is refused: the execution already ended
 * (SPEC §7.4: 409 `execution_finished`).
 */
export function applyExecutionEvent(state: ExecutionState, event: ExecutionEventInput): ExecutionState | null {
  if (TERMINAL_STATUSES.has(state.status)) return null;
  const running = (s: ExecutionState): ExecutionState =>
    s.status === "queued" ? { ...s, status: "running", startedAt: s.startedAt ?? event.at } : s;
  switch (event.type) {
    case "started":
      return running(state);
    case "node_started":
      return {
        ...running(state),
        nodes: withNode(state.nodes, event.node_id ?? "", (node) =>
          NODE_TERMINAL.has(node.status) || (event.attempt ?? 1) < node.attempts
            ? null
            : { ...node, status: "running", attempts: event.attempt ?? 1, started_at: node.started_at ?? event.at },
        ),
      };
    case "node_completed":
      return {
        ...running(state),
        nodes: boundedNodes(
          withNode(state.nodes, event.node_id ?? "", (node) =>
            NODE_TERMINAL.has(node.status)
              ? null
              : {
                  node_id: node.node_id,
                  status: "completed",
                  output: boundedOutput(event.output, MAX_NODE_OUTPUT_BYTES),
                  attempts: event.attempts ?? Math.max(1, node.attempts),
                  ...(node.started_at !== undefined && { started_at: node.started_at }),
                  completed_at: event.at,
                },
          ),
        ),
      };
    case "node_failed":
      return {
        ...running(state),
        nodes: withNode(state.nodes, event.node_id ?? "", (node) => {
          if (NODE_TERMINAL.has(node.status)) return null;
          const error = event.error ? { code: event.error.code, message: event.error.message } : undefined;
          const final = event.final !== false;
          return {
            ...node,
            status: final ? "failed" : "running",
            ...(error && { error }),
            attempts: event.attempts ?? node.attempts,
            ...(final && { completed_at: event.at }),
          };
        }),
      };
    case "node_skipped":
      return {
        ...state,
        nodes: withNode(state.nodes, event.node_id ?? "", (node) =>
          NODE_TERMINAL.has(node.status) ? null : { node_id: node.node_id, status: "skipped", attempts: node.attempts },
        ),
      };
    case "completed":
      return {
        ...running(state),
        status: "completed",
        output: boundedOutput(event.output ?? null, MAX_EXECUTION_OUTPUT_BYTES),
        completedAt: event.at,
      };
    case "failed":
      return {
        ...running(state),
        status: "failed",
        statusReason: event.reason ?? event.error?.code ?? "failed",
        error: event.error ?? { code: "failed", message: "The execution failed" },
        completedAt: event.at,
      };
    case "cancelled":
      return { ...state, status: "cancelled", statusReason: event.reason ?? "cancelled", completedAt: event.at };
  }
}

/** The event as stored and streamed: outputs bounded like the row's. */
export function boundedEvent(event: ExecutionEventInput): ExecutionEventInput {
  if (event.output === undefined) return event;
  const limit = event.type === "completed" ? MAX_EXECUTION_OUTPUT_BYTES : MAX_NODE_OUTPUT_BYTES;
  return { ...event, output: boundedOutput(event.output, limit) };
}
