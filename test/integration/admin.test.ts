import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectData, expectError } from "../helpers/http";
import { signedInBrowser } from "../helpers/session";

interface Me {
  user: { id: string; email: string };
  organizations: Array<{ id: string; role: string }>;
}

async function signedInWithOrg(email: string) {
  const browser = await signedInBrowser(email);
  const me = await expectData<Me>(await browser.request("/api/auth/me"));
  return { browser, me, orgId: (me.organizations[0] as { id: string }).id };
}

describe("organization administration (owners and admins only)", () => {
  it("lists the organizations the caller administers, with their member counts", async () => {
    const { browser, orgId } = await signedInWithOrg("owner-list@example.com");
    const orgs = await expectData<Array<{ id: string; role: string; member_count: number }>>(
      await browser.request("/api/admin/organizations"),
    );
    expect(orgs).toEqual([expect.objectContaining({ id: orgId, role: "owner", member_count: 1 })]);
  });

  it("lists an organization's users for its admin", async () => {
    const owner = await signedInWithOrg("owner-users@example.com");
    const member = await signedInWithOrg("member-users@example.com");
    await env.DB.prepare("insert into memberships (id, user_id, organization_id, role) values (?, ?, ?, 'member')")
      .bind(crypto.randomUUID(), member.me.user.id, owner.orgId)
      .run();
    const people = await expectData<Array<{ email: string; role: string }>>(
      await owner.browser.request(`/api/admin/organizations/${owner.orgId}/users`),
    );
    expect(people.map((p) => [p.email, p.role])).toEqual([
      ["member-users@example.com", "member"],
      ["owner-users@example.com", "owner"],
    ]);
    // The plain member may not see the list (403), and outsiders do not learn the org exists (404).
    await expectError(await member.browser.request(`/api/admin/organizations/${owner.orgId}/users`), 403, "forbidden");
    const outsider = await signedInWithOrg("outsider@example.com");
    await expectError(
      await outsider.browser.request(`/api/admin/organizations/${owner.orgId}/users`),
      404,
      "not_found",
    );
  });

  it("refuses a user who administers nothing with 403 on every admin route", async () => {
    const { browser, me, orgId } = await signedInWithOrg("plain-member@example.com");
    await env.DB.prepare("update memberships set role = 'member' where user_id = ?").bind(me.user.id).run();
    await expectError(await browser.request("/api/admin/organizations"), 403, "forbidden");
    await expectError(await browser.request(`/api/admin/organizations/${orgId}/users`), 403, "forbidden");
    await expectError(
      await browser.json("/api/admin/sso/create", "POST", { domain: "acme.com", ssoType: "OktaSAML" }),
      403,
      "forbidden",
    );
  });

  it("requires a session", async () => {
    const { call } = await import("../helpers/http");
    await expectError(await call("/api/admin/organizations"), 401, "unauthenticated");
  });

  it("validates SSO setup input before anything else", async () => {
    const { browser } = await signedInWithOrg("sso-input@example.com");
    await expectError(
      await browser.json("/api/admin/sso/create", "POST", { domain: "not a domain", ssoType: "OktaSAML" }),
      400,
      "invalid_request",
    );
    await expectError(
      await browser.json("/api/admin/sso/create", "POST", { domain: "acme.com", ssoType: "Fax" }),
      400,
      "invalid_request",
    );
    await expectError(
      await browser.json("/api/admin/sso/create", "POST", { domain: "acme.com", ssoType: "OktaSAML", x: 1 }),
      400,
      "invalid_request",
    );
  });

  it("answers 503 auth_not_configured for SSO setup without WorkOS", async () => {
    const { browser } = await signedInWithOrg("sso-nowork@example.com");
    await expectError(
      await browser.json("/api/admin/sso/create", "POST", { domain: "acme.com", ssoType: "OktaSAML" }),
      503,
      "auth_not_configured",
    );
  });
});
