import { sha256Hex, timingSafeEqualStrings } from "../crypto";
import type { Database } from "../db/client";
import type { OAuthClientRow } from "../db/schema";
import { OAuthError } from "../platform/oauth-error";
import { findClient } from "./store";
import { BASIC_CHALLENGE } from "./wire";

/**
 * Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3, §3.2.1;
 * OAuth 2.1 §2.4). A client uses exactly the method it registered: `client_secret_basic` (RFC 6749
 * §2.3.1, credentials form-urlencoded then base64), `client_secret_post`, or `none` (a public client
 * identified by `client_id` only, protected by PKCE and redirect URI binding instead). Every failure is
 * `invalid_client` (401) on the wire; the precise reason stays in the logs.
 */
export interface PresentedClientCredentials {
  clientId: string;
  secret: string | null;
  method: "client_secret_basic" | "client_secret_post" | "none";
}

/** Reads the credentials from the request (RFC 6749 §2.3.1: MUST NOT use more than one method). */
export function presentedClientCredentials(
  authorization: string | undefined,
  body: URLSearchParams,
): PresentedClientCredentials {
  const bodyId = body.get("client_id");
  const bodySecret = body.get("client_secret");
  if (authorization?.toLowerCase().startsWith("basic ")) {
    if (bodySecret !== null) throw invalidClient("two client authentication methods", true);
    const decoded = decodeBasic(authorization.slice(6).trim());
    if (!decoded || (bodyId !== null && bodyId !== decoded.clientId))
      throw invalidClient("malformed basic credentials", true);
    return { clientId: decoded.clientId, secret: decoded.secret, method: "client_secret_basic" };
  }
  if (!bodyId)
    throw new OAuthError("invalid_request", { description: "client_id is required", reason: "no_client_id" });
  return bodySecret === null
    ? { clientId: bodyId, secret: null, method: "none" }
    : { clientId: bodyId, secret: bodySecret, method: "client_secret_post" };
}

function decodeBasic(value: string): { clientId: string; secret: string } | null {
  let text: string;
  try {
    text = atob(value);
  } catch {
    return null;
  }
  const colon = text.indexOf(":");
  if (colon < 1) return null;
  try {
    const formDecode = (part: string) => decodeURIComponent(part.replace(/\+/g, " "));
    return { clientId: formDecode(text.slice(0, colon)), secret: formDecode(text.slice(colon + 1)) };
  } catch {
    return null;
  }
}

function invalidClient(reason: string, basic: boolean): OAuthError {
  return new OAuthError("invalid_client", {
    description: "Client authentication failed",
    reason,
    ...(basic ? { wwwAuthenticate: BASIC_CHALLENGE } : {}),
  });
}

/**
 * Authenticates the presented credentials against the registered client. `resolved` is the client when
 * the caller already loaded it (e.g. a CIMD client resolved by URL); otherwise it is read from D1.
 */
export async function authenticateClient(
  db: Database,
  presented: PresentedClientCredentials,
  resolved?: OAuthClientRow | null,
): Promise<OAuthClientRow> {
  const basic = presented.method === "client_secret_basic";
  // `null` means the caller looked and found nothing (e.g. a CIMD document that failed): do not look again.
  const client = resolved === undefined ? await findClient(db, presented.clientId) : resolved;
  if (!client) throw invalidClient("unknown_client", basic);
  if (client.tokenEndpointAuthMethod !== presented.method) throw invalidClient("auth_method_mismatch", basic);
  if (presented.method === "none") return client;
  if (!client.clientSecretHash || presented.secret === null) throw invalidClient("no_secret", basic);
  const ok = await timingSafeEqualStrings(await sha256Hex(presented.secret), client.clientSecretHash);
  if (!ok) throw invalidClient("wrong_secret", basic);
  return client;
}
