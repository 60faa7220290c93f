import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { MEMBERSHIP_ROLES, type MembershipRole, memberships, organizations, type User, users } from "../db/schema";
import { AppError } from "../platform/errors";
import type { SignInProfile } from "./providers/types";

/** Looks up a WorkOS organization we have not seen yet (name, primary domain). */
export type OrganizationResolver = (externalId: string) => Promise<{ name: string; domain: string | null }>;

/**
 * Creates or updates the local user for a successful sign-in (SPEC §5.1).
 *
 * One person is one user whatever the method: a WorkOS user id finds its row; otherwise a verified
 * email does. An unverified email never attaches to an existing account (that would let anyone who
 * can type an address take over its owner's connections). A first sign-in also gets a personal
 * organization (owner), so every user can create and administer something from day one.
 */
export async function upsertSignedInUser(
  db: Database,
  profile: SignInProfile,
  now: number,
  resolveOrganization?: OrganizationResolver,
): Promise<User> {
  const email = profile.email.trim().toLowerCase();
  const byExternalId = profile.externalUserId
    ? await db.select().from(users).where(eq(users.workosUserId, profile.externalUserId)).get()
    : undefined;
  const existing = byExternalId ?? (await db.select().from(users).where(eq(users.email, email)).get());

  let user: User;
  if (existing) {
    const linkingNewIdentity =
      !byExternalId && profile.externalUserId !== null && existing.workosUserId !== profile.externalUserId;
    if ((linkingNewIdentity || existing.email !== email) && !profile.emailVerified) {
      throw new AppError("forbidden", "Verify your email address before signing in with this method");
    }
    const updated = await db
      .update(users)
      .set({
        email,
        workosUserId: profile.externalUserId ?? existing.workosUserId,
        name: profile.name ?? existing.name,
        emailVerified: existing.emailVerified || profile.emailVerified,
        authMethod: profile.authMethod,
        lastLoginAt: now,
        updatedAt: now,
        deletedAt: null,
      })
      .where(eq(users.id, existing.id))
      .returning()
      .get();
    user = updated;
  } else {
    user = await db
      .insert(users)
      .values({
        id: crypto.randomUUID(),
        workosUserId: profile.externalUserId,
        email,
        name: profile.name,
        emailVerified: profile.emailVerified,
        authMethod: profile.authMethod,
        lastLoginAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
  }

  if (profile.organization) {
    const organization = await ensureOrganization(db, profile.organization.externalId, now, resolveOrganization);
    await ensureMembership(
      db,
      user.id,
      organization.id,
      toMembershipRole(profile.organization.role),
      now,
      profile.organization.role !== null,
    );
  }
  const anyMembership = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(eq(memberships.userId, user.id))
    .get();
  if (!anyMembership) await createPersonalOrganization(db, user, now);
  return user;
}

/** WorkOS role slugs that match ours keep their meaning; anything else is a plain member. */
export function toMembershipRole(role: string | null | undefined): MembershipRole {
  return MEMBERSHIP_ROLES.includes(role as MembershipRole) ? (role as MembershipRole) : "member";
}

/** The local organization linked to a WorkOS organization, created from WorkOS's details when new. */
export async function ensureOrganization(
  db: Database,
  externalId: string,
  now: number,
  resolve?: OrganizationResolver,
) {
  const known = await db.select().from(organizations).where(eq(organizations.workosOrganizationId, externalId)).get();
  if (known) return known;
  const details = resolve ? await resolve(externalId) : { name: externalId, domain: null };
  return db
    .insert(organizations)
    .values({
      id: crypto.randomUUID(),
      workosOrganizationId: externalId,
      name: details.name,
      slug: slugify(details.name),
      domain: details.domain?.toLowerCase() ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({ target: organizations.workosOrganizationId, set: { updatedAt: now } })
    .returning()
    .get();
}

/** Inserts the membership, or updates its role when the provider stated one. */
export async function ensureMembership(
  db: Database,
  userId: string,
  organizationId: string,
  role: MembershipRole,
  now: number,
  overwriteRole: boolean,
  workosMembershipId?: string,
): Promise<void> {
  await db
    .insert(memberships)
    .values({
      id: crypto.randomUUID(),
      userId,
      organizationId,
      role,
      workosMembershipId,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [memberships.userId, memberships.organizationId],
      set: {
        updatedAt: now,
        ...(overwriteRole ? { role } : {}),
        ...(workosMembershipId ? { workosMembershipId } : {}),
      },
    });
}

async function createPersonalOrganization(db: Database, user: User, now: number): Promise<void> {
  const organizationId = crypto.randomUUID();
  const label = user.name?.trim() || (user.email.split("@")[0] as string);
  await db.batch([
    db.insert(organizations).values({
      id: organizationId,
      name: `${label}'s workspace`,
      slug: slugify(label),
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(memberships).values({
      id: crypto.randomUUID(),
      userId: user.id,
      organizationId,
      role: "owner",
      createdAt: now,
      updatedAt: now,
    }),
  ]);
}

/** URL-safe slug with a random suffix so two "Acme"s never clash. */
export function slugify(label: string): string {
  const base = label
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  const suffix = crypto.randomUUID().slice(0, 6);
  return `${base || "org"}-${suffix}`;
}

/** The caller's membership in one organization, or undefined. */
export async function findMembership(db: Database, userId: string, organizationId: string) {
  return db
    .select()
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, organizationId)))
    .get();
}
