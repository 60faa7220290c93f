import type { ConnectionMethodColumn } from "../db/schema";
import { SECRET_FIELDS } from "./data";

/**
 * Credential re-targeting (issue 14 #5): editing where a stored credential is sent must not move the
 * credential to a new host without proof that the editor holds it. A stolen session could otherwise PATCH
 * `base_url` to its own host and harvest every stored key through the proxy (OWASP ASVS V8.3: sensitive
 * data is bound to its destination). Pure: the PATCH route asks, then refuses or writes.
 *
 * Where a credential goes: the `base_url` (every method injects into requests under it) and, per method,
 * the `data` fields that name a destination or the place in the request the key travels in.
 */
export const CREDENTIAL_TARGET_FIELDS: Record<ConnectionMethodColumn, readonly string[]> = {
  api_key: ["key_location", "key_name"],
  bearer: [],
  basic: [],
  oauth2: ["authorization_url", "token_url", "revocation_url"],
  oauth2_client_credentials: ["token_url"],
  mcp: ["server_url", "header_name"],
  paragon: [],
};

/** Defaults that make an absent field and its explicit default the same destination. */
const FIELD_DEFAULTS: Record<string, unknown> = { key_location: "header" };

export interface RetargetingInput {
  method: ConnectionMethodColumn;
  before: { baseUrl: string | null; data: Record<string, unknown> };
  after: { baseUrl: string | null; data: Record<string, unknown> };
  /** The `data` object of this very request (the secrets supplied again, if any). */
  supplied: Record<string, unknown> | undefined;
  /** The connection holds OAuth tokens (an authorization or a cached client-credentials token). */
  hasTokens: boolean;
}

export interface RetargetingDecision {
  /** What changes where credentials go (`base_url`, `data.<field>`); empty when nothing does. */
  changed: string[];
  /** Secret fields (`data.<field>`) that are stored and must be supplied again in the same request. */
  missingSecrets: string[];
  /** Stored tokens were issued for the old destination: drop them (OAuth needs a new authorization). */
  dropTokens: boolean;
}

const same = (field: string, a: unknown, b: unknown) => (a ?? FIELD_DEFAULTS[field]) === (b ?? FIELD_DEFAULTS[field]);

export function decideRetargeting(input: RetargetingInput): RetargetingDecision {
  const changed = [
    ...(input.before.baseUrl === input.after.baseUrl ? [] : ["base_url"]),
    ...CREDENTIAL_TARGET_FIELDS[input.method]
      .filter((field) => !same(field, input.before.data[field], input.after.data[field]))
      .map((field) => `data.${field}`),
  ];
  if (changed.length === 0) return { changed, missingSecrets: [], dropTokens: false };
  const missingSecrets = SECRET_FIELDS[input.method]
    .filter((field) => typeof input.before.data[field] === "string")
    .filter((field) => typeof input.supplied?.[field] !== "string")
    .map((field) => `data.${field}`);
  return { changed, missingSecrets, dropTokens: input.hasTokens };
}
