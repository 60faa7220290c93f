import { encodeBasic } from "../outbound/http-auth";

/** How a client authenticates to the token, revocation and introspection endpoints (RFC 6749 §2.3.1). */
export type ClientAuthMethod = "client_secret_basic" | "client_secret_post" | "none";

export interface ClientCredentials {
  clientId: string;
  clientSecret: string | undefined;
  method: ClientAuthMethod;
}

/**
 * RFC 6749 §2.3.1 / Appendix B: in `client_secret_basic` the client id and secret are each encoded with
 * `application/x-www-form-urlencoded` (HTML 4.01 §17.13.4.1: space → "+", every other non-alphanumeric
 * character → `%HH`) before being joined by ":" and base64-encoded (RFC 7617). `encodeURIComponent` alone
 * is not that: it writes a space as `%20` and leaves `-_.!~*'()` as they are, so a server decoding per the
 * RFC would see another secret. The same rule as oauth4webapi's `formUrlEncode`.
 */
export function formEncodeCredential(value: string): string {
  return encodeURIComponent(value).replace(/[-_.!~*'()]|%20/g, (match) =>
    match === "%20" ? "+" : `%${match.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Adds client authentication to a request for the token endpoint (RFC 6749 §3.2.1), the revocation
 * endpoint (RFC 7009 §2.1) or the introspection endpoint (RFC 7662 §2.1) — one rule for all three:
 * `client_secret_basic` puts the form-encoded credentials in `Authorization: Basic`; `client_secret_post`
 * (or a public client, or a client without a secret) sends `client_id` (and `client_secret`) in the body.
 */
export function applyClientAuthentication(client: ClientCredentials, headers: Headers, body: URLSearchParams): void {
  if (client.method === "client_secret_basic" && client.clientSecret) {
    const encoded = encodeBasic(formEncodeCredential(client.clientId), formEncodeCredential(client.clientSecret));
    headers.set("authorization", `Basic ${encoded}`);
    return;
  }
  body.set("client_id", client.clientId);
  if (client.method !== "none" && client.clientSecret) body.set("client_secret", client.clientSecret);
}
