import { authorizeQuery as mcpAuthorizeQuery } from "../mcp-client/oauth-routes";
import { callBody, discoverBody } from "../mcp-client/routes";
import { createSchema as oauthClientBody } from "../oauth-server/admin-clients";
import { listQuery as paragonActionsQuery, runBody as paragonRunBody } from "../paragon/routes";
import { agentSchema, workflowShapeSchema } from "../workflows/definitions/schemas";
import { executeBodies } from "../workflows/routes/definitions";
import { listQuery as executionsQuery } from "../workflows/routes/executions";
import type { Operation } from "./operations";

/**
 * The operations of the features built on connections (MCP client, OAuth server, Paragon, workflows),
 * with the zod schemas their routes validate with. Split from `operations.ts` to keep files small.
 */

const definitionRoutes = (kind: "workflows" | "agents", schema: typeof workflowShapeSchema | typeof agentSchema) => {
  const one = kind === "workflows" ? "workflow" : "agent";
  const ops: Operation[] = [
    {
      method: "get",
      path: `/api/${kind}`,
      tag: kind,
      summary: `List your ${kind}`,
      auth: "session_or_key",
      success: { status: 200, description: `${one} summaries` },
    },
    {
      method: "post",
      path: `/api/${kind}`,
      tag: kind,
      summary: `Create a ${one}`,
      auth: "session_or_key",
      body: schema,
      success: { status: 201, description: `The ${one}, version 1` },
    },
    {
      method: "get",
      path: `/api/${kind}/:id`,
      tag: kind,
      summary: `One ${one} (its current version)`,
      auth: "session_or_key",
      success: { status: 200, description: `The ${one}` },
    },
    {
      method: "put",
      path: `/api/${kind}/:id`,
      tag: kind,
      summary: `Replace a ${one} (a new version)`,
      auth: "session_or_key",
      body: schema,
      success: { status: 200, description: `The ${one}, next version` },
    },
    {
      method: "patch",
      path: `/api/${kind}/:id`,
      tag: kind,
      summary: `Replace a ${one} (same as PUT)`,
      auth: "session_or_key",
      body: schema,
      success: { status: 200, description: `The ${one}, next version` },
    },
    {
      method: "delete",
      path: `/api/${kind}/:id`,
      tag: kind,
      summary: `Delete a ${one}`,
      auth: "session_or_key",
      success: { status: 200, description: "Deleted" },
    },
    {
      method: "post",
      path: `/api/${kind}/:id/execute`,
      tag: kind,
      summary: `Run a ${one}`,
      auth: "session_or_key",
      body: executeBodies[one],
      success: { status: 202, description: "The execution, queued" },
    },
  ];
  return ops;
};

