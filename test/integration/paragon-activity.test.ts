import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../src/db/client";
import { isRetryableParagonError, paragonRetryAfterMs, runParagonActionActivity } from "../../src/paragon/activity";
import { getConfig } from "../../src/platform/config";
import { AppError } from "../../src/platform/errors";
import { generateParagonKeys, type ParagonTestKeys } from "../fakes/paragon-keys";
import { createConnection } from "../helpers/connections";
import { paragonWorld } from "../helpers/paragon";

let keys: ParagonTestKeys;
beforeAll(async () => {
  keys = await generateParagonKeys();
});
let world: ReturnType<typeof paragonWorld>;
beforeEach(() => {
  world = paragonWorld({ keys });
  world.intercept();
});

const context = () => ({ paragon: getConfig(world.env).paragon, db: getDb(env.DB) });

async function userWithSlack(credentialId = "cred-1") {
  const user = await world.signedInUser();
  world.fake.connect(user.userId, "slack");
  const connection = await createConnection(user.browser, {
    name: `slack ${credentialId}`,
    connection_method: "paragon",
    provider: "slack",
    data: { paragon_user_id: user.userId, integration: "slack", credential_id: credentialId },
  });
  return { ...user, connection };
}

describe("paragon_action activity (workflow node / agent tool)", () => {
  it("runs the action as the execution's owner with their connection's credential", async () => {
    const { userId } = await userWithSlack();
    const result = await runParagonActionActivity(context(), userId, {
      integration: "slack",
      action: "SLACK_SEND_MESSAGE",
      parameters: { channel: "#ops", text: "deployed" },
    });
    expect(result).toMatchObject({ ok: true, text: "deployed" });
    const sent = world.fake.received.at(-1);
    expect(sent?.userId).toBe(userId);
    expect(sent?.headers["x-paragon-credential"]).toBe("cred-1");
  });

  it("refuses another user's connection as not found, without calling Paragon", async () => {
    const alice = await userWithSlack("cred-a");
    const bob = await userWithSlack("cred-b");
    await expect(
      runParagonActionActivity(context(), alice.userId, {
        integration: "slack",
        action: "SLACK_LIST_CHANNELS",
        connectionId: bob.connection.id,
      }),
    ).rejects.toMatchObject({ code: "not_found" });
    expect(world.fake.received).toHaveLength(0);
  });

  it("needs a connected integration", async () => {
    const { userId } = await world.signedInUser();
    await expect(
      runParagonActionActivity(context(), userId, { integration: "jira", action: "JIRA_CREATE_ISSUE" }),
    ).rejects.toMatchObject({ code: "not_found" });
  });

  it("refuses a malformed config", async () => {
    const { userId } = await world.signedInUser();
    await expect(
      runParagonActionActivity(context(), userId, { integration: 5, action: "A" } as never),
    ).rejects.toMatchObject({ code: "invalid_request" });
  });

  it("ignores the engine's own config fields (an agent tool's input_schema, a node's retryPolicy)", async () => {
    const { userId } = await userWithSlack();
    const config = {
      integration: "slack",
      action: "SLACK_LIST_CHANNELS",
      input_schema: { type: "object" },
      retryPolicy: {},
    };
    expect(await runParagonActionActivity(context(), userId, config)).toEqual({
      channels: [{ id: "C1234567890", name: "general" }],
    });
  });

  it("passes Paragon's Retry-After on for the engine's backoff", async () => {
    const { userId } = await userWithSlack();
    world.fake.reply({ status: 429, body: { message: "slow down" }, headers: { "retry-after": "4" } });
    const error = await runParagonActionActivity(context(), userId, {
      integration: "slack",
      action: "SLACK_LIST_CHANNELS",
    }).catch((caught: unknown) => caught);
    expect(isRetryableParagonError(error)).toBe(true);
    expect(paragonRetryAfterMs(error)).toBe(4000);
  });

  it("tells retryable failures (Paragon down, 429) from the action's own refusals", async () => {
    const { userId } = await userWithSlack();
    world.fake.reply({ status: 503 });
    const down = await runParagonActionActivity(context(), userId, {
      integration: "slack",
      action: "SLACK_LIST_CHANNELS",
    }).catch((error: unknown) => error);
    expect(isRetryableParagonError(down)).toBe(true);
    world.fake.reply({ status: 400, body: { message: "channel_not_found" } });
    const refused = await runParagonActionActivity(context(), userId, {
      integration: "slack",
      action: "SLACK_LIST_CHANNELS",
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(isRetryableParagonError(refused)).toBe(false);
  });
});
