import type { CredentialContext } from "../connections/credentials";
import { checkOutboundUrl } from "../outbound/url-policy";

/**
 * Where to revoke a custom OAuth app's grant when its settings name no `revocation_url`: the
 * `revocation_endpoint` of the authorization server's metadata (RFC 8414 §2; OpenID Connect Discovery 1.0
 * §3 publishes the same member), found from the connection's authorization URL. The issuer is not stored,
 * so the candidates are the authorization URL's origin and its parent paths; a metadata document counts only
 * if its `issuer` is the candidate it was fetched for (RFC 8414 §3.3) and its `authorization_endpoint` is the
 * connection's own — so a document elsewhere on the host cannot redirect the revocation (and the tokens).
 */
const MAX_ISSUER_CANDIDATES = 3;
const DISCOVERY_TIMEOUT_MS = 3_000;

export interface MetadataLocation {
  issuer: string;
  url: string;
}

/**
 * The metadata documents to try, most specific issuer first: for each candidate issuer, RFC 8414 §3.1's
 * `/.well-known/oauth-authorization-server` inserted before the issuer's path, then OpenID Connect Discovery
 * §4's `{issuer}/.well-known/openid-configuration`. Pure.
 */
export function metadataLocations(authorizationUrl: string): MetadataLocation[] {
  let url: URL;
  try {
    url = new URL(authorizationUrl);
  } catch {
    return [];
  }
  // The last segment is the endpoint itself; the issuer is the origin or one of the parent paths.
  const segments = url.pathname.split("/").filter(Boolean).slice(0, -1);
  const paths: string[] = [];
  for (let length = segments.length; length >= 0 && paths.length < MAX_ISSUER_CANDIDATES; length--) {
    paths.push(length === 0 ? "" : `/${segments.slice(0, length).join("/")}`);
  }
  if (!paths.includes("")) paths.push("");
  return paths.flatMap((path) => {
    const issuer = `${url.origin}${path}`;
    return [
      { issuer, url: `${url.origin}/.well-known/oauth-authorization-server${path}` },
      { issuer, url: `${issuer}/.well-known/openid-configuration` },
    ];
  });
}

/** The revocation endpoint a metadata document announces for this issuer and authorization URL, or null. Pure. */
export function revocationEndpointOf(
  metadata: unknown,
  location: MetadataLocation,
  authorizationUrl: string,
): string | null {
  if (!metadata || typeof metadata !== "object") return null;
  const doc = metadata as Record<string, unknown>;
  if (doc.issuer !== location.issuer) return null;
  if (typeof doc.authorization_endpoint !== "string" || !sameEndpoint(doc.authorization_endpoint, authorizationUrl))
    return null;
  return typeof doc.revocation_endpoint === "string" ? doc.revocation_endpoint : null;
}

function sameEndpoint(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)];
    return x.origin === y.origin && x.pathname === y.pathname;
  } catch {
    return false;
  }
}

/** Fetches the candidate metadata documents (SSRF-checked, bounded) and returns the first revocation endpoint. */
export async function discoverRevocationEndpoint(
  context: CredentialContext,
  authorizationUrl: string,
): Promise<string | null> {
  const deadline = AbortSignal.timeout(DISCOVERY_TIMEOUT_MS);
  for (const location of metadataLocations(authorizationUrl)) {
    const target = checkOutboundUrl(location.url, { allowInsecure: context.config.allowInsecureTargets });
    if (!target.ok) continue;
    try {
      const response = await fetch(target.url, {
        headers: { accept: "application/json" },
        redirect: "manual",
        signal: deadline,
      });
      if (!response.ok) {
        await response.body?.cancel();
        continue;
      }
      const endpoint = revocationEndpointOf(await response.json().catch(() => null), location, authorizationUrl);
      if (endpoint) return endpoint;
    } catch {
      if (deadline.aborted) return null;
    }
  }
  return null;
}
