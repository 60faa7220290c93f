// The deployed environments of wrangler.toml, read the way wrangler reads them (`unstable_readConfig`).
// Regressions for issue 14 findings 4 (traces), 7 (DNS names resolving to private addresses) and 8
// (optional secrets dropped by `[secrets] required` in local development).
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { unstable_readConfig } from "wrangler";
import { root } from "../../scripts/dev-server.mjs";

const read = (env) => unstable_readConfig({ config: join(root, "wrangler.toml"), env });
const local = read(undefined);
const DEPLOYED = ["production", "staging"];

const bindingNames = (config) => ({
  vars: Object.keys(config.vars ?? {}).sort(),
  d1: config.d1_databases.map((d) => d.binding).sort(),
  kv: config.kv_namespaces.map((k) => k.binding).sort(),
  producers: config.queues.producers.map((q) => q.binding).sort(),
  consumers: config.queues.consumers.length,
  durableObjects: config.durable_objects.bindings.map((d) => `${d.name}:${d.class_name}`).sort(),
  ratelimits: config.ratelimits.map((r) => `${r.name}:${r.simple.limit}/${r.simple.period}`).sort(),
  workflows: (config.workflows ?? []).map((w) => `${w.binding}:${w.class_name}`).sort(),
  services: (config.services ?? []).map((b) => b.binding).sort(),
  r2: (config.r2_buckets ?? []).map((b) => b.binding).sort(),
  assets: config.assets?.binding,
});

describe("deployed environments refuse non-public resolved addresses (issue 14 #7)", () => {
  for (const env of DEPLOYED) {
    test(`${env} sets global_fetch_strictly_public`, () => {
      assert.ok(read(env).compatibility_flags.includes("global_fetch_strictly_public"));
      assert.ok(read(env).compatibility_flags.includes("nodejs_compat"));
    });
    test(`${env} repeats every binding of the top level (env blocks do not inherit them)`, () => {
      assert.deepEqual(bindingNames(read(env)), bindingNames(local));
    });
    test(`${env} is configured as a deployed environment`, () => {
      assert.equal(read(env).vars.ENVIRONMENT, env);
      assert.match(read(env).vars.APP_URL, /^https:\/\//);
    });
  }
  test("local development keeps loopback upstreams reachable (no strictly-public flag)", () => {
    assert.ok(!local.compatibility_flags.includes("global_fetch_strictly_public"));
  });
});

describe("secrets: required when deployed, every name loaded locally (issue 14 #8)", () => {
  test("the top level declares no [secrets], so wrangler dev loads every name in .dev.vars", () => {
    assert.equal(local.secrets, undefined);
  });
  for (const env of DEPLOYED) {
    test(`${env} requires ENCRYPTION_KEYS, SESSION_SECRET and OAUTH_SIGNING_KEYS at deploy`, () => {
      assert.deepEqual(read(env).secrets?.required, ["ENCRYPTION_KEYS", "SESSION_SECRET", "OAUTH_SIGNING_KEYS"]);
    });
  }
});

describe("observability: logs on, automatic traces off, query strings redacted (issue 14 #4)", () => {
  for (const env of [undefined, ...DEPLOYED]) {
    test(`${env ?? "top level"}`, () => {
      const { observability } = read(env);
      assert.equal(observability.enabled, true);
      assert.equal(observability.logs?.enabled, true);
      assert.equal(observability.traces?.enabled, false);
      assert.equal(observability.redact_query_string, true);
    });
  }
});
