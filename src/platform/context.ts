import type { AppConfig } from "./config";
import type { Logger } from "./logger";

/**
 * Variables every request carries, set by `requestContext`. Features add their own request variables
 * by augmenting Hono's `ContextVariableMap` next to the middleware that sets them (e.g. the session, in
 * `auth/session-auth.ts`), so the platform knows nothing of features.
 */
export interface AppVariables {
  requestId: string;
  log: Logger;
  config: AppConfig;
}

/** The Hono environment of the whole application. */
export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
