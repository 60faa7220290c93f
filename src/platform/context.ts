import type { LoadedSession } from "../auth/sessions";
import type { EncryptedConnection } from "../connections/store";
import type { AppConfig } from "./config";
import type { Logger } from "./logger";

/** Variables every request carries, set by `requestContext`. */
export interface AppVariables {
  requestId: string;
  log: Logger;
  config: AppConfig;
  /** Set by `sessionAuth` when the request carries a valid session cookie. */
  session?: LoadedSession;
  /**
   * On proxy paths, the connection loaded in the same D1 round trip as the session: undefined when not
   * prefetched, null when the session's owner has no such live connection.
   */
  prefetchedConnection?: EncryptedConnection | null;
  /** On `GET /api/connections`, the list read in the same D1 round trip as the session. */
  prefetchedConnections?: EncryptedConnection[];
}

/** The Hono environment of the whole application. */
export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
