import type { Context } from "hono";
import * as z from "zod";
import type { SessionCompanion } from "../auth/session-auth";
import { CONNECTION_METHODS, CONNECTION_STATUSES } from "../db/schema";
import type { AppEnv } from "../platform/context";
import {
  type ConnectionSummaryRow,
  connectionBySessionStatement,
  connectionFromRaw,
  type EncryptedConnection,
  listConnectionsBySessionStatement,
} from "./store";

declare module "hono" {
  interface ContextVariableMap {
    /**
     * On proxy paths, the connection loaded in the same D1 round trip as the session: undefined when not
     * prefetched, null when the session's owner has no such live connection.
     */
    prefetchedConnection?: EncryptedConnection | null;
    /** On `GET /api/connections`, the list read in the same D1 round trip as the session. */
    prefetchedConnections?: ConnectionSummaryRow[];
  }
}

/** `GET /api/connections` filters (the route validates the same schema and answers 400 on bad input). */
export const listConnectionsQuerySchema = z.strictObject({
  provider: z.string().max(64).optional(),
  connection_method: z.enum(CONNECTION_METHODS).optional(),
  status: z.enum(CONNECTION_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional().default(100),
  offset: z.coerce.number().int().min(0).optional().default(0),
});

const PROXY_PATH = /^\/api\/connections\/([0-9a-f-]{36})\/proxy(?:\/|$)/;

/** The proxied connection, for `ALL /api/connections/:id/proxy/*`. */
export const proxiedConnection: SessionCompanion = {
  statement(c) {
    const id = PROXY_PATH.exec(c.req.path)?.[1];
    if (!id) return null;
    return (tokenHash) => connectionBySessionStatement(c.env.DB, tokenHash, id);
  },
  store(c, rows) {
    c.set("prefetchedConnection", rows[0] ? connectionFromRaw(rows[0]) : null);
  },
};

/** The list, for `GET /api/connections` — the same query as the standalone path (`listConnectionsQuery`). */
export const connectionList: SessionCompanion = {
  statement(c: Context<AppEnv>) {
    if (c.req.method !== "GET" || c.req.path !== "/api/connections") return null;
    const query = listConnectionsQuerySchema.safeParse(Object.fromEntries(new URL(c.req.url).searchParams));
    if (!query.success) return null;
    return (tokenHash) => listConnectionsBySessionStatement(c.env.DB, tokenHash, query.data);
  },
  store(c, rows) {
    c.set("prefetchedConnections", rows.map(connectionFromRaw));
  },
};
