import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../src/db/client";
import { getConfig } from "../../src/platform/config";
import { createLogger } from "../../src/platform/logger";
import type { UseContext } from "../../src/proxy/core";
import { runActivity } from "../../src/workflows/activities";
import { ActivityError } from "../../src/workflows/interpreter";
import { generateParagonKeys, type ParagonTestKeys } from "../fakes/paragon-keys";
import { createConnection } from "../helpers/connections";
import { paragonWorld } from "../helpers/paragon";

let keys: ParagonTestKeys;
beforeAll(async () => {
  keys = await generateParagonKeys();
});

describe("the paragon_action node through the workflows activity table (both engines use runActivity)", () => {
  it("runs the action as the execution owner and maps failures to activity errors with retryability", async () => {
    const world = paragonWorld({ keys });
    world.intercept();
    const { browser, userId } = await world.signedInUser();
    world.fake.connect(userId, "slack");
    await createConnection(browser, {
      name: "s",
      connection_method: "paragon",
      provider: "slack",
      data: { paragon_user_id: userId, integration: "slack", credential_id: "c1" },
    });
    const context = {
      config: getConfig(world.env),
      db: getDb(env.DB),
      log: createLogger({ sink: () => {} }),
    } as unknown as UseContext;
    const run = (config: Record<string, unknown>) =>
      runActivity(context, { id: "e1", userId }, "node-1", "paragon_action", config);
    expect(
      await run({ integration: "slack", action: "SLACK_SEND_MESSAGE", parameters: { channel: "c", text: "t" } }),
    ).toMatchObject({ ok: true });
    world.fake.reply({ status: 429, body: { message: "slow" }, headers: { "retry-after": "2" } });
    const limited = await run({ integration: "slack", action: "SLACK_LIST_CHANNELS" }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ActivityError);
    expect(limited).toMatchObject({ code: "rate_limited", retryable: true, retryAfterMs: 2000 });
    const refused = await run({ integration: "slack", action: "SLACK_SEND_MESSAGE", parameters: {} }).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: "paragon_action_failed", retryable: false });
    const missing = await run({ integration: "jira", action: "X" }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: "not_found", retryable: false });
  });
});
