import { describe, expect, it } from "vitest";
import { signHmacSha256Hex } from "../../../src/crypto/hmac";
import { parseParagonWebhook } from "../../../src/paragon/webhook-event";
import {
  parseSignatureHeader,
  verifyParagonSignature,
  WEBHOOK_TOLERANCE_SECONDS,
} from "../../../src/paragon/webhook-signature";
import { paragonConnectionEvent, signParagonWebhook } from "../../fakes/paragon";

const SECRET = "paragon-webhook-secret-0123456789";
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const encode = (text: string) => new TextEncoder().encode(text);
// Whitespace, key order and a \u escape that JSON.stringify(JSON.parse(raw)) does not reproduce.
const RAW = '{ "userId":"u-1",  "event":"integration.installed", "integration":"slack", "note":"caf\\u00e9" }';

async function check(header: string | null, raw = RAW, now = NOW) {
  return verifyParagonSignature({ secret: SECRET, rawBody: encode(raw), header, now });
}

describe("X-Paragon-Signature (HMAC-SHA256 over the raw bytes; docs: actionkit/triggers/receiving-webhooks)", () => {
  it.each(["v1-hex", "v1-base64", "sha256-hex"] as const)("accepts the %s form", async (form) => {
    expect(await check(await signParagonWebhook(SECRET, RAW, form))).toEqual({ ok: true });
  });

  it("accepts base64url and unpadded base64 for v1", async () => {
    const padded = (await signParagonWebhook(SECRET, RAW, "v1-base64")).slice(3);
    const url = padded.replace(/=+$/, "").replaceAll("+", "-").replaceAll("/", "_");
    expect(await check(`v1=${url}`)).toEqual({ ok: true });
    expect(await check(`v1=${padded.replace(/=+$/, "")}`)).toEqual({ ok: true });
  });

  it("verifies a body whose re-serialization differs from the raw bytes (the seed's defect)", async () => {
    const reserialized = JSON.stringify(JSON.parse(RAW));
    expect(reserialized).not.toBe(RAW);
    const header = await signParagonWebhook(SECRET, RAW);
    expect(await check(header)).toEqual({ ok: true });
    // …and a signature over the re-serialized JSON does not verify the raw bytes.
    expect(await check(await signParagonWebhook(SECRET, reserialized))).toEqual({ ok: false, reason: "mismatch" });
  });

  it.each([
    { name: "no header", header: null, reason: "missing" },
    { name: "an empty header", header: "", reason: "missing" },
    { name: "an unknown scheme only", header: "v0=abcd", reason: "malformed" },
    { name: "a truncated hex MAC", header: `sha256=${"a".repeat(63)}`, reason: "malformed" },
    { name: "a base64 MAC for sha256=", header: `sha256=${"A".repeat(43)}=`, reason: "malformed" },
    { name: "a non-numeric timestamp", header: `t=soon,v1=${"a".repeat(64)}`, reason: "malformed" },
    { name: "an entry without =", header: "v1", reason: "malformed" },
    {
      name: "too many signatures",
      header: Array(9)
        .fill(`v1=${"a".repeat(64)}`)
        .join(","),
      reason: "malformed",
    },
    { name: "an overlong header", header: `v1=${"a".repeat(64)},`.repeat(40), reason: "malformed" },
    { name: "a MAC under another secret", header: `v1=${"0".repeat(64)}`, reason: "mismatch" },
  ])("refuses $name ($reason)", async ({ header, reason }) => {
    expect(await check(header)).toEqual({ ok: false, reason });
  });

  it("refuses a tampered body", async () => {
    const header = await signParagonWebhook(SECRET, RAW);
    expect(await check(header, RAW.replace("slack", "slacK"))).toEqual({ ok: false, reason: "mismatch" });
  });

  it("accepts any matching entry (secret rotation)", async () => {
    const good = await signParagonWebhook(SECRET, RAW);
    expect(await check(`v1=${"0".repeat(64)}, ${good}`)).toEqual({ ok: true });
  });

  describe("timestamped headers", () => {
    const t = Math.floor(NOW / 1000);
    it.each([
      { name: "the MAC of <t>.<body>", message: (ts: string) => `${ts}.${RAW}` },
      { name: "the MAC of the body", message: () => RAW },
    ])("accepts $name within the tolerance", async ({ message }) => {
      const mac = await signHmacSha256Hex(SECRET, message(String(t)));
      expect(await check(`t=${t},v1=${mac}`, RAW, NOW + 60_000)).toEqual({ ok: true });
    });

    it("accepts millisecond timestamps", async () => {
      const mac = await signHmacSha256Hex(SECRET, `${NOW}.${RAW}`);
      expect(await check(`t=${NOW},v1=${mac}`)).toEqual({ ok: true });
    });

    it.each([
      { name: "too old", skewSeconds: -(WEBHOOK_TOLERANCE_SECONDS + 1) },
      { name: "from the future", skewSeconds: WEBHOOK_TOLERANCE_SECONDS + 1 },
    ])("refuses a timestamp $name (replay window)", async ({ skewSeconds }) => {
      const ts = t + skewSeconds;
      const mac = await signHmacSha256Hex(SECRET, `${ts}.${RAW}`);
      expect(await check(`t=${ts},v1=${mac}`)).toEqual({ ok: false, reason: "stale" });
    });

    it("refuses a duplicated timestamp", () => {
      expect(parseSignatureHeader(`t=${t},t=${t},v1=${"a".repeat(64)}`)).toBeUndefined();
    });
  });
});

