import { createDefinitionRoutes } from "./definitions";

export { executionRoutes } from "./executions";

/** `/api/workflows` (SPEC §7.1). */
export const workflowRoutes = createDefinitionRoutes("workflow");
/** `/api/agents` (SPEC §7.1). */
export const agentRoutes = createDefinitionRoutes("agent");
