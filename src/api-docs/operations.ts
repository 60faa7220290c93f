import type { ZodType } from "zod";
import * as z from "zod";
import { ssoCreateBody } from "../admin/routes";
import { createApiKeyBody } from "../auth/api-keys/routes";
import { authorizeQuery, magicAuthBody, magicAuthVerifyBody, ssoQuery } from "../auth/routes";
import { createConnectionBody, testConnectionBody, updateConnectionBody } from "../connections/schemas";
import { listConnectionsQuerySchema } from "../connections/session-companions";
import { oauthAuthorizeQuery } from "../oauth-client/routes";
import { webhookRequest } from "../proxy/webhook-routes";

/**
 * The public API, one row per operation, pointing at the very zod schemas the routes validate with
 * (exported by each feature). `document.ts` turns the table into the OpenAPI 3.1 document; the test
 * `test/integration/openapi.test.ts` fails when the app has a route this table does not describe.
 */

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export type Auth = "session" | "session_or_key" | "none" | "signature";

export interface Operation {
  method: HttpMethod;
  /** Hono path syntax (`:id`), as mounted. */
  path: string;
  tag: string;
  summary: string;
  auth: Auth;
  body?: ZodType;
  /** An object schema; each property is documented as a query parameter. */
  query?: ZodType;
  /** Success status and what it returns (in the `{success: true, data}` envelope). */
  success: { status: number; description: string };
  /** Non-JSON success (redirects, HTML pages). */
  successContent?: "redirect" | "html" | "sse";
}

const DEV_LOGIN_FORM = z.object({ email: z.string(), name: z.string().optional(), state: z.string() });

