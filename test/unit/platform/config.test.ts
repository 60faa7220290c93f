import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../src/platform/config";

const KEY = btoa("k".repeat(32));
const base = {
  ENVIRONMENT: "development",
  APP_URL: "http://localhost:8787",
  ENCRYPTION_KEYS: `k1:${KEY}`,
  SESSION_SECRET: "s".repeat(32),
};
const production = { ...base, ENVIRONMENT: "production", APP_URL: "https://api.example.com" };

function problems(vars: Record<string, unknown>): string[] {
  try {
    parseConfig(vars);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected the configuration to be refused");
}

describe("configuration", () => {
  it("parses the development defaults", () => {
    const config = parseConfig(base);
    expect(config.environment).toBe("development");
    expect(config.appOrigin).toBe("http://localhost:8787");
    expect([...config.corsAllowedOrigins]).toEqual(["http://localhost:8787"]);
    expect(config.logLevel).toBe("info");
    expect(config.keyring.primaryKeyId).toBe("k1");
  });

  it("names every missing variable at once", () => {
    expect(problems({})).toEqual(expect.arrayContaining(["ENVIRONMENT: is required", "APP_URL: is required"]));
  });

  it.each([
    { name: "an unknown environment", vars: { ...base, ENVIRONMENT: "prod" }, problem: /^ENVIRONMENT: must be one of/ },
    { name: "a relative APP_URL", vars: { ...base, APP_URL: "/app" }, problem: /^APP_URL: must be an absolute/ },
    { name: "a non-http APP_URL", vars: { ...base, APP_URL: "ftp://example.com" }, problem: /^APP_URL:/ },
    { name: "no encryption key", vars: { ...base, ENCRYPTION_KEYS: "" }, problem: /^ENCRYPTION_KEYS: is required/ },
    {
      name: "a short encryption key",
      vars: { ...base, ENCRYPTION_KEYS: `k1:${btoa("short")}` },
      problem: /^ENCRYPTION_KEYS: key "k1" must be 32 bytes, got 5$/,
    },
    {
      name: "a wildcard CORS origin",
      vars: { ...base, CORS_ALLOWED_ORIGINS: "*" },
      problem: /^CORS_ALLOWED_ORIGINS: a wildcard/,
    },
    {
      name: "a CORS entry with a path",
      vars: { ...base, CORS_ALLOWED_ORIGINS: "https://a.example/path" },
      problem: /must be an origin/,
    },
    {
      name: "a short session secret",
      vars: { ...base, SESSION_SECRET: "short" },
      problem: /^SESSION_SECRET: must be at least 32/,
    },
    {
      name: "a WorkOS key without client id",
      vars: { ...base, WORKOS_API_KEY: "sk_test" },
      problem: /^WORKOS_CLIENT_ID: is required when/,
    },
    { name: "an unknown log level", vars: { ...base, LOG_LEVEL: "verbose" }, problem: /^LOG_LEVEL:/ },
  ])("refuses $name", ({ vars, problem }) => {
    expect(problems(vars)).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  it("accepts extra CORS origins next to APP_URL's", () => {
    const config = parseConfig({ ...base, CORS_ALLOWED_ORIGINS: "https://app.example.com, http://localhost:5173/" });
    expect([...config.corsAllowedOrigins]).toEqual([
      "http://localhost:8787",
      "https://app.example.com",
      "http://localhost:5173",
    ]);
  });

  describe("in production", () => {
    it("accepts an https deployment", () => {
      expect(parseConfig({ ...production, CORS_ALLOWED_ORIGINS: "https://app.example.com" }).environment).toBe(
        "production",
      );
    });

    it.each([
      {
        name: "an http APP_URL",
        vars: { ...production, APP_URL: "http://api.example.com" },
        problem: "APP_URL: must use https in production",
      },
      {
        name: "a localhost APP_URL",
        vars: { ...production, APP_URL: "https://localhost:8787" },
        problem: "APP_URL: must not be a loopback host in production",
      },
      {
        name: "a development CORS origin",
        vars: { ...production, CORS_ALLOWED_ORIGINS: "http://localhost:5173" },
        problem: "CORS_ALLOWED_ORIGINS: http://localhost:5173 is a development origin, refused in production",
      },
      {
        name: "debug logging",
        vars: { ...production, LOG_LEVEL: "debug" },
        problem: "LOG_LEVEL: debug logging is refused in production",
      },
    ])("refuses $name", ({ vars, problem }) => {
      expect(problems(vars)).toContain(problem);
    });
  });
});
