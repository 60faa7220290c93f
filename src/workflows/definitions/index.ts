/** Workflow and agent definitions: wire schemas, node config schemas, save-time validation (SPEC §7.1). */
export {
  agentConnectionReferences,
  type ConnectionReference,
  checkConnectionReferences,
  type FoundConnection,
  workflowConnectionReferences,
} from "./connections";
export { HTTP_CONNECTION_METHODS, NODE_CONFIG_SCHEMAS, NODE_ID_PATTERN, retryPolicySchema } from "./nodes";
export {
  type AgentInput,
  agentSchema,
  MAX_AGENT_TOOLS,
  MAX_EDGES,
  MAX_NODES,
  type ValidAgent,
  workflowShapeSchema,
} from "./schemas";
export {
  formatPath,
  type Validation,
  type ValidationDetail,
  validateAgentDefinition,
  validateWorkflowDefinition,
} from "./validate";
