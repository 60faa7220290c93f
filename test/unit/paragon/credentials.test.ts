import { beforeAll, describe, expect, it } from "vitest";
import type { CredentialContext, UsableConnectionOf } from "../../../src/connections/credentials";
import { paragonCredentials, paragonProxyBase } from "../../../src/paragon/credentials";
import { parseParagonSettings } from "../../../src/platform/paragon-settings";
import { generateParagonKeys, type ParagonTestKeys } from "../../fakes/paragon-keys";

const PROJECT_ID = "38b1f170-0c43-4eae-9a04-ab85325d99f7";
let keys: ParagonTestKeys;
beforeAll(async () => {
  keys = await generateParagonKeys();
});

const connection = {
  id: "c1",
  userId: "user-1",
  connection: { method: "paragon", data: { paragon_user_id: "user-1", integration: "slack", credential_id: "cred-1" } },
} as unknown as UsableConnectionOf<"paragon">;

function contextWith(vars: Record<string, string>): CredentialContext {
  return { config: { paragon: parseParagonSettings(vars, "test") } } as unknown as CredentialContext;
}

describe("paragon credential provider (docs: apis/proxy)", () => {
  it("puts the owner's user token and the credential on requests to the integration's proxy base", async () => {
    const context = contextWith({ PARAGON_PROJECT_ID: PROJECT_ID, PARAGON_SIGNING_KEY: keys.pkcs1Pem });
    const base = paragonProxyBase("https://proxy.useparagon.com", PROJECT_ID, "slack");
    const request = { url: new URL(`${base}/chat.postMessage`), headers: new Headers() };
    await paragonCredentials.inject(context, connection, request, undefined);
    expect(request.headers.get("authorization")).toMatch(/^Bearer ey/);
    expect(request.headers.get("x-paragon-credential")).toBe("cred-1");
    expect(paragonCredentials.injectedHeaders(connection, undefined)).toEqual([
      "authorization",
      "x-paragon-credential",
    ]);
  });

  it.each([
    { name: "another host", url: "https://attacker.example/projects/x/sdk/proxy/slack/a" },
    { name: "another integration", url: `https://proxy.useparagon.com/projects/${PROJECT_ID}/sdk/proxy/github/a` },
    { name: "another project", url: "https://proxy.useparagon.com/projects/other/sdk/proxy/slack/a" },
    { name: "a look-alike prefix", url: `https://proxy.useparagon.com/projects/${PROJECT_ID}/sdk/proxy/slackbot/a` },
  ])("refuses to send the token to $name", async ({ url }) => {
    const context = contextWith({ PARAGON_PROJECT_ID: PROJECT_ID, PARAGON_SIGNING_KEY: keys.pkcs8Pem });
    const request = { url: new URL(url), headers: new Headers() };
    await expect(paragonCredentials.inject(context, connection, request, undefined)).rejects.toMatchObject({
      code: "target_not_allowed",
    });
    expect(request.headers.get("authorization")).toBeNull();
  });

  it("answers paragon_not_configured without the project settings", async () => {
    const request = { url: new URL("https://proxy.useparagon.com/x"), headers: new Headers() };
    await expect(paragonCredentials.inject(contextWith({}), connection, request, undefined)).rejects.toMatchObject({
      code: "paragon_not_configured",
    });
  });
});