describe("webhook event parsing", () => {
  it("reads a connection event with its eventId as dedupe key", async () => {
    const body = paragonConnectionEvent({
      event: "integration.installed",
      userId: "u-1",
      integration: "slack",
      credentialId: "cred-1",
      eventId: "evt-1",
      data: { workspace: "acme" },
    });
    expect(await parseParagonWebhook(encode(JSON.stringify(body)))).toEqual({
      ok: true,
      event: {
        kind: "connection",
        type: "integration.installed",
        dedupeKey: "eventId:evt-1",
        userId: "u-1",
        integration: "slack",
        credentialId: "cred-1",
        metadata: { workspace: "acme" },
      },
    });
  });

  it("falls back to `id`, then to the SHA-256 of the raw bytes", async () => {
    const withId = await parseParagonWebhook(
      encode('{"id":"abc","event":"integration.updated","integration":"x","userId":"u"}'),
    );
    expect(withId.ok && withId.event.dedupeKey).toBe("id:abc");
    const raw = '{"event":"integration.updated","integration":"x","userId":"u"}';
    const hashed = await parseParagonWebhook(encode(raw));
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", encode(raw)))]
      .map((byte) => byte.toString(16).padStart(2, "0"))
      .join("");
    expect(hashed.ok && hashed.event.dedupeKey).toBe(`sha256:${digest}`);
  });

  it("reads the user from user.id (Paragon's other webhook shape)", async () => {
    const result = await parseParagonWebhook(
      encode('{"event":"integration.uninstalled","integration":"slack","user":{"id":"u-9"}}'),
    );
    expect(result.ok && result.event.kind === "connection" && result.event.userId).toBe("u-9");
  });

  it("acknowledges trigger events without a connection change", async () => {
    const result = await parseParagonWebhook(
      encode(
        '{"eventId":"e","userId":"u","integration":"salesforce","triggerType":"SALESFORCE_TRIGGER_RECORD_CREATED"}',
      ),
    );
    expect(result).toEqual({
      ok: true,
      event: { kind: "other", type: "SALESFORCE_TRIGGER_RECORD_CREATED", dedupeKey: "eventId:e" },
    });
  });

  it("drops oversized metadata rather than storing it", async () => {
    const body = { event: "integration.updated", integration: "x", userId: "u", data: { blob: "x".repeat(20_000) } };
    const result = await parseParagonWebhook(encode(JSON.stringify(body)));
    expect(result.ok && result.event.kind === "connection" && result.event.metadata).toBeUndefined();
  });

  it.each([
    { name: "non-JSON", raw: "event=installed", code: "invalid_json" },
    { name: "invalid UTF-8", raw: new Uint8Array([0x7b, 0xff, 0x7d]), code: "invalid_json" },
    { name: "a JSON array", raw: "[]", code: "invalid_request" },
    { name: "no userId", raw: '{"event":"integration.installed","integration":"slack"}', code: "invalid_request" },
    {
      name: "an integration with a slash",
      raw: '{"event":"integration.installed","integration":"../x","userId":"u"}',
      code: "invalid_request",
    },
  ])("refuses $name", async ({ raw, code }) => {
    const result = await parseParagonWebhook(typeof raw === "string" ? encode(raw) : raw);
    expect(result).toMatchObject({ ok: false, code });
  });
});
