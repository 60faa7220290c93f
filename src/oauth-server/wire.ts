import type { OAuthErrorCode } from "../platform/oauth-error";

/**
 * The OAuth wire formats for challenges and authorization responses (RFC 6749 §4.1.2, RFC 6750 §3,
 * RFC 9728 §5.1, RFC 9207). Error bodies are `OAuthError` (src/platform/oauth-error.ts). Pure builders.
 */

/** RFC 6749 §5.1 / RFC 6749 §5.2: token responses and errors must not be cached. */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  pragma: "no-cache",
};

/** RFC 6749 §5.2 restricts `error_description` to %x20-21 / %x23-5B / %x5D-7E; anything else is replaced. */
export function sanitizeDescription(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, "'").slice(0, 500);
}

/** RFC 7230 §3.2.6 quoted-string: backslash-escape `"` and `\`, drop what cannot be quoted. */
function quote(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]/g, "").replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export interface BearerChallenge {
  /** RFC 9728 §5.1: where the client finds the protected resource's metadata. */
  resourceMetadata: string;
  /** RFC 6750 §3.1. Omitted when the request carried no token at all (RFC 6750 §3.1: SHOULD NOT). */
  error?: "invalid_request" | "invalid_token" | "insufficient_scope";
  description?: string;
  /** RFC 6750 §3: the scopes the operation needs (space-delimited), for step-up. */
  scope?: string;
}

/**
 * A `WWW-Authenticate: Bearer …` value (RFC 6750 §3; RFC 9728 §5.1 `resource_metadata`). The MCP
 * authorization spec's 401 carries `resource_metadata` (and `scope`); its 403 step-up carries
 * `error="insufficient_scope"`, the full `scope` the operation needs, and `resource_metadata`.
 */
export function bearerChallenge(challenge: BearerChallenge): string {
  const params: string[] = [];
  if (challenge.error) params.push(`error=${quote(challenge.error)}`);
  if (challenge.description) params.push(`error_description=${quote(sanitizeDescription(challenge.description))}`);
  if (challenge.scope) params.push(`scope=${quote(challenge.scope)}`);
  params.push(`resource_metadata=${quote(challenge.resourceMetadata)}`);
  return `Bearer ${params.join(", ")}`;
}

/** RFC 6749 §2.3.1 / RFC 7617: the challenge sent with a 401 invalid_client to a Basic-authenticating client. */
export const BASIC_CHALLENGE = 'Basic realm="oauth", charset="UTF-8"';

/**
 * Builds the redirect for an authorization error or success (RFC 6749 §4.1.2, §4.1.2.1; RFC 9207
 * §2: `iss` on every authorization response, errors included). Only ever called with a redirect URI
 * that has already matched the client's registration.
 */
export function authorizationResponseUrl(
  redirectUri: string,
  params: { code?: string; error?: OAuthErrorCode; error_description?: string; state?: string | null; iss: string },
): string {
  const url = new URL(redirectUri);
  if (params.code) url.searchParams.set("code", params.code);
  if (params.error) url.searchParams.set("error", params.error);
  if (params.error_description)
    url.searchParams.set("error_description", sanitizeDescription(params.error_description));
  if (params.state) url.searchParams.set("state", params.state);
  url.searchParams.set("iss", params.iss);
  return url.href;
}
