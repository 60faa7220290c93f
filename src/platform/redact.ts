/**
 * Redaction for anything that leaves the Worker as a log line, a queue message or an error detail.
 * A key is sensitive when its name says so (authorization, cookie, token, secret, password, api key,
 * encrypted `data`); its value is replaced whole, whatever its type.
 */
const SENSITIVE_KEY_PATTERN =
  /authorization|cookie|token|secret|password|passwd|api[-_]?key|private[-_]?key|^data$|signature|code_verifier|client_assertion|^code$|credential/i;

export const REDACTED = "[redacted]";
const MAX_DEPTH = 8;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY_PATTERN.test(key);
}

/** Returns a deep copy of `value` with every sensitive field replaced by `[redacted]`. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message };
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) ? REDACTED : redact(item, depth + 1);
  }
  return out;
}

/** Redacts the values of sensitive query parameters in a URL's path+query (e.g. `?code=…&state=…`). */
export function redactUrl(url: URL): string {
  if (!url.search) return url.pathname;
  const params = new URLSearchParams(url.search);
  for (const key of [...params.keys()]) {
    if (isSensitiveKey(key) || key === "state") params.set(key, REDACTED);
  }
  return `${url.pathname}?${params.toString()}`;
}
