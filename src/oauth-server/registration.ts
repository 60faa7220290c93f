import * as z from "zod";
import { checkRedirectUriForRegistration, type RedirectUriRefusal } from "./redirect-uri";
import { formatScopes, parseScopeParameter } from "./scopes";

/**
 * Dynamic Client Registration request validation (RFC 7591 §2, §3.1, §3.2.2). Pure.
 *
 * Anyone on the internet can register, so every field is bounded and self-asserted metadata is
 * treated as such: the consent page labels DCR clients as unverified. Unknown metadata fields are
 * ignored, as RFC 7591 §2 requires, and never stored.
 */

/** A registration body larger than this is refused before parsing (real ones are well under 2 KB). */
export const MAX_REGISTRATION_BODY_BYTES = 16 * 1024;
export const MAX_REDIRECT_URIS = 10;
export const MAX_CLIENT_NAME_LENGTH = 100;

export const TOKEN_ENDPOINT_AUTH_METHODS = ["none", "client_secret_basic", "client_secret_post"] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];
export const GRANT_TYPES = ["authorization_code", "refresh_token"] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/** What we keep of a registration: the validated, normalised metadata. */
export interface ClientMetadata {
  clientName: string;
  redirectUris: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  grantTypes: GrantType[];
  /** Space-delimited scopes the client may request; empty means any of ours. */
  scope: string;
  clientUri: string | null;
}

/** RFC 7591 §3.2.2 error codes. */
export type RegistrationError = {
  error: "invalid_redirect_uri" | "invalid_client_metadata";
  error_description: string;
};

export type RegistrationParse = { ok: true; metadata: ClientMetadata } | { ok: false; error: RegistrationError };

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f]/;
const displayText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !CONTROL_CHARACTERS.test(value), "must not contain control characters");
const httpsUrl = z
  .string()
  .max(2000)
  .refine((value) => URL.canParse(value) && new URL(value).protocol === "https:", "must be an https URL");

const registrationSchema = z.object({
  redirect_uris: z.array(z.string()).min(1).max(MAX_REDIRECT_URIS),
  token_endpoint_auth_method: z.enum(TOKEN_ENDPOINT_AUTH_METHODS).optional(),
  grant_types: z.array(z.enum(GRANT_TYPES)).min(1).max(4).optional(),
  response_types: z.array(z.literal("code")).min(1).max(2).optional(),
  client_name: displayText(MAX_CLIENT_NAME_LENGTH).optional(),
  client_uri: httpsUrl.optional(),
  scope: z.string().max(500).optional(),
});

const REDIRECT_REFUSAL_TEXT: Record<RedirectUriRefusal, string> = {
  invalid_uri: "is not a valid absolute URI",
  too_long: "is too long",
  fragment_not_allowed: "must not contain a fragment (RFC 6749 §3.1.2)",
  scheme_not_allowed: "must use https, or http on a loopback address (RFC 8252 §7.3)",
  scheme_not_lowercase: "must write its scheme in lowercase",
  credentials_in_uri: "must not contain user information",
  insecure_non_loopback: "may use http only on 127.0.0.1, [::1] or localhost (RFC 8252 §7.3)",
};

/** Human text for a refused redirect URI; shared with the CIMD and admin validators. */
export function describeRedirectUriRefusal(reason: RedirectUriRefusal): string {
  return REDIRECT_REFUSAL_TEXT[reason];
}

/**
 * Validates a client registration request body (RFC 7591 §2) into stored metadata, or the RFC 7591
 * §3.2.2 error to return. Defaults: `token_endpoint_auth_method` `client_secret_basic` and
 * `grant_types` `["authorization_code"]` (RFC 7591 §2); `response_types` must be `["code"]`.
 */
export function parseRegistrationRequest(body: unknown): RegistrationParse {
  const parsed = registrationSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0] === undefined ? "body" : String(issue.path[0]);
    const error = field === "redirect_uris" ? "invalid_redirect_uri" : "invalid_client_metadata";
    return { ok: false, error: { error, error_description: `${field}: ${issue?.message ?? "is invalid"}` } };
  }
  const input = parsed.data;
  for (const uri of input.redirect_uris) {
    const check = checkRedirectUriForRegistration(uri);
    if (!check.ok) {
      return {
        ok: false,
        error: {
          error: "invalid_redirect_uri",
          error_description: `redirect_uris: ${JSON.stringify(uri.slice(0, 200))} ${describeRedirectUriRefusal(check.reason)}`,
        },
      };
    }
  }
  const requestedGrants = new Set(input.grant_types ?? ["authorization_code"]);
  const grantTypes = GRANT_TYPES.filter((grant) => requestedGrants.has(grant));
  if (!grantTypes.includes("authorization_code")) {
    return invalidMetadata("grant_types: must include authorization_code");
  }
  const scope = parseScopeParameter(input.scope);
  if (!scope.ok) return invalidMetadata(`scope: unknown scope ${scope.unknown.join(", ")}`);
  return {
    ok: true,
    metadata: {
      clientName: input.client_name ?? "Unnamed client",
      redirectUris: [...new Set(input.redirect_uris)],
      tokenEndpointAuthMethod: input.token_endpoint_auth_method ?? "client_secret_basic",
      grantTypes,
      scope: formatScopes(scope.scopes),
      clientUri: input.client_uri ?? null,
    },
  };
}

function invalidMetadata(description: string): RegistrationParse {
  return { ok: false, error: { error: "invalid_client_metadata", error_description: description } };
}

/** The RFC 7591 §3.2.1 client information response for stored metadata. */
export function registrationResponse(
  clientId: string,
  metadata: ClientMetadata,
  issuedAtSeconds: number,
  clientSecret?: string,
) {
  return {
    client_id: clientId,
    ...(clientSecret ? { client_secret: clientSecret, client_secret_expires_at: 0 } : {}),
    client_id_issued_at: issuedAtSeconds,
    client_name: metadata.clientName,
    redirect_uris: metadata.redirectUris,
    token_endpoint_auth_method: metadata.tokenEndpointAuthMethod,
    grant_types: metadata.grantTypes,
    response_types: ["code"],
    ...(metadata.scope ? { scope: metadata.scope } : {}),
    ...(metadata.clientUri ? { client_uri: metadata.clientUri } : {}),
  };
}
