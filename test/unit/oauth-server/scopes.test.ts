import { describe, expect, it } from "vitest";
import {
  formatScopes,
  hasScopes,
  narrowScopes,
  parseScopeParameter,
  RESOURCE_SCOPES,
  type Scope,
  scopesToGrant,
} from "../../../src/oauth-server/scopes";

describe("parseScopeParameter (RFC 6749 §3.3)", () => {
  it.each<[string, string | undefined, Scope[]]>([
    ["absent means not requested", undefined, []],
    ["blank means not requested", "  ", []],
    ["one scope", "workflows:read", ["workflows:read"]],
    [
      "space-delimited, order-insensitive (normalised to catalog order)",
      "agents:read workflows:read",
      ["workflows:read", "agents:read"],
    ],
    ["duplicates collapse", "workflows:read workflows:read", ["workflows:read"]],
    ["extra spaces are tolerated", " workflows:execute  offline_access ", ["workflows:execute", "offline_access"]],
  ])("%s", (_rule, input, scopes) => {
    expect(parseScopeParameter(input)).toEqual({ ok: true, scopes });
  });

  it.each<[string, string, string[]]>([
    ["an unknown scope fails the request (RFC 6749 §4.1.2.1 invalid_scope)", "workflows:read admin", ["admin"]],
    ["scopes are case-sensitive (RFC 6749 §3.3)", "Workflows:Read", ["Workflows:Read"]],
    ["a double quote is not a scope-token character (RFC 6749 §3.3)", 'workflows:read"', ['workflows:read"']],
    ["openid is not offered", "openid", ["openid"]],
  ])("%s", (_rule, input, unknown) => {
    expect(parseScopeParameter(input)).toEqual({ ok: false, unknown });
  });
});

describe("scopesToGrant (RFC 6749 §3.3: the server may ignore part of the request)", () => {
  it("grants every resource scope and offline_access when scope is omitted by a refresh-capable client", () => {
    expect(scopesToGrant([], { mayRefresh: true })).toEqual([...RESOURCE_SCOPES, "offline_access"]);
  });
  it("drops offline_access for a client not registered for the refresh_token grant (RFC 7591 §2 grant_types)", () => {
    expect(scopesToGrant(["workflows:read", "offline_access"], { mayRefresh: false })).toEqual(["workflows:read"]);
  });
  it("adds offline_access for a refresh-capable client even when not requested (MCP clients ask for resource scopes only)", () => {
    expect(scopesToGrant(["agents:execute"], { mayRefresh: true })).toEqual(["agents:execute", "offline_access"]);
  });
  it("keeps exactly the requested scopes for a client that may not refresh", () => {
    expect(scopesToGrant(["agents:execute"], { mayRefresh: false })).toEqual(["agents:execute"]);
  });
});

describe("narrowScopes on refresh (RFC 6749 §6: never beyond the original grant)", () => {
  const granted: Scope[] = ["workflows:read", "workflows:execute", "offline_access"];
  it.each<[string, Scope[], Scope[] | null]>([
    ["omitted scope keeps the grant", [], granted],
    ["a subset narrows", ["workflows:read"], ["workflows:read"]],
    ["a scope outside the grant is refused", ["agents:read"], null],
  ])("%s", (_rule, requested, expected) => {
    expect(narrowScopes(granted, requested)).toEqual(expected);
  });
});

describe("hasScopes and formatScopes", () => {
  it("checks every required scope", () => {
    expect(hasScopes(["workflows:read"], ["workflows:read", "workflows:execute"])).toBe(false);
    expect(hasScopes(["workflows:execute", "workflows:read"], ["workflows:read"])).toBe(true);
  });
  it("formats in a stable order so equal sets compare equal (remembered consent)", () => {
    expect(formatScopes(["offline_access", "workflows:read"])).toBe(formatScopes(["workflows:read", "offline_access"]));
  });
  it("keeps offline_access out of the resource scopes (MCP authorization, scope selection)", () => {
    expect(RESOURCE_SCOPES).not.toContain("offline_access");
  });
});
