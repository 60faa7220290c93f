/**
 * The workflow interpreter (SPEC §7.3): one pure module hosted by Cloudflare Workflows and by the Temporal
 * worker. No I/O, no clock, no randomness, no runtime imports — every effect goes through the
 * {@link InterpreterHost}. See `README.md` in this folder.
 */
export { type AttemptsOutcome, nodeErrorOf, runActivityAttempts } from "./attempts";
export { deepEqual, type EvaluateOptions, evaluateExpression, isTruthy } from "./evaluate";
export {
  type Expression,
  ExpressionError,
  type ExpressionScope,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
  parseExpression,
  referencedPaths,
  SCOPE_ROOTS,
} from "./expression";
export { entryNodeIds, type TopologicalOrder, topologicalOrder } from "./graph";
export {
  collectTemplates,
  hasTemplate,
  parseTemplate,
  resolveTemplate,
  resolveValue,
  type TemplatePart,
} from "./interpolate";
export {
  JsonPathError,
  type JsonPathSegment,
  MAX_JSONPATH_LENGTH,
  parseJsonPath,
  queryJsonPath,
  selectJsonPath,
} from "./jsonpath";
export {
  DEFAULT_RETRY_POLICY,
  MAX_NODE_ATTEMPTS,
  MAX_NODE_BACKOFF_MS,
  MAX_RETRY_WAIT_MS,
  retryDelayMs,
  retryPolicyOf,
} from "./retry";
export {
  type AgentLlmConfig,
  type AgentOutput,
  type ChatMessage,
  DEFAULT_AGENT_MAX_STEPS,
  type LlmOutput,
  type LlmUsage,
  MAX_AGENT_MAX_STEPS,
  parseLlmOutput,
  runAgentDefinition,
  type ToolCall,
  type ToolSpec,
  toolActivityConfig,
} from "./run-agent";
export { INTERPRETER_OWNED_KEYS, runWorkflowDefinition, type WorkflowOutput } from "./run-workflow";
export {
  ActivityError,
  type ActivityType,
  type AgentDefinition,
  type AgentTool,
  type InterpreterEvent,
  type InterpreterHost,
  isActivityError,
  type Json,
  NODE_TYPES,
  type NodeError,
  type NodeResult,
  type NodeStatus,
  type NodeType,
  type RetryPolicy,
  type RunContext,
  type RunResult,
  type WorkflowDefinition,
  type WorkflowEdge,
  type WorkflowNode,
} from "./types";
