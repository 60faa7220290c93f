/**
 * The workflow pages (SPEC §7): the app shell routes `/workflows`, `/workflows/new`, `/workflows/:id`,
 * `/executions` and `/executions/:id` to these.
 */
export { ExecutionPage, type ExecutionPageProps } from "./ExecutionPage";
export { ExecutionsPage, type ExecutionsPageProps } from "./ExecutionsPage";
export { WorkflowEditorPage, type WorkflowEditorPageProps } from "./WorkflowEditorPage";
export { WorkflowsPage } from "./WorkflowsPage";
