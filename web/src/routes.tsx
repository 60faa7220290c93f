import type { ReactNode } from "react";
import { StatusPage } from "./admin/StatusPage";
import { AppsPage } from "./apps";
import { ConnectionDetailPage } from "./connections/ConnectionDetailPage";
import { ConnectionsPage } from "./connections/ConnectionsPage";
import { GalleryPage } from "./connections/GalleryPage";
import { NewConnectionPage } from "./connections/NewConnectionPage";
import { NewMcpConnectionPage } from "./connections/NewMcpConnectionPage";
import { ApiReferencePage } from "./docs/ApiReferencePage";
import { navigate, type Params } from "./router/router";
import { ApiKeysPage } from "./settings/ApiKeysPage";
import { ExecutionPage, ExecutionsPage, WorkflowEditorPage, WorkflowsPage } from "./workflows";

/**
 * The app's pages, matched in order against the URL. Adding a page is adding an entry: a feature
 * folder (`workflows/`, `apps/`, `mcp/`, `paragon/`, …) exports its page component and one line here
 * renders it. `nav` puts the page in the top bar. Order matters: static paths (`/connections/new`) come
 * before parameters (`/connections/:id`).
 */
export interface RouteEntry {
  path: string;
  title: string;
  render: (params: Params) => ReactNode;
  nav?: string;
}

export interface NavEntry {
  to: string;
  label: string;
}

export const ROUTES: readonly RouteEntry[] = [
  { path: "/connections", title: "Connections", nav: "Connections", render: () => <ConnectionsPage /> },
  { path: "/connections/new", title: "Add a connection", render: () => <GalleryPage /> },
  {
    path: "/connections/new/:provider",
    title: "Connect a provider",
    render: ({ provider }) => <NewConnectionPage providerId={provider ?? ""} />,
  },
  { path: "/connections/new-mcp", title: "Connect an MCP server", render: () => <NewMcpConnectionPage /> },
  {
    path: "/connections/:id",
    title: "Connection",
    render: ({ id }) => <ConnectionDetailPage key={id} id={id ?? ""} />,
  },
  { path: "/workflows", title: "Workflows", nav: "Workflows", render: () => <WorkflowsPage /> },
  { path: "/workflows/new", title: "New workflow", render: () => <WorkflowEditorPage navigate={navigate} /> },
  {
    path: "/workflows/:id",
    title: "Workflow",
    render: ({ id }) => <WorkflowEditorPage key={id} workflowId={id} navigate={navigate} />,
  },
  { path: "/executions", title: "Executions", render: () => <ExecutionsPage /> },
  {
    path: "/executions/:id",
    title: "Execution",
    render: ({ id }) => <ExecutionPage key={id} executionId={id ?? ""} />,
  },
  { path: "/apps", title: "Authorized apps", nav: "Apps", render: () => <AppsPage /> },
  { path: "/settings/api-keys", title: "API keys", nav: "API keys", render: () => <ApiKeysPage /> },
  { path: "/docs/api", title: "API reference", nav: "API", render: () => <ApiReferencePage /> },
  { path: "/admin", title: "Status", nav: "Status", render: () => <StatusPage /> },
];

/** The top bar's entries, in table order. */
export const NAV: readonly NavEntry[] = ROUTES.flatMap((route) =>
  route.nav ? [{ to: route.path, label: route.nav }] : [],
);
