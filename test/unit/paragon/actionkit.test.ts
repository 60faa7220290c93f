import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listActionKitTools, runActionKitTool } from "../../../src/paragon/actionkit";
import { signParagonUserToken } from "../../../src/paragon/token";
import { AppError } from "../../../src/platform/errors";
import { createFakeParagon, FAKE_ACTIONKIT_HOST } from "../../fakes/paragon";
import { generateParagonKeys, type ParagonTestKeys } from "../../fakes/paragon-keys";
import { interceptOutbound } from "../../helpers/outbound";

const PROJECT_ID = "38b1f170-0c43-4eae-9a04-ab85325d99f7";
const ORIGIN = `https://${FAKE_ACTIONKIT_HOST}`;
let keys: ParagonTestKeys;
let fake: ReturnType<typeof createFakeParagon>;
let userToken: string;

beforeAll(async () => {
  keys = await generateParagonKeys();
});

beforeEach(async () => {
  fake = createFakeParagon({ projectId: PROJECT_ID, publicKey: keys.publicKey });
  fake.connect("user-1", "slack");
  interceptOutbound({ [FAKE_ACTIONKIT_HOST]: fake.fetch });
  userToken = (await signParagonUserToken({ projectId: PROJECT_ID, signingKeyPem: keys.pkcs1Pem, userId: "user-1" }))
    .token;
});

const target = (overrides: object = {}) => ({ origin: ORIGIN, projectId: PROJECT_ID, userToken, ...overrides });

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected a AppError");
}

describe("ActionKit List Tools", () => {
  it("lists the connected integrations' tools through GET /tools?format=json_schema", async () => {
    const list = await listActionKitTools(target());
    expect(list.tools.map((tool) => (tool as { name: string }).name)).toEqual([
      "SLACK_SEND_MESSAGE",
      "SLACK_LIST_CHANNELS",
    ]);
    const [request] = fake.received;
    expect(request?.path).toBe(`/projects/${PROJECT_ID}/tools`);
    expect(request?.query).toEqual({ format: "json_schema" });
    expect(request?.headers.authorization).toBe(`Bearer ${userToken}`);
  });

  it("passes integrations, categories, limit_to_available and the credential header", async () => {
    await listActionKitTools(target({ credentialId: "cred-9" }), {
      integrations: ["slack", "salesforce"],
      categories: ["crm"],
      limitToAvailable: false,
    });
    const [request] = fake.received;
    expect(request?.query).toEqual({
      format: "json_schema",
      integrations: "slack,salesforce",
      categories: "crm",
      limit_to_available: "false",
    });
    expect(request?.headers["x-paragon-credential"]).toBe("cred-9");
  });

  it("asks for Paragon's UI schema with paragonFormat", async () => {
    const list = await listActionKitTools(target(), { paragonFormat: true });
    expect(fake.received[0]?.query.format).toBe("paragon");
    expect(list.tools[0]).toMatchObject({
      name: "SLACK_SEND_MESSAGE",
      integration: "slack",
      inputs: expect.any(Array),
    });
  });

  it("retries a 5xx once for the idempotent list", async () => {
    fake.reply({ status: 503, body: { message: "busy" } });
    const list = await listActionKitTools(target());
    expect(list.tools).toHaveLength(2);
    expect(fake.received).toHaveLength(2);
  });
});

describe("ActionKit Run Tool", () => {
  it("runs a tool with POST /tools {tool, parameters} and returns Paragon's result", async () => {
    const result = await runActionKitTool(target(), "SLACK_SEND_MESSAGE", { channel: "#general", text: "hi" });
    expect(result).toEqual({ ok: true, channel: "C1234567890", ts: "1234567890.123456", text: "hi" });
    const [request] = fake.received;
    expect(request?.method).toBe("POST");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      tool: "SLACK_SEND_MESSAGE",
      parameters: { channel: "#general", text: "hi" },
    });
    expect(request?.headers["content-type"]).toBe("application/json");
  });

  it.each([
    {
      name: "Paragon's message on a 4xx",
      reply: { status: 400, body: { message: "Integration not enabled for user." } },
      code: "paragon_action_failed",
      message: "Integration not enabled for user.",
    },
    {
      name: "the seed's {error: {message}} body",
      reply: { status: 422, body: { error: { message: "channel_not_found", type: "SLACK" } } },
      code: "paragon_action_failed",
      message: "channel_not_found",
    },
    {
      name: "a 5xx as unavailable",
      reply: { status: 500, body: { message: "internal stack trace" } },
      code: "paragon_unavailable",
      message: "Paragon failed (500); try again shortly",
    },
    {
      name: "a refused user token (our configuration) as unavailable",
      reply: { status: 401, body: { message: "Invalid user token." } },
      code: "paragon_unavailable",
      message: "Paragon refused the user token; check the Paragon settings",
    },
  ])("maps $name", async ({ reply, code, message }) => {
    fake.reply(reply);
    const error = await failure(runActionKitTool(target(), "SLACK_LIST_CHANNELS", {}));
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.details).toEqual({ upstream_status: reply.status });
  });

  it("passes on 429 with its Retry-After", async () => {
    fake.reply({ status: 429, body: { message: "Too many requests" }, headers: { "retry-after": "7" } });
    const error = await failure(runActionKitTool(target(), "SLACK_LIST_CHANNELS", {}));
    expect(error.code).toBe("rate_limited");
    expect(error.headers).toEqual({ "Retry-After": "7" });
  });

  it("never retries a run (it has side effects), even on a 5xx", async () => {
    fake.reply({ status: 502 });
    await failure(runActionKitTool(target(), "SLACK_SEND_MESSAGE", { channel: "c", text: "t" }));
    expect(fake.received).toHaveLength(1);
  });

  it("times out a slow Paragon as unavailable", async () => {
    fake.reply({ status: 200, hang: true });
    const error = await failure(runActionKitTool(target({ timeoutMs: 50 }), "SLACK_LIST_CHANNELS", {}));
    expect(error.code).toBe("paragon_unavailable");
    expect(error.message).toBe("Paragon did not answer within 50 ms");
  });

  it("reports an unreachable Paragon as unavailable", async () => {
    const error = await failure(runActionKitTool(target({ origin: "https://actionkit.invalid" }), "X", {}));
    expect(error.code).toBe("paragon_unavailable");
  });
});
