import { describe, expect, it } from "vitest";
import { internalAudience, parseWorkerAuthSettings } from "../../../src/internal/settings";
import { ConfigError } from "../../../src/platform/config";

const APP = new URL("https://api.example.com");
const publicKey = { kty: "EC", crv: "P-256", x: "x", y: "y", kid: "k1" };

describe("worker auth settings (SPEC §7.4)", () => {
  it("is off without a key source", () => {
    expect(parseWorkerAuthSettings({}, APP, "production")).toBeUndefined();
  });

  it("reads an inline public JWKS with the default issuer and the /internal audience", () => {
    expect(parseWorkerAuthSettings({ WORKER_JWKS: JSON.stringify({ keys: [publicKey] }) }, APP, "production")).toEqual({
      keys: { kind: "inline", jwks: { keys: [publicKey] } },
      issuer: "temporal-worker",
      audience: "https://api.example.com/internal",
    });
  });

  it("reads a JWKS URL and a custom issuer", () => {
    const settings = parseWorkerAuthSettings(
      { WORKER_JWKS_URL: "https://keys.example.com/jwks.json", WORKER_JWT_ISSUER: "edge-worker-prod" },
      APP,
      "production",
    );
    expect(settings).toMatchObject({ keys: { kind: "remote" }, issuer: "edge-worker-prod" });
  });

  it.each([
    { name: "JSON that is not a JWKS", vars: { WORKER_JWKS: '{"kty":"EC"}' }, problem: "JWK Set" },
    { name: "not JSON", vars: { WORKER_JWKS: "{" }, problem: "not JSON" },
    {
      name: "a private key (RFC 7518 §6.2.2.1 `d`)",
      vars: { WORKER_JWKS: JSON.stringify({ keys: [{ ...publicKey, d: "secret" }] }) },
      problem: "private key material",
    },
    {
      name: "an RSA key",
      vars: { WORKER_JWKS: JSON.stringify({ keys: [{ kty: "RSA", n: "n", e: "AQAB" }] }) },
      problem: "P-256",
    },
    {
      name: "a symmetric key",
      vars: { WORKER_JWKS: JSON.stringify({ keys: [{ kty: "oct", k: "c2VjcmV0" }] }) },
      problem: "private key material",
    },
    {
      name: "both sources",
      vars: { WORKER_JWKS: JSON.stringify({ keys: [publicKey] }), WORKER_JWKS_URL: "https://k" },
      problem: "not both",
    },
    {
      name: "a plain-http JWKS URL in production",
      vars: { WORKER_JWKS_URL: "http://keys.example.com/jwks.json" },
      problem: "https",
    },
  ])("refuses $name", ({ vars, problem }) => {
    expect(() => parseWorkerAuthSettings(vars, APP, "production")).toThrow(ConfigError);
    expect(() => parseWorkerAuthSettings(vars, APP, "production")).toThrow(problem);
  });

  it("allows a plain-http JWKS URL in development", () => {
    expect(
      parseWorkerAuthSettings({ WORKER_JWKS_URL: "http://localhost:8811/jwks.json" }, APP, "development"),
    ).toBeDefined();
  });

  it("builds the audience from APP_URL without doubling slashes", () => {
    expect(internalAudience(new URL("http://localhost:8787/"))).toBe("http://localhost:8787/internal");
    expect(internalAudience(new URL("https://x.example/app/"))).toBe("https://x.example/app/internal");
  });
});
