import type { SessionCompanion } from "../../auth/session-auth";
import { getDb } from "../../db/client";
import type { ExecutionRow } from "../../db/schema";
import { executionBySessionQuery, executionFromRaw } from "./store";

declare module "hono" {
  interface ContextVariableMap {
    /**
     * On `GET /api/executions/:id`, the execution read in the same D1 round trip as the session: undefined
     * when not prefetched, null when the session's owner has no such execution.
     */
    prefetchedExecution?: ExecutionRow | null;
  }
}

const DETAIL_PATH = /^\/api\/executions\/([A-Za-z0-9_-]{1,64})$/;

/** The execution of `GET /api/executions/:id` (the page that polls or reloads it most), with the session. */
export const executionDetail: SessionCompanion = {
  statement(c) {
    if (c.req.method !== "GET") return null;
    const id = DETAIL_PATH.exec(c.req.path)?.[1];
    if (!id) return null;
    return (tokenHash) => {
      const { sql, params } = executionBySessionQuery(getDb(c.env.DB), tokenHash, id).toSQL();
      return c.env.DB.prepare(sql).bind(...params);
    };
  },
  store(c, rows) {
    c.set("prefetchedExecution", rows[0] ? executionFromRaw(rows[0]) : null);
  },
};
