import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../src/platform/config";
import { parseTemporalSettings } from "../../../../src/workflows/temporal/settings";

describe("Temporal settings (SPEC §7.3)", () => {
  it("is disabled without TEMPORAL_HTTP_URL", () => {
    expect(parseTemporalSettings({}, "production")).toBeUndefined();
    expect(parseTemporalSettings({ TEMPORAL_HTTP_URL: "  ", TEMPORAL_NAMESPACE: "x" }, "production")).toBeUndefined();
  });

  it("defaults the namespace to `default` and the task queue to `edge-workflows`", () => {
    expect(parseTemporalSettings({ TEMPORAL_HTTP_URL: "http://localhost:7243" }, "development")).toEqual({
      httpUrl: new URL("http://localhost:7243"),
      namespace: "default",
      taskQueue: "edge-workflows",
      apiKey: undefined,
    });
  });

  it("reads every setting", () => {
    const settings = parseTemporalSettings(
      {
        TEMPORAL_HTTP_URL: "https://prod.a1b2c.tmprl.cloud",
        TEMPORAL_NAMESPACE: "prod.a1b2c",
        TEMPORAL_TASK_QUEUE: "edge",
        TEMPORAL_API_KEY: "key-123",
      },
      "production",
    );
    expect(settings).toMatchObject({ namespace: "prod.a1b2c", taskQueue: "edge", apiKey: "key-123" });
  });

  it.each([
    { vars: { TEMPORAL_HTTP_URL: "not a url" }, problem: "TEMPORAL_HTTP_URL" },
    { vars: { TEMPORAL_HTTP_URL: "ftp://x" }, problem: "TEMPORAL_HTTP_URL" },
    { vars: { TEMPORAL_HTTP_URL: "http://localhost:7243", TEMPORAL_NAMESPACE: "a/b" }, problem: "TEMPORAL_NAMESPACE" },
    {
      vars: { TEMPORAL_HTTP_URL: "http://localhost:7243", TEMPORAL_TASK_QUEUE: "../x" },
      problem: "TEMPORAL_TASK_QUEUE",
    },
  ])("refuses $vars", ({ vars, problem }) => {
    expect(() => parseTemporalSettings(vars, "development")).toThrow(ConfigError);
    expect(() => parseTemporalSettings(vars, "development")).toThrow(problem);
  });

  it("refuses to send an API key over plain http to a remote host outside development", () => {
    const vars = { TEMPORAL_HTTP_URL: "http://temporal.internal:7243", TEMPORAL_API_KEY: "key" };
    expect(() => parseTemporalSettings(vars, "production")).toThrow(/https/);
    expect(parseTemporalSettings(vars, "development")?.apiKey).toBe("key");
    expect(parseTemporalSettings({ ...vars, TEMPORAL_API_KEY: undefined }, "production")?.apiKey).toBeUndefined();
  });
});
