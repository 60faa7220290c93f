import { describe, expect, it } from "vitest";
import { signConsentToken, verifyConsentToken } from "../../../src/oauth-server/consent-token";
import { ConsentPage, type ConsentPageProps } from "../../../src/oauth-server/pages/consent";
import { AuthorizationErrorPage } from "../../../src/oauth-server/pages/error";
import { pageCsp } from "../../../src/oauth-server/pages/layout";

const SECRET = "unit-test-session-secret-unit-test-session-secret";
const fields = { client_id: "c1", redirect_uri: "http://127.0.0.1:5000/cb", scope: "workflows:read", state: "xyz" };
const NOW = 1_800_000_000;

describe("consent CSRF token (RFC 6749 §10.12; RFC 9700 §4.4.1.8)", () => {
  it("verifies for the same session and fields", async () => {
    const token = await signConsentToken(SECRET, { sessionId: "s1", fields, nowSeconds: NOW });
    expect(await verifyConsentToken(SECRET, token, { sessionId: "s1", fields, nowSeconds: NOW + 30 })).toBe(true);
  });
  it.each<[string, Partial<{ sessionId: string; fields: Record<string, string>; nowSeconds: number }>]>([
    ["another session (a cross-site page cannot mint one)", { sessionId: "s2" }],
    ["a widened scope", { fields: { ...fields, scope: "workflows:read workflows:execute" } }],
    ["another redirect URI", { fields: { ...fields, redirect_uri: "http://127.0.0.1:5001/cb" } }],
    ["an added field", { fields: { ...fields, resource: "https://x.example/mcp" } }],
    ["after ten minutes", { nowSeconds: NOW + 601 }],
  ])("refuses %s", async (_rule, change) => {
    const token = await signConsentToken(SECRET, { sessionId: "s1", fields, nowSeconds: NOW });
    expect(await verifyConsentToken(SECRET, token, { sessionId: "s1", fields, nowSeconds: NOW, ...change })).toBe(
      false,
    );
  });
  it.each(["", "abc", `${NOW}.short`, `x.${"a".repeat(43)}`])("refuses the malformed token %j", async (token) => {
    expect(await verifyConsentToken(SECRET, token, { sessionId: "s1", fields, nowSeconds: NOW })).toBe(false);
  });
});

const props: ConsentPageProps = {
  clientName: '<script>alert("x")</script>',
  clientKind: "dcr",
  clientIdentity: "c1",
  redirectHost: "127.0.0.1:5000",
  warnings: ["self_asserted_name", "localhost_only"],
  scopes: ["workflows:read", "offline_access"],
  userEmail: "ada@example.com",
  fields,
  csrfToken: "tok",
};

describe("ConsentPage (SPEC §8)", () => {
  const html = String(<ConsentPage {...props} />);
  it("names the client with its name escaped (never markup)", () => {
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
  });
  it("shows the redirect host and the warnings", () => {
    expect(html).toContain("127.0.0.1:5000");
    expect(html).toContain("registered itself and chose its own name");
    expect(html).toContain("Any program running on this computer");
  });
  it("lists scopes in plain words", () => {
    expect(html).toContain("See your workflows and the status of their runs");
    expect(html).toContain("Stay connected when you are not using it");
  });
  it("posts hidden fields, the CSRF token and a decision of approve or deny", () => {
    expect(html).toContain('<form method="post" action="/oauth/authorize">');
    expect(html).toContain('name="csrf_token" value="tok"');
    expect(html).toContain('name="redirect_uri" value="http://127.0.0.1:5000/cb"');
    expect(html).toContain('name="decision" value="approve"');
    expect(html).toContain('name="decision" value="deny"');
  });
  it("emits its CSS unescaped (quotes inside <style> stay quotes)", () => {
    expect(html).toContain('"Segoe UI"');
    expect(html).not.toContain("&quot;Segoe UI&quot;");
    expect(html).toContain("system-ui");
  });
});

describe("AuthorizationErrorPage", () => {
  it("explains the problem without a link back to the untrusted redirect URI", () => {
    const html = String(
      <AuthorizationErrorPage
        title="Unknown app"
        detail="The redirect URI https://evil.example/ is not registered."
        requestId="r1"
      />,
    );
    expect(html).toContain("Unknown app");
    expect(html).not.toContain('href="https://evil.example');
    expect(html).toContain("r1");
  });
});

describe("pageCsp", () => {
  it("forbids framing (RFC 9700 §4.16 clickjacking) and scripts", () => {
    expect(pageCsp()).toContain("frame-ancestors 'none'");
    expect(pageCsp()).toContain("default-src 'none'");
    expect(pageCsp()).not.toContain("script-src");
  });
  it("allows the form's redirect to the client's origin (browsers apply form-action to the redirect)", () => {
    expect(pageCsp(["http://127.0.0.1:5000"])).toContain("form-action 'self' http://127.0.0.1:5000;");
  });
});
