import type { LoadedSession } from "../auth/sessions";
import type { AppConfig } from "./config";
import type { Logger } from "./logger";

/** Variables every request carries, set by `requestContext`. */
export interface AppVariables {
  requestId: string;
  log: Logger;
  config: AppConfig;
  /** Set by `sessionAuth` when the request carries a valid session cookie. */
  session?: LoadedSession;
}

/** The Hono environment of the whole application. */
export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
