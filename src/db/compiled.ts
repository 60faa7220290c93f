import { is, Placeholder, sql as sqlTag } from "drizzle-orm";

/**
 * Hot-path queries compiled once per isolate: drizzle builds the SQL text from stand-in parameters, the
 * positions of the stand-ins are remembered, and each request only binds its values. Building a query
 * with drizzle costs more CPU than the D1 read on the hottest routes (bench profiles, issue 10).
 *
 * `shape` must name everything that changes the SQL text (e.g. which optional filters are present); the
 * values themselves never do.
 */

const compiled = new Map<string, { sql: string; slots: string[] }>();

/** A stand-in for the parameter `name` (a drizzle placeholder), to pass to drizzle where the value will go. */
export type Slot = <T>(name: string) => T;

export function compiledStatement(
  d1: D1Database,
  shape: string,
  build: (slot: Slot) => { toSQL(): { sql: string; params: unknown[] } },
  values: Record<string, unknown>,
): D1PreparedStatement {
  let entry = compiled.get(shape);
  if (!entry) {
    const { sql, params } = build(<T>(name: string) => sqlTag.placeholder(name) as T).toSQL();
    const slots = params.map((param) => {
      if (is(param, Placeholder)) return param.name;
      throw new Error(`compiledStatement(${shape}): a parameter is not a slot`);
    });
    entry = { sql, slots };
    compiled.set(shape, entry);
  }
  return d1.prepare(entry.sql).bind(
    ...entry.slots.map((name) => {
      if (!(name in values)) throw new Error(`compiledStatement(${shape}): no value for ${name}`);
      return values[name];
    }),
  );
}
