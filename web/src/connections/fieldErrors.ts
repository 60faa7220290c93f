import type { ApiError } from "../api";

/** Validation messages by request path (`name`, `base_url`, `data.api_key`, `verify_request.path`, …). */
export type FieldErrors = Record<string, string>;

interface Issue {
  path: string;
  message: string;
}

function issuesOf(error: ApiError): Issue[] {
  const { details } = error;
  if (Array.isArray(details)) {
    return details.flatMap((item: unknown) => {
      if (!item || typeof item !== "object") return [];
      const { path, message } = item as { path?: unknown; message?: unknown };
      return typeof path === "string" && typeof message === "string" ? [{ path, message }] : [];
    });
  }
  // A conflict names its field: `{field: "name"}`; the message says what clashed.
  if (details && typeof details === "object" && typeof (details as { field?: unknown }).field === "string") {
    return [{ path: (details as { field: string }).field, message: error.message }];
  }
  return [];
}

/**
 * Splits an error into messages for the fields the form shows (an issue at `data.scopes.2` belongs to
 * `data.scopes`) and the rest, which the form lists in its alert.
 */
export function splitFieldErrors(error: ApiError, fields: readonly string[]): { fields: FieldErrors; other: Issue[] } {
  const byField: FieldErrors = {};
  const other: Issue[] = [];
  for (const issue of issuesOf(error)) {
    const field = fields.find((name) => issue.path === name || issue.path.startsWith(`${name}.`));
    if (field) byField[field] = byField[field] ? `${byField[field]}; ${issue.message}` : issue.message;
    else other.push(issue);
  }
  return { fields: byField, other };
}
