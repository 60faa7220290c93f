import { DomainDataState } from "@workos-inc/node";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { type Context, Hono } from "hono";
import * as z from "zod";
import { recordAudit } from "../audit/record";
import { requireWorkOS } from "../auth/identity";
import { workosFailureToAppError } from "../auth/providers/workos";
import { currentSession, requireSession } from "../auth/session-auth";
import type { SessionOrganization } from "../auth/sessions";
import { getDb } from "../db/client";
import { memberships, organizations, users } from "../db/schema";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { jsonBody } from "../platform/middleware/body";

/** Connection types an admin may set up through the Admin Portal (WorkOS `ConnectionType`). */
export const SSO_TYPES = [
  "GenericSAML",
  "GenericOIDC",
  "OktaSAML",
  "AzureSAML",
  "EntraIdOIDC",
  "GoogleSAML",
  "ADFSSAML",
  "OneLoginSAML",
  "JumpCloudSAML",
  "PingFederateSAML",
  "PingOneSAML",
  "KeycloakSAML",
  "Auth0SAML",
  "DuoSAML",
] as const;

const ADMIN_ROLES = new Set(["owner", "admin"]);
const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Organizations where the signed-in user is an owner or admin; 403 when there are none. */
function administeredOrganizations(c: Context<AppEnv>): SessionOrganization[] {
  const administered = currentSession(c).organizations.filter((org) => ADMIN_ROLES.has(org.role));
  if (administered.length === 0) throw new AppError("forbidden", "Only organization owners and admins can do this");
  return administered;
}

/** One organization the caller administers: 404 if they are not in it, 403 if they are a plain member. */
function administeredOrganization(c: Context<AppEnv>, organizationId: string): SessionOrganization {
  const membership = currentSession(c).organizations.find((org) => org.id === organizationId);
  if (!membership) throw new AppError("not_found", "Organization not found");
  if (!ADMIN_ROLES.has(membership.role))
    throw new AppError("forbidden", "Only organization owners and admins can do this");
  return membership;
}

export const ssoCreateBody = z.strictObject({
  domain: z.string().trim().toLowerCase().regex(DOMAIN_PATTERN, { error: "must be a domain name such as example.com" }),
  ssoType: z.enum(SSO_TYPES),
  organization_id: z.uuid().optional(),
});

/**
 * Organization administration (SPEC §5.1), mounted at `/api/admin`. Every route requires a session
 * and an owner/admin membership; SSO setup also requires WorkOS.
 */
export const adminRoutes = new Hono<AppEnv>()
  .use(requireSession())

  .post("/sso/create", jsonBody(ssoCreateBody), async (c) => {
    const { domain, ssoType, organization_id } = c.req.valid("json");
    const target = organization_id
      ? administeredOrganization(c, organization_id)
      : (administeredOrganizations(c)[0] as SessionOrganization);
    const workos = requireWorkOS(c, "Single sign-on setup");
    const db = getDb(c.env.DB);
    const clash = await db
      .select({ id: organizations.id })
      .from(organizations)
      .where(and(eq(organizations.domain, domain), ne(organizations.id, target.id)))
      .get();
    if (clash)
      throw new AppError("conflict", "That domain already belongs to another organization", {
        details: { field: "domain" },
      });

    const local = await db.select().from(organizations).where(eq(organizations.id, target.id)).get();
    if (!local) throw new AppError("not_found", "Organization not found");
    let workosOrganizationId = local.workosOrganizationId;
    try {
      if (!workosOrganizationId) {
        const created = await workos.client.organizations.createOrganization({
          name: local.name,
          domainData: [{ domain, state: DomainDataState.Pending }],
        });
        workosOrganizationId = created.id;
      }
      const now = Date.now();
      await db
        .update(organizations)
        .set({ workosOrganizationId, domain, ssoProvider: ssoType, updatedAt: now })
        .where(eq(organizations.id, local.id));
      const { link } = await workos.client.adminPortal.generateLink({
        organization: workosOrganizationId,
        intent: "sso",
      });
      recordAudit(c, {
        action: "admin.sso.create",
        outcome: "success",
        actorId: currentSession(c).userId,
        targetType: "organization",
        targetId: local.id,
        metadata: { domain, sso_type: ssoType },
      });
      return c.json(
        {
          success: true,
          data: {
            organization: {
              id: local.id,
              name: local.name,
              domain,
              sso_provider: ssoType,
              workos_organization_id: workosOrganizationId,
            },
            portal_link: link,
          },
        },
        201,
      );
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw workosFailureToAppError(error, "WorkOS refused to set up single sign-on for that domain");
    }
  })

  .get("/organizations", async (c) => {
    const administered = administeredOrganizations(c);
    const ids = administered.map((org) => org.id);
    const db = getDb(c.env.DB);
    const rows = await db
      .select({
        id: organizations.id,
        name: organizations.name,
        slug: organizations.slug,
        domain: organizations.domain,
        sso_enabled: organizations.ssoEnabled,
        sso_provider: organizations.ssoProvider,
        created_at: organizations.createdAt,
        member_count: sql<number>`(select count(*) from memberships m where m.organization_id = "organizations"."id")`,
      })
      .from(organizations)
      .where(inArray(organizations.id, ids))
      .orderBy(organizations.name);
    const roles = new Map(administered.map((org) => [org.id, org.role]));
    return c.json({ success: true, data: rows.map((row) => ({ ...row, role: roles.get(row.id) })) });
  })

  .get("/organizations/:id/users", async (c) => {
    const organization = administeredOrganization(c, c.req.param("id"));
    const rows = await getDb(c.env.DB)
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        role: memberships.role,
        auth_method: users.authMethod,
        last_login_at: users.lastLoginAt,
        joined_at: memberships.createdAt,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.organizationId, organization.id), sql`${users.deletedAt} is null`))
      .orderBy(users.email);
    return c.json({ success: true, data: rows });
  });
