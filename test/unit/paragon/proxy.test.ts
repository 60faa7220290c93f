import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildParagonProxyRequest, forwardToParagonProxy } from "../../../src/paragon/proxy";
import { signParagonUserToken } from "../../../src/paragon/token";
import { AppError } from "../../../src/platform/errors";
import { createFakeParagon, FAKE_PROXY_HOST } from "../../fakes/paragon";
import { generateParagonKeys, type ParagonTestKeys } from "../../fakes/paragon-keys";
import { interceptOutbound } from "../../helpers/outbound";

const PROJECT_ID = "38b1f170-0c43-4eae-9a04-ab85325d99f7";
const ORIGIN = `https://${FAKE_PROXY_HOST}`;
let keys: ParagonTestKeys;
let fake: ReturnType<typeof createFakeParagon>;
let userToken: string;

beforeAll(async () => {
  keys = await generateParagonKeys();
});

beforeEach(async () => {
  fake = createFakeParagon({ projectId: PROJECT_ID, publicKey: keys.publicKey });
  fake.connect("user-1", "slack");
  interceptOutbound({ [FAKE_PROXY_HOST]: fake.fetch });
  userToken = (await signParagonUserToken({ projectId: PROJECT_ID, signingKeyPem: keys.pkcs8Pem, userId: "user-1" }))
    .token;
});

const request = (overrides: object = {}) => ({
  origin: ORIGIN,
  projectId: PROJECT_ID,
  userToken,
  integration: "slack",
  path: "chat.postMessage",
  search: "",
  method: "POST",
  headers: new Headers({ "content-type": "application/json" }),
  body: new TextEncoder().encode('{"channel":"C1","text":"hi"}').buffer as ArrayBuffer,
  ...overrides,
});

describe("Paragon Proxy API (docs: apis/proxy)", () => {
  it("sends the request to /projects/{id}/sdk/proxy/{integration}/{path} with the user token", async () => {
    const response = await forwardToParagonProxy(request({ search: "?limit=2" }));
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Record<string, unknown>;
    expect(echo).toMatchObject({
      integration: "slack",
      method: "POST",
      path: "/chat.postMessage",
      query: { limit: "2" },
      body: '{"channel":"C1","text":"hi"}',
    });
    expect(fake.received[0]?.headers.authorization).toBe(`Bearer ${userToken}`);
  });

  it("applies our proxy's header hygiene both ways", async () => {
    const response = await forwardToParagonProxy(
      request({
        method: "GET",
        body: null,
        headers: new Headers({
          authorization: "Bearer caller-session-token",
          cookie: "session=abc",
          "x-forwarded-for": "10.0.0.1",
          "cf-connecting-ip": "10.0.0.1",
          "x-paragon-credential": "cred-2",
          "x-paragon-use-raw-response": "1",
          "x-paragon-proxy-url": "https://attacker.example/steal",
          "x-custom": "kept",
        }),
      }),
    );
    const sent = fake.received[0]?.headers ?? {};
    expect(sent.authorization).toBe(`Bearer ${userToken}`);
    expect(sent.cookie).toBeUndefined();
    expect(sent["x-forwarded-for"]).toBeUndefined();
    expect(sent["cf-connecting-ip"]).toBeUndefined();
    expect(sent["x-paragon-proxy-url"]).toBeUndefined();
    expect(sent["x-paragon-credential"]).toBe("cred-2");
    expect(sent["x-paragon-use-raw-response"]).toBe("1");
    expect(sent["x-custom"]).toBe("kept");
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(response.headers.get("x-provider-request-id")).toBe("req_123");
  });

  it("passes the integration's own error status through", async () => {
    fake.reply({ status: 404, body: { ok: false, error: "channel_not_found" } });
    const response = await forwardToParagonProxy(request());
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ ok: false, error: "channel_not_found" });
  });

  it("reports a slow Paragon as unavailable", async () => {
    fake.reply({ status: 200, hang: true });
    await expect(forwardToParagonProxy(request({ timeoutMs: 50 }))).rejects.toMatchObject({
      code: "paragon_unavailable",
    });
  });

  it.each([
    { name: "a dot segment", path: "../../tools" },
    { name: "an encoded dot segment", path: "%2e%2e/tools" },
    { name: "an encoded slash", path: "a%2F..%2Fb" },
    { name: "an absolute URL", path: "https://attacker.example/x" },
    { name: "broken percent-encoding", path: "%zz" },
  ])("refuses $name in the path", ({ path }) => {
    expect(() => buildParagonProxyRequest(request({ path }))).toThrow(AppError);
  });

  it.each(["../x", "sl ack", "", "a/b"])("refuses the integration name %j", (integration) => {
    expect(() => buildParagonProxyRequest(request({ integration }))).toThrow(AppError);
  });

  it("accepts custom integrations (custom.<name>) and nested paths", () => {
    const { url } = buildParagonProxyRequest(request({ integration: "custom.spotify", path: "v1/me/player" }));
    expect(url.pathname).toBe(`/projects/${PROJECT_ID}/sdk/proxy/custom.spotify/v1/me/player`);
  });
});
