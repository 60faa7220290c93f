import { describe, expect, it } from "vitest";
import {
  applyClientAuthentication,
  type ClientCredentials,
  formEncodeCredential,
} from "../../../src/oauth-client/client-auth";

/** `application/x-www-form-urlencoded` decoding of one value (HTML 4.01 §17.13.4.1, WHATWG URL §5.1). */
function formDecode(value: string): string {
  return new URLSearchParams(`v=${value}`).get("v") ?? "";
}

/**
 * What an authorization server does with `Authorization: Basic …` per RFC 6749 §2.3.1: base64-decode
 * (RFC 7617 §2, UTF-8), split at the first ":" (a ":" inside the id is encoded, so the first one is the
 * separator), then form-decode each part.
 */
function decodeBasicPerRfc6749(header: string): { clientId: string; clientSecret: string } {
  expect(header.startsWith("Basic ")).toBe(true);
  const binary = atob(header.slice("Basic ".length));
  const decoded = new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  const colon = decoded.indexOf(":");
  return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
}

/** The old, wrong `client_secret_basic` header: `encodeURIComponent` instead of form-encoding. */
function encodeURIComponentBasic(clientId: string, clientSecret: string): string {
  const bytes = new TextEncoder().encode(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

function authenticate(client: ClientCredentials): { headers: Headers; body: URLSearchParams } {
  const headers = new Headers();
  const body = new URLSearchParams({ grant_type: "refresh_token" });
  applyClientAuthentication(client, headers, body);
  return { headers, body };
}

describe("formEncodeCredential (RFC 6749 Appendix B: HTML 4.01 §17.13.4.1 form encoding)", () => {
  it.each([
    { rule: "alphanumerics stay as they are", input: "abcXYZ019", encoded: "abcXYZ019" },
    { rule: "a space becomes '+'", input: "my secret", encoded: "my+secret" },
    { rule: "'!' is percent-encoded (encodeURIComponent keeps it)", input: "a!b", encoded: "a%21b" },
    { rule: '"\'" is percent-encoded', input: "a'b", encoded: "a%27b" },
    { rule: "'(' and ')' are percent-encoded", input: "(x)", encoded: "%28x%29" },
    { rule: "'*' is percent-encoded", input: "a*b", encoded: "a%2Ab" },
    { rule: "'-' '_' '.' '~' are percent-encoded (non-alphanumeric)", input: "-_.~", encoded: "%2D%5F%2E%7E" },
    { rule: "a literal '+' is percent-encoded, so it never reads as a space", input: "a+b", encoded: "a%2Bb" },
    { rule: "'%' is percent-encoded", input: "100%", encoded: "100%25" },
    { rule: "':' is percent-encoded, so it never reads as the Basic separator", input: "a:b", encoded: "a%3Ab" },
    { rule: "non-ASCII is UTF-8 then percent-encoded ('é')", input: "é", encoded: "%C3%A9" },
    { rule: "astral characters are UTF-8 then percent-encoded ('🔑')", input: "🔑", encoded: "%F0%9F%94%91" },
    { rule: "uppercase hex digits (RFC 3986 §2.1)", input: "~", encoded: "%7E" },
    { rule: "the empty string stays empty", input: "", encoded: "" },
  ])("$rule: $input → $encoded", ({ input, encoded }) => {
    expect(formEncodeCredential(input)).toBe(encoded);
    expect(formDecode(encoded)).toBe(input);
  });
});

/** Secrets with every character class RFC 6749 Appendix B treats specially. */
const AWKWARD_SECRETS = [
  { kind: "spaces", secret: "correct horse battery staple", differsFromEncodeURIComponent: true },
  { kind: "the marks !'()* that encodeURIComponent keeps", secret: "s3cr!t'(x)*", differsFromEncodeURIComponent: true },
  {
    kind: "the unreserved -_.~ that encodeURIComponent keeps",
    secret: "abc-def_ghi.jkl~",
    differsFromEncodeURIComponent: true,
  },
  { kind: "a '+'", secret: "a+b+c", differsFromEncodeURIComponent: false },
  { kind: "a '%' and something that looks like an escape", secret: "p%41ss%", differsFromEncodeURIComponent: false },
  { kind: "colons", secret: "key:with:colons", differsFromEncodeURIComponent: false },
  { kind: "non-ASCII letters", secret: "clé-secrète", differsFromEncodeURIComponent: true },
  { kind: "an emoji", secret: "🔑 key", differsFromEncodeURIComponent: true },
  { kind: "only alphanumerics", secret: "AbC123xyz", differsFromEncodeURIComponent: false },
];

describe("applyClientAuthentication: client_secret_basic (RFC 6749 §2.3.1)", () => {
  it.each(AWKWARD_SECRETS)("a secret with $kind survives the round trip through an RFC decoder", ({ secret }) => {
    const { headers, body } = authenticate({
      clientId: "client.id-1",
      clientSecret: secret,
      method: "client_secret_basic",
    });
    const header = headers.get("authorization") ?? "";
    expect(decodeBasicPerRfc6749(header)).toEqual({ clientId: "client.id-1", clientSecret: secret });
    // §2.3.1: the client MUST NOT use more than one authentication method in a request.
    expect(body.has("client_id")).toBe(false);
    expect(body.has("client_secret")).toBe(false);
    expect(body.get("grant_type")).toBe("refresh_token");
  });

  it.each(AWKWARD_SECRETS)(
    "a secret with $kind: the old encodeURIComponent header differs on the wire exactly when the encodings disagree",
    ({ secret, differsFromEncodeURIComponent }) => {
      const { headers } = authenticate({ clientId: "client", clientSecret: secret, method: "client_secret_basic" });
      const old = encodeURIComponentBasic("client", secret);
      expect(headers.get("authorization") !== old).toBe(differsFromEncodeURIComponent);
    },
  );

  it.each([
    { kind: "a '+' (would read as a space)", secret: "a+b" },
    { kind: "a '%41' (would read as 'A')", secret: "p%41ss" },
  ])("sending the secret unencoded would be misread: $kind", ({ secret }) => {
    const raw = `Basic ${btoa(`client:${secret}`)}`;
    expect(decodeBasicPerRfc6749(raw).clientSecret).not.toBe(secret);
    const { headers } = authenticate({ clientId: "client", clientSecret: secret, method: "client_secret_basic" });
    expect(decodeBasicPerRfc6749(headers.get("authorization") ?? "").clientSecret).toBe(secret);
  });

  it("a client id containing ':' is encoded, so the first ':' stays the separator (RFC 7617 §2)", () => {
    const { headers } = authenticate({ clientId: "urn:app:1", clientSecret: "s:e", method: "client_secret_basic" });
    const header = headers.get("authorization") ?? "";
    expect(atob(header.slice(6))).toBe("urn%3Aapp%3A1:s%3Ae");
    expect(decodeBasicPerRfc6749(header)).toEqual({ clientId: "urn:app:1", clientSecret: "s:e" });
  });

  it("the Basic payload is base64 of UTF-8 bytes (RFC 7617 §2.1 charset UTF-8)", () => {
    const { headers } = authenticate({ clientId: "ü", clientSecret: "🔑", method: "client_secret_basic" });
    expect(headers.get("authorization")).toBe(`Basic ${btoa("%C3%BC:%F0%9F%94%91")}`);
  });
});

describe("applyClientAuthentication: which method is used (RFC 6749 §2.3.1, §3.2.1; RFC 7009 §2.1)", () => {
  it.each<{ rule: string; client: ClientCredentials; header: boolean; body: Record<string, string> }>([
    {
      rule: "client_secret_basic with a secret: Authorization header only",
      client: { clientId: "id", clientSecret: "s e", method: "client_secret_basic" },
      header: true,
      body: {},
    },
    {
      rule: "client_secret_basic without a secret (public client): client_id in the body (§3.2.1)",
      client: { clientId: "id", clientSecret: undefined, method: "client_secret_basic" },
      header: false,
      body: { client_id: "id" },
    },
    {
      rule: "client_secret_basic with an empty secret: treated as a public client",
      client: { clientId: "id", clientSecret: "", method: "client_secret_basic" },
      header: false,
      body: { client_id: "id" },
    },
    {
      rule: "client_secret_post: client_id and client_secret in the body, unencoded (the form encoding does it)",
      client: { clientId: "id", clientSecret: "s e+!é", method: "client_secret_post" },
      header: false,
      body: { client_id: "id", client_secret: "s e+!é" },
    },
    {
      rule: "client_secret_post without a secret: client_id only",
      client: { clientId: "id", clientSecret: undefined, method: "client_secret_post" },
      header: false,
      body: { client_id: "id" },
    },
    {
      rule: "client_secret_post with an empty secret: client_id only",
      client: { clientId: "id", clientSecret: "", method: "client_secret_post" },
      header: false,
      body: { client_id: "id" },
    },
    {
      rule: "none (public client): client_id only, even if a secret is configured",
      client: { clientId: "id", clientSecret: "configured-anyway", method: "none" },
      header: false,
      body: { client_id: "id" },
    },
    {
      rule: "none without a secret: client_id only",
      client: { clientId: "id", clientSecret: undefined, method: "none" },
      header: false,
      body: { client_id: "id" },
    },
  ])("$rule", ({ client, header, body }) => {
    const result = authenticate(client);
    expect(result.headers.has("authorization")).toBe(header);
    const { grant_type, ...rest } = Object.fromEntries(result.body);
    expect(grant_type).toBe("refresh_token");
    expect(rest).toEqual(body);
  });

  it("client_secret_post: the serialised body form-decodes back to the secret", () => {
    const { body } = authenticate({ clientId: "id", clientSecret: "a+b c%41:🔑", method: "client_secret_post" });
    expect(new URLSearchParams(body.toString()).get("client_secret")).toBe("a+b c%41:🔑");
  });
});
