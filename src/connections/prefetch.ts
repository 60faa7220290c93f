import type { Context } from "hono";
import { z } from "zod";
import { CONNECTION_METHODS, CONNECTION_STATUSES } from "../db/schema";
import type { AppEnv } from "../platform/context";
import { connectionFromRaw, SUMMARY_COLUMNS } from "./store";

/**
 * Reads that ride along with the session lookup in one D1 round trip (a batch), for the two hottest
 * connection routes. Each statement joins `sessions` on the cookie's token hash, so it can only ever
 * return the session owner's rows; the session itself is still validated by the usual code.
 */
export interface SessionCompanion {
  /** The statement to batch with the session query, or null when this request has none. */
  statement(c: Context<AppEnv>): ((tokenHash: string) => D1PreparedStatement) | null;
  /** Keeps the companion's rows for the route. */
  store(c: Context<AppEnv>, rows: Record<string, unknown>[]): void;
}

/** `GET /api/connections` filters (the route validates the same schema and answers 400 on bad input). */
export const listConnectionsQuery = z.strictObject({
  provider: z.string().max(64).optional(),
  connection_method: z.enum(CONNECTION_METHODS).optional(),
  status: z.enum(CONNECTION_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional().default(100),
  offset: z.coerce.number().int().min(0).optional().default(0),
});

const PROXY_PATH = /^\/api\/connections\/([0-9a-f-]{36})\/proxy(?:\/|$)/;
const SUMMARY_SELECT = Object.values(SUMMARY_COLUMNS)
  .map((column) => `c."${column.name}"`)
  .join(", ");

const proxiedConnection: SessionCompanion = {
  statement(c) {
    const id = PROXY_PATH.exec(c.req.path)?.[1];
    if (!id) return null;
    return (tokenHash) =>
      c.env.DB.prepare(
        "select c.* from connections c join sessions s on s.user_id = c.user_id where s.token_hash = ?1 and c.id = ?2 and c.deleted_at is null",
      ).bind(tokenHash, id);
  },
  store(c, rows) {
    c.set("prefetchedConnection", rows[0] ? connectionFromRaw(rows[0]) : null);
  },
};

const connectionList: SessionCompanion = {
  statement(c) {
    if (c.req.method !== "GET" || c.req.path !== "/api/connections") return null;
    const query = listConnectionsQuery.safeParse(Object.fromEntries(new URL(c.req.url).searchParams));
    if (!query.success) return null;
    const { provider, connection_method, status, limit, offset } = query.data;
    const filters = ["s.token_hash = ?1", "c.deleted_at is null"];
    const params: unknown[] = [];
    for (const [column, value] of [
      ["provider", provider],
      ["connection_method", connection_method],
      ["status", status],
    ] as const) {
      if (value === undefined) continue;
      params.push(value);
      filters.push(`c.${column} = ?${params.length + 1}`);
    }
    const sql = `select ${SUMMARY_SELECT} from connections c join sessions s on s.user_id = c.user_id where ${filters.join(" and ")} order by c.created_at desc, c.id desc limit ${limit} offset ${offset}`;
    return (tokenHash) => c.env.DB.prepare(sql).bind(tokenHash, ...params);
  },
  store(c, rows) {
    c.set("prefetchedConnections", rows.map(connectionFromRaw));
  },
};

export const SESSION_COMPANIONS: readonly SessionCompanion[] = [proxiedConnection, connectionList];
