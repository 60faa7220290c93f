import { describe, expect, it } from "vitest";
import { findProvider } from "../../../src/connections/catalog";
import { base64UrlEncode, buildEmailMessage } from "../../../src/workflows/activities/gmail-message";
import {
  buildIntegrationRequest,
  findIntegrationOperation,
  INTEGRATION_OPERATIONS,
  type IntegrationOperation,
  judgeIntegrationResponse,
} from "../../../src/workflows/activities/integrations";

const op = (service: string, operation: string) => findIntegrationOperation(service, operation) as IntegrationOperation;
const decodeBase64Url = (value: string) =>
  new TextDecoder().decode(Uint8Array.from(atob(value.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)));

describe("integration catalog", () => {
  it.each(INTEGRATION_OPERATIONS.map((entry) => [`${entry.service}.${entry.operation}`, entry] as const))(
    "%s names a catalog provider that supports its connection methods",
    (_, entry) => {
      const provider = findProvider(entry.provider);
      expect(provider).toBeDefined();
      for (const method of entry.connection_methods) expect(provider?.auth_methods).toContain(method);
    },
  );

  it.each(
    INTEGRATION_OPERATIONS.filter((entry) => entry.connection_methods.includes("oauth2")).map(
      (entry) => [`${entry.service}.${entry.operation}`, entry] as const,
    ),
  )("%s: its provider's OAuth authorization requests every scope the call needs", (_, entry) => {
    const scopes = findProvider(entry.provider)?.oauth2?.default_scopes ?? [];
    for (const scope of entry.oauth_scopes) expect(scopes).toContain(scope);
  });

  it("declares the seeds' operations", () => {
    expect(INTEGRATION_OPERATIONS.map((entry) => `${entry.service}.${entry.operation}`)).toEqual([
      "slack.send_message",
      "github.create_issue",
      "notion.create_page",
      "gmail.send_email",
    ]);
  });
});

describe("integration requests", () => {
  it.each<[string, string, Record<string, unknown>, unknown]>([
    [
      "slack",
      "send_message",
      { channel: "#notifications", text: "Workflow completed" },
      { method: "POST", path: "/chat.postMessage", body: { channel: "#notifications", text: "Workflow completed" } },
    ],
    [
      "github",
      "create_issue",
      { owner: "acme", repo: "web app", title: "Bug", labels: ["bug"] },
      { method: "POST", path: "/repos/acme/web%20app/issues", body: { title: "Bug", labels: ["bug"] } },
    ],
    [
      "github",
      "create_issue",
      { owner: "../../admin", repo: "x", title: "t" }, // path params cannot climb out of the path
      { method: "POST", path: "/repos/..%2F..%2Fadmin/x/issues", body: { title: "t" } },
    ],
    [
      "notion",
      "create_page",
      { parent: { database_id: "db1" }, properties: { Name: { title: [{ text: { content: "Hi" } }] } } },
      {
        method: "POST",
        path: "/v1/pages",
        body: { parent: { database_id: "db1" }, properties: { Name: { title: [{ text: { content: "Hi" } }] } } },
      },
    ],
  ])("%s.%s", (service, operation, params, expected) => {
    const entry = op(service, operation);
    expect(entry.params.safeParse(params).success).toBe(true);
    expect(buildIntegrationRequest(entry, params)).toEqual(expected);
  });

  it.each<[string, string, Record<string, unknown>]>([
    ["slack", "send_message", { channel: "#x" }],
    ["slack", "send_message", { channel: "#x", text: "t", extra: 1 }],
    ["github", "create_issue", { owner: "a", repo: "b" }],
    ["notion", "create_page", { parent: { workspace: true }, properties: {} }],
    ["gmail", "send_email", { to: "not an email", subject: "s", body: "b" }],
  ])("%s.%s refuses invalid params %j", (service, operation, params) => {
    expect(op(service, operation).params.safeParse(params).success).toBe(false);
  });

  it("gmail.send_email sends an RFC 5322 message as base64url raw", () => {
    const request = buildIntegrationRequest(op("gmail", "send_email"), {
      to: ["a@example.test", "b@example.test"],
      cc: "c@example.test",
      subject: "Résumé ready",
      body: "Bonjour — done.",
    });
    expect(request.path).toBe("/gmail/v1/users/me/messages/send");
    const raw = (request.body as { raw: string }).raw;
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding (RFC 4648 §5)
    const message = decodeBase64Url(raw);
    expect(message).toContain("To: a@example.test, b@example.test\r\n");
    expect(message).toContain("Cc: c@example.test\r\n");
    expect(message).toContain(
      `Subject: =?UTF-8?B?${btoa(String.fromCharCode(...new TextEncoder().encode("Résumé ready")))}?=\r\n`,
    );
    expect(message).toContain('Content-Type: text/plain; charset="UTF-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n');
    const body = message.split("\r\n\r\n")[1] as string;
    expect(new TextDecoder().decode(Uint8Array.from(atob(body.replace(/\r\n/g, "")), (c) => c.charCodeAt(0)))).toBe(
      "Bonjour — done.",
    );
  });

  it("refuses a header injection through a template value (RFC 5322 §2.2)", () => {
    expect(() =>
      buildEmailMessage({ to: ["a@example.test"], subject: "Hi\r\nBcc: evil@example.test", body: "" }),
    ).toThrow(/must not contain line breaks/);
  });

  it("encodes base64url without padding", () => {
    expect(base64UrlEncode("??>")).toBe("Pz8-");
    expect(base64UrlEncode("a")).toBe("YQ");
  });
});

describe("integration answers", () => {
  it.each<[string, string, number, unknown, unknown]>([
    ["slack", "send_message", 200, { ok: true, ts: "1.2" }, { ok: true }],
    [
      "slack",
      "send_message",
      200,
      { ok: false, error: "channel_not_found" },
      { ok: false, message: "slack refused the request: channel_not_found" },
    ],
    ["github", "create_issue", 201, { number: 1 }, { ok: true }],
    ["github", "create_issue", 404, { message: "Not Found" }, { ok: false, message: "github answered 404: Not Found" }],
    [
      "notion",
      "create_page",
      400,
      { object: "error", message: "body failed validation" },
      { ok: false, message: "notion answered 400: body failed validation" },
    ],
    [
      "gmail",
      "send_email",
      403,
      { error: { code: 403, message: "Insufficient Permission" } },
      { ok: false, message: "gmail answered 403: Insufficient Permission" },
    ],
    ["gmail", "send_email", 200, { id: "m1" }, { ok: true }],
  ])("%s.%s %d", (service, operation, status, body, expected) => {
    expect(judgeIntegrationResponse(op(service, operation), status, body)).toEqual(expected);
  });
});
