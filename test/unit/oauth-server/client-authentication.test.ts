import { describe, expect, it } from "vitest";
import { presentedClientCredentials } from "../../../src/oauth-server/client-authentication";

const basic = (id: string, secret: string) =>
  `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`;

describe("presentedClientCredentials (RFC 6749 §2.3.1; OAuth 2.1 §2.4)", () => {
  it.each([
    [
      "client_secret_basic",
      basic("c1", "s3cret"),
      {},
      { clientId: "c1", secret: "s3cret", method: "client_secret_basic" },
    ],
    [
      "basic credentials are form-urlencoded before base64 (RFC 6749 §2.3.1)",
      basic("a:b", "p@ss word"),
      {},
      { clientId: "a:b", secret: "p@ss word", method: "client_secret_basic" },
    ],
    [
      "basic with a matching client_id in the body",
      basic("c1", "s"),
      { client_id: "c1" },
      { clientId: "c1", secret: "s", method: "client_secret_basic" },
    ],
    [
      "client_secret_post",
      undefined,
      { client_id: "c1", client_secret: "s" },
      { clientId: "c1", secret: "s", method: "client_secret_post" },
    ],
    ["a public client (none)", undefined, { client_id: "c1" }, { clientId: "c1", secret: null, method: "none" }],
  ] as const)("reads %s", (_rule, header, body, expected) => {
    expect(presentedClientCredentials(header, new URLSearchParams(body))).toEqual(expected);
  });

  it.each([
    ["two methods at once (RFC 6749 §2.3: MUST NOT)", basic("c1", "s"), { client_secret: "s" }, "invalid_client"],
    ["a body client_id that differs from the basic one", basic("c1", "s"), { client_id: "c2" }, "invalid_client"],
    ["malformed base64", "Basic !!!", {}, "invalid_client"],
    ["basic without a colon", `Basic ${btoa("nocolon")}`, {}, "invalid_client"],
    ["no client at all", undefined, {}, "invalid_request"],
  ] as const)("refuses %s", (_rule, header, body, error) => {
    expect(() => presentedClientCredentials(header, new URLSearchParams(body))).toThrow(
      expect.objectContaining({ error }),
    );
  });

  it("answers a basic failure with a Basic challenge (RFC 6749 §5.2: 401 with WWW-Authenticate)", () => {
    try {
      presentedClientCredentials("Basic !!!", new URLSearchParams());
    } catch (error) {
      expect(error).toMatchObject({ status: 401, wwwAuthenticate: expect.stringContaining("Basic") });
      return;
    }
    throw new Error("expected a refusal");
  });
});
