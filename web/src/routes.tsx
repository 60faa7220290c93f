import type { ReactNode } from "react";
import { StatusPage } from "./admin/StatusPage";
import { ConnectionDetailPage } from "./connections/ConnectionDetailPage";
import { ConnectionsPage } from "./connections/ConnectionsPage";
import { GalleryPage } from "./connections/GalleryPage";
import { NewConnectionPage } from "./connections/NewConnectionPage";
import { ApiReferencePage } from "./docs/ApiReferencePage";
import type { Params } from "./router/router";
import { ApiKeysPage } from "./settings/ApiKeysPage";
import { ComingSoon } from "./shell/ComingSoon";

/**
 * The app's pages, matched in order against the URL. Adding a page is adding an entry: a feature
 * folder (`workflows/`, `apps/`, `mcp/`, `paragon/`, …) exports its page component and one line here
 * renders it. `nav` puts the page in the top bar. Entries rendering `ComingSoon` are placeholders for
 * pages other parts of this release build — replace the `render` with the real component.
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
  {
    path: "/connections/:id",
    title: "Connection",
    render: ({ id }) => <ConnectionDetailPage key={id} id={id ?? ""} />,
  },
  {
    path: "/workflows",
    title: "Workflows",
    nav: "Workflows",
    render: () => (
      <ComingSoon title="Workflows" description="Build workflows from your connections and run them at the edge." />
    ),
  },
  {
    path: "/executions/:id",
    title: "Execution",
    render: () => <ComingSoon title="Execution" description="Follow an execution's progress and outputs live." />,
  },
  {
    path: "/apps",
    title: "Authorized apps",
    nav: "Apps",
    render: () => (
      <ComingSoon
        title="Authorized apps"
        description="The AI clients and OAuth apps you allowed to use your workflows over MCP, and revoking them."
      />
    ),
  },
  { path: "/settings/api-keys", title: "API keys", nav: "API keys", render: () => <ApiKeysPage /> },
  { path: "/docs/api", title: "API reference", nav: "API", render: () => <ApiReferencePage /> },
  { path: "/admin", title: "Status", nav: "Status", render: () => <StatusPage /> },
];

/** The top bar's entries, in table order. */
export const NAV: readonly NavEntry[] = ROUTES.flatMap((route) =>
  route.nav ? [{ to: route.path, label: route.nav }] : [],
);
