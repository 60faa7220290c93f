/**
 * The JSONPath subset of output mapping (`map: [{as, select}]`, seed 002 "HTTP node"), after RFC 9535:
 * the root `$`, member names `.key` and `['key']` / `["key"]` (§2.5.1 name selector), array indexes `[n]`
 * (§2.3.3, non-negative here) and the wildcard `[*]` / `.*` (§2.3.2). No filters, slices or recursive
 * descent: a mapping picks fields, it does not run queries.
 *
 * Without a wildcard the result is the one selected value (or `undefined`); with one, it is the array of
 * every match (RFC 9535's nodelist), in document order.
 */

/** Longest accepted path, in characters. */
export const MAX_JSONPATH_LENGTH = 512;

export type JsonPathSegment = { kind: "name"; name: string } | { kind: "index"; index: number } | { kind: "wildcard" };

export class JsonPathError extends Error {
  readonly code = "invalid_jsonpath";
  constructor(message: string) {
    super(message);
    this.name = "JsonPathError";
  }
}

const MEMBER_NAME = /^[A-Za-z0-9_-]+/;
const INDEX = /^\[(0|[1-9][0-9]{0,8})\]/;
const QUOTED = /^\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/;

function unescapeQuoted(raw: string): string {
  return raw.replace(/\\(.)/g, (_, ch: string) => ch);
}

/** Parses a path such as `$.items[0]['display name']` or throws a {@link JsonPathError}. */
export function parseJsonPath(text: string): JsonPathSegment[] {
  if (text.length > MAX_JSONPATH_LENGTH)
    throw new JsonPathError(`Path is longer than ${MAX_JSONPATH_LENGTH} characters`);
  if (!text.startsWith("$")) throw new JsonPathError('A path starts with "$"');
  const segments: JsonPathSegment[] = [];
  let rest = text.slice(1);
  while (rest.length > 0) {
    if (rest.startsWith(".*") || rest.startsWith("[*]")) {
      segments.push({ kind: "wildcard" });
      rest = rest.slice(rest.startsWith(".*") ? 2 : 3);
      continue;
    }
    if (rest.startsWith(".")) {
      const name = MEMBER_NAME.exec(rest.slice(1));
      if (!name) throw new JsonPathError(`Expected a member name after "." in ${JSON.stringify(text)}`);
      segments.push({ kind: "name", name: name[0] });
      rest = rest.slice(1 + name[0].length);
      continue;
    }
    const index = INDEX.exec(rest);
    if (index) {
      segments.push({ kind: "index", index: Number(index[1]) });
      rest = rest.slice(index[0].length);
      continue;
    }
    const quoted = QUOTED.exec(rest);
    if (quoted) {
      segments.push({ kind: "name", name: unescapeQuoted(quoted[1] ?? quoted[2] ?? "") });
      rest = rest.slice(quoted[0].length);
      continue;
    }
    throw new JsonPathError(`Unsupported syntax at ${JSON.stringify(rest.slice(0, 16))} in ${JSON.stringify(text)}`);
  }
  return segments;
}

function step(value: unknown, segment: JsonPathSegment): unknown[] {
  if (segment.kind === "wildcard") {
    if (Array.isArray(value)) return value;
    if (typeof value === "object" && value !== null) return Object.values(value);
    return [];
  }
  if (segment.kind === "index")
    return Array.isArray(value) && segment.index < value.length ? [value[segment.index]] : [];
  if (typeof value === "object" && value !== null && !Array.isArray(value) && Object.hasOwn(value, segment.name))
    return [(value as Record<string, unknown>)[segment.name]];
  return [];
}

/** Applies a parsed path to a value (see the module comment for the result shape). */
export function selectJsonPath(segments: JsonPathSegment[], value: unknown): unknown {
  let nodes: unknown[] = [value];
  for (const segment of segments) nodes = nodes.flatMap((node) => step(node, segment));
  if (segments.some((segment) => segment.kind === "wildcard")) return nodes;
  return nodes[0];
}

/** Parses and applies a path in one call. */
export function queryJsonPath(path: string, value: unknown): unknown {
  return selectJsonPath(parseJsonPath(path), value);
}