export const FEATURE_OPERATIONS: readonly Operation[] = [
  // MCP connections (SPEC §6.7)
  {
    method: "get",
    path: "/api/connections/mcp/providers",
    tag: "mcp-connections",
    summary: "The registry of known MCP servers",
    auth: "session_or_key",
    success: { status: 200, description: "MCP providers" },
  },
  {
    method: "post",
    path: "/api/connections/mcp/discover",
    tag: "mcp-connections",
    summary: "Discover an MCP server's tools before saving",
    auth: "session_or_key",
    body: discoverBody,
    success: { status: 200, description: "Server, protocol version, transport, tools" },
  },
  {
    method: "post",
    path: "/api/connections/:id/refresh-tools",
    tag: "mcp-connections",
    summary: "Discover a saved MCP connection's tools again",
    auth: "session_or_key",
    success: { status: 200, description: "`{tools}`" },
  },
  {
    method: "post",
    path: "/api/connections/:id/tools/:name/call",
    tag: "mcp-connections",
    summary: "Call one tool of an MCP connection",
    auth: "session_or_key",
    body: callBody,
    success: { status: 200, description: "`{content, structured_content?, is_error}`" },
  },
  {
    method: "get",
    path: "/api/oauth/mcp/authorize",
    tag: "mcp-connections",
    summary: "Authorization URL for an MCP server's own OAuth",
    auth: "session",
    query: mcpAuthorizeQuery,
    success: { status: 200, description: "`{authUrl}`" },
  },
  {
    method: "get",
    path: "/api/oauth/mcp/callback",
    tag: "mcp-connections",
    summary: "MCP OAuth callback",
    auth: "none",
    success: { status: 200, description: "HTML page that reports to the app" },
    successContent: "html",
  },

  // OAuth server: authorized apps and admin-managed clients (SPEC §8)
  {
    method: "get",
    path: "/api/oauth/grants",
    tag: "apps",
    summary: "Apps you authorized (MCP and OAuth clients)",
    auth: "session",
    success: { status: 200, description: "Grants" },
  },
  {
    method: "delete",
    path: "/api/oauth/grants/:id",
    tag: "apps",
    summary: "Revoke an app's access",
    auth: "session",
    success: { status: 200, description: "Revoked" },
  },
  {
    method: "get",
    path: "/api/admin/oauth/clients",
    tag: "admin",
    summary: "Confidential OAuth clients",
    auth: "session",
    success: { status: 200, description: "Clients" },
  },
  {
    method: "post",
    path: "/api/admin/oauth/clients",
    tag: "admin",
    summary: "Register a confidential OAuth client (secret shown once)",
    auth: "session",
    body: oauthClientBody,
    success: { status: 201, description: "The client and its secret" },
  },
  {
    method: "delete",
    path: "/api/admin/oauth/clients/:id",
    tag: "admin",
    summary: "Remove an OAuth client",
    auth: "session",
    success: { status: 200, description: "Removed" },
  },

  // Paragon (SPEC §9)
  {
    method: "get",
    path: "/api/paragon/token",
    tag: "paragon",
    summary: "A Paragon user token for the Connect portal",
    auth: "session_or_key",
    success: { status: 200, description: "`{token, expires_at}`" },
  },
  {
    method: "get",
    path: "/api/paragon/actions",
    tag: "paragon",
    summary: "ActionKit actions available to you",
    auth: "session_or_key",
    query: paragonActionsQuery,
    success: { status: 200, description: "`{tools}`" },
  },
  {
    method: "post",
    path: "/api/paragon/actions",
    tag: "paragon",
    summary: "Run a Paragon action",
    auth: "session_or_key",
    body: paragonRunBody,
    success: { status: 200, description: "The action's result" },
  },
  {
    method: "post",
    path: "/api/paragon/webhook",
    tag: "webhooks",
    summary: "Paragon events (verified by HMAC signature)",
    auth: "signature",
    success: { status: 200, description: "Processed (duplicates too)" },
  },

  // Workflows, agents and executions (SPEC §7)
  ...definitionRoutes("workflows", workflowShapeSchema),
  ...definitionRoutes("agents", agentSchema),
  {
    method: "get",
    path: "/api/executions",
    tag: "executions",
    summary: "Your executions",
    auth: "session_or_key",
    query: executionsQuery,
    success: { status: 200, description: "Executions" },
  },
  {
    method: "get",
    path: "/api/executions/:id",
    tag: "executions",
    summary: "One execution, its node results and outputs",
    auth: "session_or_key",
    success: { status: 200, description: "The execution" },
  },
  {
    method: "post",
    path: "/api/executions/:id/cancel",
    tag: "executions",
    summary: "Cancel a running execution",
    auth: "session_or_key",
    success: { status: 200, description: "Cancelled" },
  },
  {
    method: "get",
    path: "/api/executions/:id/events",
    tag: "executions",
    summary: "Live progress (Server-Sent Events; ends after a terminal event)",
    auth: "session_or_key",
    success: { status: 200, description: "Server-Sent Events" },
    successContent: "sse",
  },
];
