import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  type ConnectionListFilters,
  listConnectionsBySessionStatement,
  listConnectionsQuery,
} from "../../src/connections/store";
import { getDb } from "../../src/db/client";
import { compiledStatement } from "../../src/db/compiled";
import { users } from "../../src/db/schema";
import { bodyFor, createConnection } from "../helpers/connections";
import { signedInBrowser } from "../helpers/session";

describe("compiledStatement (db/compiled.ts)", () => {
  it("binds each request's values into the SQL compiled for its shape", async () => {
    await getDb(env.DB).insert(users).values({ id: "usr_compiled", email: "compiled@example.com" });
    const byId = (id: string) =>
      compiledStatement(
        env.DB,
        "test.user_by_id",
        (slot) =>
          getDb(env.DB)
            .select({ email: users.email })
            .from(users)
            .where(eq(users.id, slot("id"))),
        { id },
      );
    expect((await byId("usr_compiled").all()).results).toEqual([{ email: "compiled@example.com" }]);
    expect((await byId("usr_missing").all()).results).toEqual([]);
  });

  it("refuses a query whose parameters are not all slots, or a missing value", () => {
    const db = getDb(env.DB);
    expect(() =>
      compiledStatement(env.DB, "test.literal", () => db.select().from(users).where(eq(users.id, "literal")), {}),
    ).toThrow(/not a slot/);
    expect(() =>
      compiledStatement(
        env.DB,
        "test.missing",
        (slot) =>
          db
            .select()
            .from(users)
            .where(eq(users.id, slot("id"))),
        {},
      ),
    ).toThrow(/no value for id/);
  });
});

describe("the session companion of GET /api/connections", () => {
  it("answers exactly what the drizzle list query answers, for every filter shape", async () => {
    const owner = await signedInBrowser();
    await signedInBrowser();
    await createConnection(owner, bodyFor("bearer"));
    await createConnection(owner, bodyFor("api_key"));
    const hashes = await env.DB.prepare("select token_hash as hash from sessions").all<{ hash: string }>();
    const filters: ConnectionListFilters[] = [
      { limit: 100, offset: 0 },
      { limit: 1, offset: 1 },
      { provider: "custom_api", limit: 100, offset: 0 },
      { connection_method: "bearer", limit: 100, offset: 0 },
      { status: "active", limit: 100, offset: 0 },
      { provider: "custom_api", connection_method: "api_key", status: "active", limit: 10, offset: 0 },
      { provider: "nobody", limit: 100, offset: 0 },
    ];
    let nonEmpty = 0;
    for (const { hash } of hashes.results) {
      for (const filter of filters) {
        const { sql: text, params } = listConnectionsQuery(getDb(env.DB), { sessionTokenHash: hash }, filter).toSQL();
        const expected = (
          await env.DB.prepare(text)
            .bind(...params)
            .all()
        ).results;
        const compiled = (await listConnectionsBySessionStatement(env.DB, hash, filter).all()).results;
        expect(compiled).toEqual(expected);
        if (compiled.length > 0) nonEmpty++;
      }
    }
    expect(nonEmpty).toBeGreaterThan(3);
  });
});