export const OPERATIONS: readonly Operation[] = [
  // Health
  {
    method: "get",
    path: "/api/ping",
    tag: "health",
    summary: "Liveness",
    auth: "none",
    success: { status: 200, description: "Always ok" },
  },
  {
    method: "get",
    path: "/api/health",
    tag: "health",
    summary: "Service health (database reachability)",
    auth: "none",
    success: { status: 200, description: "Health; 503 when degraded" },
  },

  // Identity and sessions (SPEC §5)
  {
    method: "get",
    path: "/api/auth/authorize",
    tag: "auth",
    summary: "Start sign-in (302 to WorkOS or the dev identity provider)",
    auth: "none",
    query: authorizeQuery,
    success: { status: 302, description: "Redirect to the identity provider" },
    successContent: "redirect",
  },
  {
    method: "get",
    path: "/api/auth/sso-authorize",
    tag: "auth",
    summary: "Start enterprise SSO for an organization",
    auth: "none",
    query: ssoQuery,
    success: { status: 302, description: "Redirect to the organization's SSO connection" },
    successContent: "redirect",
  },
  {
    method: "get",
    path: "/api/auth/callback",
    tag: "auth",
    summary: "Sign-in callback: sets the session cookie",
    auth: "none",
    success: { status: 302, description: "Redirect to return_to" },
    successContent: "redirect",
  },
  {
    method: "post",
    path: "/api/auth/magic-auth",
    tag: "auth",
    summary: "Send a Magic Auth code",
    auth: "none",
    body: magicAuthBody,
    success: { status: 200, description: "Code sent" },
  },
  {
    method: "post",
    path: "/api/auth/magic-auth/verify",
    tag: "auth",
    summary: "Sign in with a Magic Auth code",
    auth: "none",
    body: magicAuthVerifyBody,
    success: { status: 200, description: "Signed in; sets the session cookie" },
  },
  {
    method: "get",
    path: "/api/auth/me",
    tag: "auth",
    summary: "The current user and organizations",
    auth: "session_or_key",
    success: { status: 200, description: "User, organizations, session" },
  },
  {
    method: "post",
    path: "/api/auth/logout",
    tag: "auth",
    summary: "Sign out this session",
    auth: "session",
    success: { status: 200, description: "Signed out; the identity provider's logout URL when there is one" },
  },
  {
    method: "post",
    path: "/api/auth/sessions/revoke-all",
    tag: "auth",
    summary: "Sign out everywhere",
    auth: "session",
    success: { status: 200, description: "Every session of the user revoked" },
  },
  {
    method: "get",
    path: "/api/auth/dev/login",
    tag: "auth",
    summary: "Dev identity provider sign-in form (not in production)",
    auth: "none",
    success: { status: 200, description: "HTML form" },
    successContent: "html",
  },
  {
    method: "post",
    path: "/api/auth/dev/login",
    tag: "auth",
    summary: "Dev identity provider sign-in (form-encoded email, name, state)",
    auth: "none",
    body: DEV_LOGIN_FORM,
    success: { status: 302, description: "Redirect to the callback" },
    successContent: "redirect",
  },

  // Personal API keys (SPEC §5.4)
  {
    method: "post",
    path: "/api/api-keys",
    tag: "api-keys",
    summary: "Create a personal API key (the key is shown once)",
    auth: "session",
    body: createApiKeyBody,
    success: { status: 201, description: "The key's summary and `key`" },
  },
  {
    method: "get",
    path: "/api/api-keys",
    tag: "api-keys",
    summary: "List your API keys (never the keys)",
    auth: "session",
    success: { status: 200, description: "Prefix, name, scopes, last used, expiry" },
  },
  {
    method: "delete",
    path: "/api/api-keys/:id",
    tag: "api-keys",
    summary: "Revoke an API key (refused at once afterwards)",
    auth: "session",
    success: { status: 200, description: "Revoked" },
  },

  // Connections (SPEC §6)
  {
    method: "get",
    path: "/api/providers",
    tag: "connections",
    summary: "The provider catalog, with whether each OAuth app is configured here",
    auth: "session_or_key",
    success: { status: 200, description: "Catalog entries" },
  },
  {
    method: "get",
    path: "/api/connections",
    tag: "connections",
    summary: "List your connections",
    auth: "session_or_key",
    query: listConnectionsQuerySchema,
    success: { status: 200, description: "Connection summaries (never secrets)" },
  },
  {
    method: "post",
    path: "/api/connections",
    tag: "connections",
    summary: "Create a connection",
    auth: "session_or_key",
    body: createConnectionBody,
    success: { status: 201, description: "The connection's summary, with its id" },
  },
  {
    method: "get",
    path: "/api/connections/:id",
    tag: "connections",
    summary: "One connection (summary plus readable settings)",
    auth: "session_or_key",
    success: { status: 200, description: "Connection summary" },
  },
  {
    method: "put",
    path: "/api/connections/:id",
    tag: "connections",
    summary: "Update a connection (partial; `data` is merged)",
    auth: "session_or_key",
    body: updateConnectionBody,
    success: { status: 200, description: "The updated summary" },
  },
  {
    method: "patch",
    path: "/api/connections/:id",
    tag: "connections",
    summary: "Update a connection (same as PUT)",
    auth: "session_or_key",
    body: updateConnectionBody,
    success: { status: 200, description: "The updated summary" },
  },
  {
    method: "delete",
    path: "/api/connections/:id",
    tag: "connections",
    summary: "Delete a connection (soft delete; OAuth grants revoked)",
    auth: "session_or_key",
    success: { status: 200, description: "Deleted" },
  },
  {
    method: "get",
    path: "/api/connections/:id/status",
    tag: "connections",
    summary: "Token validity, expiry, last used/tested, health",
    auth: "session_or_key",
    success: { status: 200, description: "Health" },
  },
  {
    method: "post",
    path: "/api/connections/test",
    tag: "connections",
    summary: "Test credentials before saving",
    auth: "session_or_key",
    body: testConnectionBody,
    success: { status: 200, description: "Test result" },
  },
  {
    method: "post",
    path: "/api/connections/:id/test",
    tag: "connections",
    summary: "Test a saved connection",
    auth: "session_or_key",
    success: { status: 200, description: "Test result" },
  },
  ...(["get", "post", "put", "patch", "delete"] as const).map(
    (method): Operation => ({
      method,
      path: "/api/connections/:id/proxy/:path",
      tag: "proxy",
      summary: `${method.toUpperCase()} through the connection: the request goes to its base URL with credentials injected`,
      auth: "session_or_key",
      success: { status: 200, description: "The upstream's answer, as it came" },
    }),
  ),
  {
    method: "post",
    path: "/api/webhooks/send",
    tag: "proxy",
    summary: "Send an outbound webhook to a URL or through a connection",
    auth: "session_or_key",
    body: webhookRequest,
    success: { status: 200, description: "Delivery result (202 when fire-and-forget)" },
  },

  // OAuth connections (SPEC §6.5)
  {
    method: "get",
    path: "/api/oauth/:provider/authorize",
    tag: "oauth",
    summary: "The provider's authorization URL for a new or existing connection",
    auth: "session_or_key",
    query: oauthAuthorizeQuery,
    success: { status: 200, description: "`{authUrl}`" },
  },
  {
    method: "get",
    path: "/api/oauth/:provider/callback",
    tag: "oauth",
    summary: "OAuth callback: stores the tokens, reports to the opener",
    auth: "none",
    success: { status: 200, description: "HTML page that posts the outcome to the app" },
    successContent: "html",
  },

  // Admin (organization owners/admins; never with an API key)
  {
    method: "post",
    path: "/api/admin/sso/create",
    tag: "admin",
    summary: "Create a WorkOS organization and its Admin Portal link",
    auth: "session",
    body: ssoCreateBody,
    success: { status: 200, description: "Organization and portal link" },
  },
  {
    method: "get",
    path: "/api/admin/organizations",
    tag: "admin",
    summary: "Organizations you administer",
    auth: "session",
    success: { status: 200, description: "Organizations" },
  },
  {
    method: "get",
    path: "/api/admin/organizations/:id/users",
    tag: "admin",
    summary: "Users of an organization",
    auth: "session",
    success: { status: 200, description: "Users" },
  },
  {
    method: "get",
    path: "/api/admin/encryption",
    tag: "admin",
    summary: "Encryption keyring status (platform admins)",
    auth: "session",
    success: { status: 200, description: "Key ids and row counts" },
  },
  {
    method: "post",
    path: "/api/admin/encryption/reencrypt",
    tag: "admin",
    summary: "Start re-encrypting rows under the primary key",
    auth: "session",
    success: { status: 202, description: "Run started" },
  },
  {
    method: "get",
    path: "/api/admin/encryption/reencrypt/:id",
    tag: "admin",
    summary: "Progress of a re-encryption run",
    auth: "session",
    success: { status: 200, description: "Run" },
  },

  // Inbound webhooks
  {
    method: "post",
    path: "/api/webhooks/workos",
    tag: "webhooks",
    summary: "WorkOS events (verified by signature)",
    auth: "signature",
    success: { status: 200, description: "Processed (duplicates too)" },
  },
];
