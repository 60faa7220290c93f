import { keyringFor } from "../../crypto/keyring";
import { getDb } from "../../db/client";
import { getConfig } from "../../platform/config";
import { createLogger, type Logger } from "../../platform/logger";
import type { UseContext } from "../../proxy/core";
import { CREDENTIAL_PROVIDERS } from "../../proxy/credentials";

/** The proxy core's context outside an HTTP request (a Workflow step, a queue handler). */
export function backgroundUseContext(
  env: Env,
  waitUntil: (promise: Promise<unknown>) => void,
  log?: Logger,
): UseContext {
  const config = getConfig(env);
  return {
    env,
    config,
    log: log ?? createLogger({ level: config.logLevel, context: { component: "workflows" } }),
    db: getDb(env.DB),
    keyring: keyringFor(config.keyring),
    now: Date.now,
    waitUntil,
    credentials: CREDENTIAL_PROVIDERS,
  };
}
