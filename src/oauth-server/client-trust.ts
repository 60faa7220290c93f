/**
 * What the consent page must tell the user about who is asking (RFC 9700 §4.1.x "consent phishing";
 * RFC 7591 §5 "metadata is self-asserted"; CIMD draft §6 "display the hostname"). Pure.
 */
export type ClientKind = "dcr" | "cimd" | "confidential";

export interface ClientTrustInput {
  kind: ClientKind;
  /** For CIMD clients, the client_id URL. */
  clientId: string;
  redirectUris: readonly string[];
  /** Hostnames whose CIMD documents the operator vouches for (setting `OAUTH_TRUSTED_CLIENT_HOSTS`). */
  trustedHosts: ReadonlySet<string>;
}

export type ClientWarning = "self_asserted_name" | "unknown_metadata_host" | "localhost_only";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * Warnings to show next to the client's name:
 * - `self_asserted_name`: a dynamically registered client chose its own name; anyone could pick it;
 * - `unknown_metadata_host`: a CIMD client whose host the operator has not listed as trusted — the
 *   name is at least bound to that host, which the page shows;
 * - `localhost_only`: every redirect URI is on this computer, so any local program could be the
 *   client (CIMD draft §6.3).
 * Admin-managed confidential clients are vouched for by an administrator and get none of these.
 */
export function clientWarnings(input: ClientTrustInput): ClientWarning[] {
  if (input.kind === "confidential") return [];
  const warnings: ClientWarning[] = [];
  if (input.kind === "dcr") warnings.push("self_asserted_name");
  if (input.kind === "cimd" && !input.trustedHosts.has(new URL(input.clientId).hostname)) {
    warnings.push("unknown_metadata_host");
  }
  if (input.redirectUris.length > 0 && input.redirectUris.every((uri) => LOOPBACK_HOSTS.has(new URL(uri).hostname))) {
    warnings.push("localhost_only");
  }
  return warnings;
}

export const CLIENT_WARNING_TEXT: Record<ClientWarning, string> = {
  self_asserted_name:
    "This app registered itself and chose its own name. We have not verified who publishes it — continue only if you just started connecting it.",
  unknown_metadata_host: "This app is identified by its website, which is not on this server's list of known apps.",
  localhost_only:
    "This app receives the authorization on your own computer. Any program running on this computer could be asking.",
};
