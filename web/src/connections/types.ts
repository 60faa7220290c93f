import type { ProviderEntry } from "../../../src/connections/catalog/schema";
import { client, type DataOf } from "../rpc";

/**
 * Wire shapes of the connections API, derived from the Worker's routes through the RPC client's types
 * (src/app.ts `App`) and from the catalog's zod schema — never copied by hand.
 */

const connection = client.api.connections[":id"];

/** One entry of `GET /api/providers`. */
export type Provider = DataOf<typeof client.api.providers.$get>[number];
export type CatalogAuthMethod = ProviderEntry["auth_methods"][number];
/** A connection summary (`GET /api/connections/:id`): never its secrets, only `settings` and `secrets_set`. */
export type Connection = DataOf<typeof connection.$get>;
export type ConnectionMethod = Connection["connection_method"];
export type ConnectionStatus = Connection["status"];
/** `POST /api/connections/:id/test` and `POST /api/connections/test`. */
export type TestResult = DataOf<typeof connection.test.$post>;
/** `GET /api/connections/:id/status`. */
export type ConnectionHealth = DataOf<typeof connection.status.$get>;
export type TokenAuthMethod = "client_secret_basic" | "client_secret_post";

/** The body of `POST /api/connections` (and, without `name`, of `POST /api/connections/test`). */
export type ConnectionInput = Parameters<typeof client.api.connections.$post>[0]["json"];
/** The body of `PUT /api/connections/:id`. */
export type ConnectionUpdate = Parameters<typeof connection.$put>[0]["json"];
