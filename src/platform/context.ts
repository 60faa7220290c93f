import type { AppConfig } from "./config";
import type { Logger } from "./logger";

/** Variables every request carries, set by `requestContext`. */
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
