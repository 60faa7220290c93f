import { type Context, Hono } from "hono";
import * as z from "zod";
import { recordAudit } from "../audit/record";
import { currentSession, requireSession } from "../auth/session-auth";
import { randomToken, sha256Hex } from "../crypto";
import { getDb } from "../db/client";
import type { OAuthClientRow } from "../db/schema";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { jsonBody } from "../platform/middleware/body";
import { checkRedirectUriForRegistration } from "./redirect-uri";
import { describeRedirectUriRefusal } from "./registration";
import { formatScopes, isScope } from "./scopes";
import { insertClient, listConfidentialClients, revokeClient } from "./store";

/**
 * Admin-managed confidential clients (`/api/admin/oauth/clients`, seed 003 §9.3). Platform operators
 * only (`PLATFORM_ADMIN_EMAILS`, verified email): a client is global, not an organization's. The secret
 * is shown once at creation and stored as SHA-256; such clients may also introspect (RFC 7662).
 */
function requirePlatformAdmin(c: Context<AppEnv>) {
  const session = currentSession(c);
  if (!session.user.emailVerified || !c.var.config.platformAdminEmails.has(session.user.email)) {
    throw new AppError("forbidden", "Only platform administrators can manage OAuth clients");
  }
  return session;
}

export const createSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  redirect_uris: z
    .array(z.string())
    .min(1)
    .max(10)
    .superRefine((uris, ctx) => {
      for (const uri of uris) {
        const check = checkRedirectUriForRegistration(uri);
        if (!check.ok)
          ctx.addIssue({ code: "custom", message: `${uri.slice(0, 200)} ${describeRedirectUriRefusal(check.reason)}` });
      }
    }),
  scopes: z.array(z.string().refine(isScope, "is not a known scope")).max(10).optional(),
  token_endpoint_auth_method: z.enum(["client_secret_basic", "client_secret_post"]).optional(),
});

function describeClient(client: OAuthClientRow) {
  return {
    id: client.id,
    name: client.clientName,
    redirect_uris: client.redirectUris,
    scopes: client.scope.split(" ").filter(Boolean),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    created_at: client.createdAt,
  };
}

export const adminClientRoutes = new Hono<AppEnv>()
  .use(requireSession())
  .get("/", async (c) => {
    requirePlatformAdmin(c);
    const clients = await listConfidentialClients(getDb(c.env.DB));
    return c.json({ success: true, data: clients.map(describeClient) });
  })
  .post("/", jsonBody(createSchema), async (c) => {
    const session = requirePlatformAdmin(c);
    const input = c.req.valid("json");
    const secret = randomToken(32);
    const now = Date.now();
    const row = {
      id: crypto.randomUUID(),
      kind: "confidential" as const,
      clientName: input.name,
      redirectUris: [...new Set(input.redirect_uris)],
      tokenEndpointAuthMethod: input.token_endpoint_auth_method ?? "client_secret_basic",
      grantTypes: ["authorization_code", "refresh_token"],
      scope: formatScopes(input.scopes ?? []),
      clientUri: null,
      clientSecretHash: await sha256Hex(secret),
      createdByUserId: session.userId,
      metadataExpiresAt: null,
      revokedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await insertClient(getDb(c.env.DB), row);
    recordAudit(c, {
      action: "admin.oauth_client.create",
      outcome: "success",
      actorId: session.userId,
      targetType: "oauth_client",
      targetId: row.id,
    });
    return c.json({ success: true, data: { ...describeClient(row), client_secret: secret } }, 201);
  })
  .delete("/:id", async (c) => {
    const session = requirePlatformAdmin(c);
    const id = c.req.param("id");
    const clients = await listConfidentialClients(getDb(c.env.DB));
    if (!clients.some((client) => client.id === id) || !(await revokeClient(c.env.DB, id, Date.now()))) {
      throw new AppError("not_found", "OAuth client not found");
    }
    recordAudit(c, {
      action: "admin.oauth_client.revoke",
      outcome: "success",
      actorId: session.userId,
      targetType: "oauth_client",
      targetId: id,
    });
    return c.json({ success: true, data: { id, revoked: true } });
  });
