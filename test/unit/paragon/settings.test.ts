import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../src/platform/config";
import {
  DEFAULT_ACTIONKIT_ORIGIN,
  DEFAULT_PROXY_ORIGIN,
  normalizePem,
  parseParagonSettings,
  pemKind,
} from "../../../src/platform/paragon-settings";

const PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----";
const PKCS1 = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----";
const PROJECT = "38b1f170-0c43-4eae-9a04-ab85325d99f7";
const SECRET = "whsec-0123456789abcdef";

function problems(vars: Record<string, unknown>, environment = "development"): string {
  try {
    parseParagonSettings(vars, environment);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the settings to be refused");
}

describe("Paragon settings (SPEC §9)", () => {
  it("is unconfigured when nothing is set", () => {
    expect(parseParagonSettings({}, "production")).toEqual({});
  });

  it("enables the API with the project id and signing key, on Paragon's public origins", () => {
    expect(parseParagonSettings({ PARAGON_PROJECT_ID: PROJECT, PARAGON_SIGNING_KEY: PEM }, "production")).toEqual({
      api: {
        projectId: PROJECT,
        signingKeyPem: PEM,
        actionKitOrigin: DEFAULT_ACTIONKIT_ORIGIN,
        proxyOrigin: DEFAULT_PROXY_ORIGIN,
      },
    });
  });

  it("enables only the webhook with the webhook secret alone", () => {
    expect(parseParagonSettings({ PARAGON_WEBHOOK_SECRET: SECRET }, "production")).toEqual({ webhookSecret: SECRET });
  });

  it("accepts a local fake's origins outside production", () => {
    const settings = parseParagonSettings(
      {
        PARAGON_PROJECT_ID: PROJECT,
        PARAGON_SIGNING_KEY: PKCS1,
        PARAGON_ACTIONKIT_URL: "http://localhost:8841/",
        PARAGON_PROXY_URL: "http://127.0.0.1:8842",
      },
      "development",
    );
    expect(settings.api?.actionKitOrigin).toBe("http://localhost:8841");
    expect(settings.api?.proxyOrigin).toBe("http://127.0.0.1:8842");
  });

  it("accepts the public origins spelled out in production", () => {
    const settings = parseParagonSettings(
      {
        PARAGON_PROJECT_ID: PROJECT,
        PARAGON_SIGNING_KEY: PEM,
        PARAGON_ACTIONKIT_URL: "https://actionkit.useparagon.com/",
      },
      "production",
    );
    expect(settings.api?.actionKitOrigin).toBe(DEFAULT_ACTIONKIT_ORIGIN);
  });

  it.each([
    {
      name: "a signing key without a project id",
      vars: { PARAGON_SIGNING_KEY: PEM },
      problem: "PARAGON_PROJECT_ID: is required when the other Paragon setting is set",
    },
    {
      name: "a project id without a signing key",
      vars: { PARAGON_PROJECT_ID: PROJECT },
      problem: "PARAGON_SIGNING_KEY: is required",
    },
    {
      name: "a project id with a slash",
      vars: { PARAGON_PROJECT_ID: "../x", PARAGON_SIGNING_KEY: PEM },
      problem: "PARAGON_PROJECT_ID: must be the project id",
    },
    {
      name: "a public key instead of a private key",
      vars: {
        PARAGON_PROJECT_ID: PROJECT,
        PARAGON_SIGNING_KEY: "-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----",
      },
      problem: "PARAGON_SIGNING_KEY: must be a PEM private key",
    },
    {
      name: "an encrypted private key",
      vars: {
        PARAGON_PROJECT_ID: PROJECT,
        PARAGON_SIGNING_KEY: "-----BEGIN ENCRYPTED PRIVATE KEY-----\nx\n-----END ENCRYPTED PRIVATE KEY-----",
      },
      problem: "PARAGON_SIGNING_KEY: must not be passphrase-encrypted",
    },
    {
      name: "a short webhook secret",
      vars: { PARAGON_WEBHOOK_SECRET: "short" },
      problem: "PARAGON_WEBHOOK_SECRET: must be at least 16 characters",
    },
    {
      name: "an ActionKit URL with a path",
      vars: { PARAGON_ACTIONKIT_URL: "https://actionkit.useparagon.com/projects" },
      problem: "PARAGON_ACTIONKIT_URL: must be an origin",
    },
    {
      name: "a proxy URL that is not a URL",
      vars: { PARAGON_PROXY_URL: "proxy.useparagon.com" },
      problem: "PARAGON_PROXY_URL: must be an absolute http(s) URL",
    },
  ])("refuses $name", ({ vars, problem }) => {
    expect(problems(vars)).toContain(problem);
  });

  it.each(["PARAGON_ACTIONKIT_URL", "PARAGON_PROXY_URL"])("refuses another %s origin in production", (name) => {
    expect(problems({ [name]: "http://localhost:8841" }, "production")).toContain(`${name}: only https://`);
  });
});

describe("PEM handling", () => {
  it.each([
    { name: "escaped newlines", input: PEM.replaceAll("\n", "\\n") },
    { name: "surrounding double quotes", input: `"${PEM}"` },
    { name: "CRLF line breaks", input: PEM.replaceAll("\n", "\r\n") },
    { name: "surrounding whitespace", input: `\n  ${PEM}  \n` },
  ])("normalizes $name", ({ input }) => {
    expect(normalizePem(input)).toBe(PEM);
  });

  it.each([
    { pem: PEM, kind: "pkcs8" },
    { pem: PKCS1, kind: "pkcs1" },
    { pem: "-----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY-----", kind: undefined },
    { pem: `${PEM}\ntrailing`, kind: undefined },
  ])("recognizes the PEM label ($kind)", ({ pem, kind }) => {
    expect(pemKind(pem)).toBe(kind);
  });
});

describe("Paragon settings inside the application config", () => {
  const base = {
    ENVIRONMENT: "development",
    APP_URL: "http://localhost:8787",
    ENCRYPTION_KEYS: `k1:${btoa("k".repeat(32))}`,
    SESSION_SECRET: "s".repeat(32),
  };

  it("is off by default, and on with both settings", () => {
    expect(parseConfig(base).paragon).toEqual({});
    expect(parseConfig({ ...base, PARAGON_PROJECT_ID: PROJECT, PARAGON_SIGNING_KEY: PEM }).paragon.api?.projectId).toBe(
      PROJECT,
    );
  });

  it("reports Paragon problems by variable name with the others (the app answers 503 until fixed)", () => {
    expect(() => parseConfig({ ...base, PARAGON_PROJECT_ID: PROJECT })).toThrow(ConfigError);
    try {
      parseConfig({ ...base, PARAGON_PROJECT_ID: PROJECT });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        "PARAGON_SIGNING_KEY: is required when the other Paragon setting is set",
      ]);
    }
  });
});
