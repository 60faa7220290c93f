import { describe, expect, it } from "vitest";
import { bodyFor, createConnection } from "../helpers/connections";
import { expectData, expectError } from "../helpers/http";
import { signedInBrowser } from "../helpers/session";

/** Issue 12 point 8: how the API treats what it does not expect. */
describe("API hygiene", () => {
  it("ignores unknown query parameters instead of refusing them", async () => {
    const browser = await signedInBrowser("hygiene-query@example.com");
    const created = await createConnection(browser, bodyFor("api_key"));
    const listed = await expectData<Array<{ id: string }>>(
      await browser.request("/api/connections?utm_source=newsletter&_=123&provider=custom_api"),
    );
    expect(listed.map((connection) => connection.id)).toContain(created.id);
    // Known parameters are still validated.
    await expectError(await browser.request("/api/connections?status=bogus"), 400, "invalid_request");
    // A strict route query (the OAuth authorize) also ignores extras: the answer is about the provider, not the query.
    const authorize = await browser.request("/api/oauth/github/authorize?ref=docs");
    expect(authorize.status).not.toBe(400);
  });

  it("still refuses unknown body fields", async () => {
    const browser = await signedInBrowser("hygiene-body@example.com");
    const body = await expectError(
      await browser.json("/api/connections", "POST", { ...bodyFor("bearer"), colour: "blue" }),
      400,
      "invalid_request",
    );
    expect(JSON.stringify(body.error.details)).toContain("colour");
  });

  it("gives list and detail responses the same summary fields and values", async () => {
    const browser = await signedInBrowser("hygiene-summary@example.com");
    const created = await createConnection(browser, bodyFor("basic"));
    const listed = await expectData<Array<Record<string, unknown>>>(await browser.request("/api/connections"));
    const fromList = listed.find((connection) => connection.id === created.id) ?? {};
    const detail = await expectData<Record<string, unknown>>(await browser.request(`/api/connections/${created.id}`));
    for (const [field, value] of Object.entries(fromList)) expect(detail[field], field).toEqual(value);
    // The detail adds only the readable settings and which secrets are set.
    expect(
      Object.keys(detail)
        .filter((field) => !(field in fromList))
        .sort(),
    ).toEqual(["secrets_set", "settings"]);
  });
});
