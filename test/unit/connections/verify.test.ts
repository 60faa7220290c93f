import { describe, expect, it } from "vitest";
import { findProvider } from "../../../src/connections/catalog";
import {
  FALLBACK_VERIFY,
  fillPlaceholders,
  judgeVerification,
  type VerifySpec,
  type VerifyVerdict,
  verifySpecFor,
} from "../../../src/connections/verify";

const PLAIN_GET: VerifySpec = { method: "GET", path: "/me" };
const SLACK_STYLE: VerifySpec = { method: "POST", path: "/auth.test", success_json: { path: "ok", equals: true } };

const VERIFIED: VerifyVerdict = { success: true, credentialsRejected: false, message: "Connection verified" };
const refused = (status: number): VerifyVerdict => ({
  success: false,
  credentialsRejected: true,
  message: `The provider refused the credentials (HTTP ${status})`,
});
const unexpected = (status: number): VerifyVerdict => ({
  success: false,
  credentialsRejected: false,
  message: `Unexpected response from the provider (HTTP ${status})`,
});
const REFUSED_IN_BODY: VerifyVerdict = {
  success: false,
  credentialsRejected: true,
  message: "The provider refused the credentials",
};

describe("judgeVerification: the status list (default [200])", () => {
  it.each<{ rule: string; spec: VerifySpec; status: number; verdict: VerifyVerdict }>([
    { rule: "200 is the default success", spec: PLAIN_GET, status: 200, verdict: VERIFIED },
    { rule: "201 is not in the default list", spec: PLAIN_GET, status: 201, verdict: unexpected(201) },
    { rule: "204 is not in the default list", spec: PLAIN_GET, status: 204, verdict: unexpected(204) },
    {
      rule: "RFC 9110 §15.6.2 401: the credentials are refused, the connection becomes invalid",
      spec: PLAIN_GET,
      status: 401,
      verdict: refused(401),
    },
    {
      rule: "RFC 9110 §15.5.4 403: the credentials are refused (RFC 6750 §3.1 insufficient_scope too)",
      spec: PLAIN_GET,
      status: 403,
      verdict: refused(403),
    },
    { rule: "404: unexpected, not a credential problem", spec: PLAIN_GET, status: 404, verdict: unexpected(404) },
    { rule: "429: unexpected, not a credential problem", spec: PLAIN_GET, status: 429, verdict: unexpected(429) },
    { rule: "500: unexpected, not a credential problem", spec: PLAIN_GET, status: 500, verdict: unexpected(500) },
    { rule: "302: a redirect is not success", spec: PLAIN_GET, status: 302, verdict: unexpected(302) },
    {
      rule: "a custom list accepts its statuses (204)",
      spec: { ...PLAIN_GET, success_statuses: [200, 204] },
      status: 204,
      verdict: VERIFIED,
    },
    {
      rule: "a custom list replaces the default: 200 is then not success",
      spec: { ...PLAIN_GET, success_statuses: [204] },
      status: 200,
      verdict: unexpected(200),
    },
    {
      rule: "a custom list that contains 401 (an endpoint that answers 401 when reachable) counts it as success",
      spec: { ...PLAIN_GET, success_statuses: [401] },
      status: 401,
      verdict: VERIFIED,
    },
    {
      rule: "a custom list without 403: a 403 still means refused credentials",
      spec: { ...PLAIN_GET, success_statuses: [200, 204] },
      status: 403,
      verdict: refused(403),
    },
  ])("$rule", ({ spec, status, verdict }) => {
    expect(judgeVerification(spec, status, null)).toEqual(verdict);
  });
});

describe("judgeVerification: the success_json check (auth failures reported in a 200 body, e.g. Slack `ok`)", () => {
  it.each<{ rule: string; spec: VerifySpec; status: number; json: unknown; verdict: VerifyVerdict }>([
    { rule: "Slack {ok:true} → verified", spec: SLACK_STYLE, status: 200, json: { ok: true }, verdict: VERIFIED },
    {
      rule: "Slack {ok:false, error:'invalid_auth'} in a 200 → refused credentials",
      spec: SLACK_STYLE,
      status: 200,
      json: { ok: false, error: "invalid_auth" },
      verdict: REFUSED_IN_BODY,
    },
    {
      rule: "the field missing → refused",
      spec: SLACK_STYLE,
      status: 200,
      json: { user: "u" },
      verdict: REFUSED_IN_BODY,
    },
    { rule: "no JSON body (null) → refused", spec: SLACK_STYLE, status: 200, json: null, verdict: REFUSED_IN_BODY },
    {
      rule: "a non-object JSON body (a number) → refused",
      spec: SLACK_STYLE,
      status: 200,
      json: 5,
      verdict: REFUSED_IN_BODY,
    },
    {
      rule: "strict equality: the string 'true' is not true",
      spec: SLACK_STYLE,
      status: 200,
      json: { ok: "true" },
      verdict: REFUSED_IN_BODY,
    },
    {
      rule: "strict equality: 1 is not true",
      spec: SLACK_STYLE,
      status: 200,
      json: { ok: 1 },
      verdict: REFUSED_IN_BODY,
    },
    {
      rule: "a dot path into nested objects matches",
      spec: { ...PLAIN_GET, success_json: { path: "data.user.active", equals: true } },
      status: 200,
      json: { data: { user: { active: true } } },
      verdict: VERIFIED,
    },
    {
      rule: "a dot path through a null stops safely → refused",
      spec: { ...PLAIN_GET, success_json: { path: "data.user.active", equals: true } },
      status: 200,
      json: { data: null },
      verdict: REFUSED_IN_BODY,
    },
    {
      rule: "a string equality",
      spec: { ...PLAIN_GET, success_json: { path: "status", equals: "ok" } },
      status: 200,
      json: { status: "ok" },
      verdict: VERIFIED,
    },
    {
      rule: "a number equality",
      spec: { ...PLAIN_GET, success_json: { path: "code", equals: 0 } },
      status: 200,
      json: { code: 0 },
      verdict: VERIFIED,
    },
    {
      rule: "the status list is checked first: a 500 with {ok:true} is unexpected, not verified",
      spec: SLACK_STYLE,
      status: 500,
      json: { ok: true },
      verdict: unexpected(500),
    },
    {
      rule: "the status list is checked first: a 401 with {ok:true} is refused by status",
      spec: SLACK_STYLE,
      status: 401,
      json: { ok: true },
      verdict: refused(401),
    },
  ])("$rule", ({ spec, status, json, verdict }) => {
    expect(judgeVerification(spec, status, json)).toEqual(verdict);
  });
});

