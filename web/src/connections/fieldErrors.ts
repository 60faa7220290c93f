import type { ApiError } from "../api";

/** Validation messages by request path (`name`, `base_url`, `data.api_key`, `verify_request.path`, …). */
export type FieldErrors = Record<string, string>;

export interface Issue {
  path: string;
  message: string;
}

/** zod's wording, said plainly for a person filling in a form. */
const PLAIN_WORDS: Array<[RegExp, string]> = [
  [/expected \w+, received undefined/i, "is required"],
  [/^Required$/i, "is required"],
  [/too small: expected string to have >=1 characters?/i, "is required"],
  [/too big: expected string to have <=(\d+) characters?/i, "is too long (at most $1 characters)"],
  [/invalid url/i, "must be a full URL, such as https://api.example.com"],
  [/unrecognized key/i, "is not a setting this connection has"],
  [/invalid option: expected one of (.*)/i, "must be one of $1"],
];

export function plainIssueMessage(message: string): string {
  for (const [pattern, plain] of PLAIN_WORDS) if (pattern.test(message)) return message.replace(pattern, plain);
  return message;
}

function issuesOf(error: ApiError): Issue[] {
  const { details } = error;
  if (Array.isArray(details)) {
    return details.flatMap((item: unknown) => {
      if (!item || typeof item !== "object") return [];
      const { path, message } = item as { path?: unknown; message?: unknown };
      return typeof path === "string" && typeof message === "string"
        ? [{ path, message: plainIssueMessage(message) }]
        : [];
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

/** The form-level sentence for an error whose details were shown next to their fields. */
export function formMessage(error: ApiError, placedOnFields: boolean, fallback: string): string {
  if (error.code === "invalid_request" || error.code === "invalid_json") {
    return placedOnFields ? "Check the fields marked below." : "Some values were not accepted.";
  }
  return fallback;
}
