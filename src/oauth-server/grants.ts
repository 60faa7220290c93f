import { Hono } from "hono";
import { recordAudit } from "../audit/record";
import { currentSession, requireSession } from "../auth/session-auth";
import { getDb } from "../db/client";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { revokedGrantsFor } from "./context";
import { forgetConsent, listLiveGrantsForUser, revokeGrantOfUser } from "./store";

/**
 * The apps a user has authorized (SPEC §8 `GET/DELETE /api/oauth/grants[/:id]`). Mounted at
 * `/api/oauth/grants` so it wins over the OAuth-connection routes at `/api/oauth/:provider/…`.
 * Revoking stops refresh at once and the grant's access tokens on `/mcp` within 5 s (see
 * revocation-cache.ts); another user's grant is a 404.
 */
export const grantRoutes = new Hono<AppEnv>()
  .use(requireSession())
  .get("/", async (c) => {
    const session = currentSession(c);
    const grants = await listLiveGrantsForUser(getDb(c.env.DB), session.userId);
    return c.json({
      success: true,
      data: grants.map((grant) => ({
        id: grant.id,
        client_id: grant.clientId,
        client_name: grant.clientName ?? "Unknown app",
        client_kind: grant.clientKind,
        scopes: grant.scope.split(" ").filter(Boolean),
        resource: grant.resource,
        created_at: grant.createdAt,
        last_used_at: grant.lastUsedAt,
      })),
    });
  })
  .delete("/:id", async (c) => {
    const session = currentSession(c);
    const grantId = c.req.param("id");
    const db = getDb(c.env.DB);
    const grants = await listLiveGrantsForUser(db, session.userId);
    const grant = grants.find((candidate) => candidate.id === grantId);
    if (!grant || !(await revokeGrantOfUser(c.env.DB, session.userId, grantId, Date.now()))) {
      throw new AppError("not_found", "Authorized app not found");
    }
    revokedGrantsFor(c.env.DB).markRevoked(grantId);
    await forgetConsent(db, session.userId, grant.clientId);
    recordAudit(c, {
      action: "oauth.grant.revoke",
      outcome: "success",
      actorId: session.userId,
      targetType: "oauth_grant",
      targetId: grantId,
    });
    return c.json({ success: true, data: { id: grantId, revoked: true } });
  });