describe("verifySpecFor: the user's request, else the catalog's, else the userinfo endpoint, else GET /", () => {
  it("the user's own request wins over the catalog's", () => {
    const own = { method: "HEAD" as const, path: "/health", success_statuses: [204] };
    expect(verifySpecFor(findProvider("openai"), own)).toEqual(own);
  });

  it.each([
    { provider: "openai", spec: { method: "GET", path: "/v1/models", success_statuses: [200] } },
    { provider: "github", spec: { method: "GET", path: "/user", success_statuses: [200] } },
    {
      provider: "slack",
      spec: { method: "POST", path: "/auth.test", success_statuses: [200], success_json: { path: "ok", equals: true } },
    },
  ])("$provider: the catalog's request", ({ provider, spec }) => {
    expect(verifySpecFor(findProvider(provider), null)).toEqual(spec);
  });

  it("google_sheets (no API-level check): the provider's OpenID Connect userinfo endpoint, as an absolute URL", () => {
    expect(verifySpecFor(findProvider("google_sheets"), null)).toEqual({
      method: "GET",
      path: "/",
      absoluteUrl: "https://openidconnect.googleapis.com/v1/userinfo",
    });
  });

  it.each([
    { rule: "no provider", provider: undefined },
    { rule: "a generic provider without verify (custom_api)", provider: findProvider("custom_api") },
  ])("$rule: a plain GET of the base URL", ({ provider }) => {
    expect(verifySpecFor(provider, null)).toEqual(FALLBACK_VERIFY);
    expect(FALLBACK_VERIFY).toEqual({ method: "GET", path: "/" });
  });
});

describe("fillPlaceholders: `{field}` from the connection's data, URL-encoded (RFC 3986 §2.1)", () => {
  it.each<{ rule: string; path: string; data: Record<string, unknown>; filled: string | null }>([
    { rule: "no placeholders → the path as is", path: "/v1/models", data: {}, filled: "/v1/models" },
    {
      rule: "Twilio's account SID",
      path: "/2010-04-01/Accounts/{username}.json",
      data: { username: "AC123" },
      filled: "/2010-04-01/Accounts/AC123.json",
    },
    {
      rule: "several placeholders",
      path: "/{org}/{project}/status",
      data: { org: "acme", project: "web" },
      filled: "/acme/web/status",
    },
    {
      rule: "the same placeholder twice",
      path: "/{org}/x/{org}",
      data: { org: "acme" },
      filled: "/acme/x/acme",
    },
    {
      rule: "a value with '/', '?', '#' and spaces is encoded, so it cannot change the path's shape",
      path: "/accounts/{username}",
      data: { username: "a/b?c#d e" },
      filled: "/accounts/a%2Fb%3Fc%23d%20e",
    },
    {
      rule: "'..' stays inside one segment",
      path: "/x/{username}",
      data: { username: "../admin" },
      filled: "/x/..%2Fadmin",
    },
    { rule: "non-ASCII is UTF-8 percent-encoded", path: "/u/{username}", data: { username: "é" }, filled: "/u/%C3%A9" },
    { rule: "a missing field → null (cannot verify)", path: "/u/{username}", data: {}, filled: null },
    { rule: "an empty field → null", path: "/u/{username}", data: { username: "" }, filled: null },
    { rule: "a non-string field → null", path: "/u/{username}", data: { username: 42 }, filled: null },
    {
      rule: "one of several fields missing → null",
      path: "/{org}/{project}",
      data: { org: "acme" },
      filled: null,
    },
    {
      rule: "braces around something that is not a field name are left alone",
      path: "/x/{Not-A-Field}",
      data: {},
      filled: "/x/{Not-A-Field}",
    },
  ])("$rule", ({ path, data, filled }) => {
    expect(fillPlaceholders(path, data)).toBe(filled);
  });
});
