/**
 * Public types of the workflow interpreter (SPEC §7.3). Both engines — the Cloudflare Workflows entrypoint
 * and the Temporal worker — code against these. Nothing here imports a runtime API: the interpreter module
 * must load unchanged inside Temporal's deterministic workflow sandbox.
 */

/** The node types of SPEC §7.1. */
export const NODE_TYPES = ["http", "webhook", "llm", "integration", "mcp_tool", "paragon_action"] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/**
 * What an engine is asked to run for one node attempt: the six node types, plus `workflow` for an agent tool
 * that runs another workflow definition.
 */
export type ActivityType = NodeType | "workflow";

/** A JSON value, as stored in definitions, inputs and outputs. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One node of a workflow definition (SPEC §7.1). `config` is validated per type before saving. */
export interface WorkflowNode {
  /** Matches `[A-Za-z0-9_-]{1,64}`; unique within the definition. */
  id: string;
  type: NodeType;
  label?: string;
  config: Record<string, unknown>;
}

/** A directed edge; `condition` (the expression language of `expression.ts`) gates it. */
export interface WorkflowEdge {
  source: string;
  target: string;
  condition?: string;
}

/** A saved workflow definition (SPEC §7.1 wire shape). */
export interface WorkflowDefinition {
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

/** An agent tool (SPEC §7.1): another workflow, an MCP tool, or a Paragon action. */
export interface AgentTool {
  type: "workflow" | "mcp" | "paragon";
  name: string;
  description?: string;
  config: Record<string, unknown>;
}

/** A saved agent definition (SPEC §7.1 wire shape). */
export interface AgentDefinition {
  name: string;
  description?: string;
  provider: string;
  model: string;
  connection_id: string;
  instructions?: string;
  temperature?: number;
  max_steps?: number;
  tools: AgentTool[];
}

/** Per-node retry settings; SPEC §7.1 defaults: 3 attempts, exponential backoff from 1 s. */
export interface RetryPolicy {
  /** Total attempts, first one included (1 = never retry). */
  attempts: number;
  /** Wait before the second attempt; each later wait doubles. */
  backoffMs: number;
}

/**
 * The failure an activity reports. `retryable` is decided at the edge, where the outcome is known: network
 * errors, timeouts, 408, 429 and 5xx are retryable; everything else (4xx, a refused connection, invalid
 * config) is final. Engines may rebuild it from a serialized form, so it is recognised by shape
 * ({@link isActivityError}), not only by `instanceof`.
 */
export class ActivityError extends Error {
  readonly retryable: boolean;
  readonly code: string;
  /** The upstream asked to wait this long (`Retry-After`), capped by the interpreter. */
  readonly retryAfterMs?: number;

  constructor(code: string, message: string, options: { retryable: boolean; retryAfterMs?: number }) {
    super(message);
    this.name = "ActivityError";
    this.code = code;
    this.retryable = options.retryable;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** Whether `value` carries an activity failure's fields (an {@link ActivityError} or its serialized form). */
export function isActivityError(value: unknown): value is ActivityError {
  if (value instanceof ActivityError) return true;
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.retryable === "boolean" &&
    typeof candidate.code === "string" &&
    typeof candidate.message === "string"
  );
}

/** A node's error as recorded in events and execution results. */
export interface NodeError {
  code: string;
  message: string;
  retryable?: boolean;
}

/**
 * Events the interpreter emits, in order. `id` is deterministic (node id, event kind, attempt), so an
 * engine that replays (Cloudflare Workflows re-runs `run()` after a restart; Temporal replays history)
 * re-emits the same ids and the recorder de-duplicates them.
 */
export type InterpreterEvent =
  | { id: string; type: "node_started"; node_id: string; attempt: number }
  | { id: string; type: "node_completed"; node_id: string; output: unknown; attempts: number }
  | { id: string; type: "node_failed"; node_id: string; error: NodeError; attempts: number; final: boolean }
  | { id: string; type: "node_skipped"; node_id: string; reason: string };

export type NodeStatus = "pending" | "running" | "completed" | "failed" | "skipped";

/** The final state of one node (SPEC §7.2 `nodes[]`, minus the times the recorder stamps). */
export interface NodeResult {
  node_id: string;
  status: NodeStatus;
  output?: unknown;
  error?: NodeError;
  attempts: number;
}

/** The outcome of a run. A failed run names the node that failed it. */
export type RunResult =
  | { status: "completed"; output: unknown; nodes: NodeResult[] }
  | { status: "failed"; error: NodeError & { node_id: string }; nodes: NodeResult[] };

/**
 * What an engine supplies. Every side effect goes through it; the interpreter never touches the clock,
 * randomness or the network, so a run is a pure function of the activity results.
 */
export interface InterpreterHost {
  /**
   * Runs one attempt of one node at the edge and returns its output (JSON). Throws an {@link ActivityError}
   * (or its shape) on failure; anything else thrown counts as a final, non-retryable failure.
   * @param nodeId the node id (for agents: `step_<n>_llm`, `step_<n>_tool_<m>`)
   * @param type the activity to run
   * @param config the node config with every `{{…}}` / `${…}` resolved, minus interpreter-owned keys
   *   (`map`, `outputVariable`, `retryPolicy`, and a webhook's `condition`)
   * @param attempt 1-based attempt number
   */
  activity(nodeId: string, type: ActivityType, config: Record<string, unknown>, attempt: number): Promise<unknown>;
  /** Waits between attempts (durably, on engines that can: `step.sleep`, Temporal `sleep`). */
  sleep(ms: number, label: string): Promise<void>;
  /** Records an event (feeds the execution's event stream). Awaited before the run continues. */
  emit(event: InterpreterEvent): void | Promise<void>;
}

/** Context values templates can read besides inputs and node outputs (`{{workflow.name}}`). */
export interface RunContext {
  workflow?: { name: string; version?: number };
}
