import type { Database } from "../db/client";
import type { OAuthClientRow } from "../db/schema";
import { fetchClientMetadataDocument, looksLikeClientIdMetadataUrl } from "./client-metadata-document";
import { findClient, findClientAnyState, upsertMetadataDocumentClient } from "./store";

/**
 * Resolves a `client_id` to a client: a registered one (DCR or admin-managed) from D1, or a Client ID
 * Metadata Document (an https `client_id`), fetched when its cached copy has expired (HTTP caching
 * headers) and stored as a `cimd` row.
 */
export type ClientResolution = { ok: true; client: OAuthClientRow } | { ok: false; message: string };

export async function resolveClient(
  db: Database,
  clientId: string,
  options: { now: number; fetch?: typeof fetch },
): Promise<ClientResolution> {
  if (clientId === "" || clientId.length > 2000)
    return { ok: false, message: "The client_id is missing or malformed." };
  if (!looksLikeClientIdMetadataUrl(clientId)) {
    const client = await findClient(db, clientId);
    return client ? { ok: true, client } : { ok: false, message: "This app is not registered with this server." };
  }
  const cached = await findClientAnyState(db, clientId);
  if (cached && cached.kind !== "cimd") {
    return cached.revokedAt === null
      ? { ok: true, client: cached }
      : { ok: false, message: "This app has been disabled." };
  }
  if (cached?.revokedAt != null) return { ok: false, message: "This app has been disabled by an administrator." };
  if (cached && (cached.metadataExpiresAt ?? 0) > options.now) return { ok: true, client: cached };
  const fetched = await fetchClientMetadataDocument(clientId, { fetch: options.fetch, now: () => options.now });
  if (!fetched.ok) return { ok: false, message: `This app's metadata could not be used: ${fetched.message}.` };
  const row = {
    id: clientId,
    clientName: fetched.document.clientName,
    redirectUris: fetched.document.redirectUris,
    grantTypes: fetched.document.grantTypes,
    clientUri: fetched.document.clientUri,
    metadataExpiresAt: options.now + fetched.cacheSeconds * 1000,
  };
  await upsertMetadataDocumentClient(db, row);
  const stored = await findClient(db, clientId);
  return stored ? { ok: true, client: stored } : { ok: false, message: "This app could not be stored." };
}

/** Whether the client registered the refresh_token grant (RFC 7591 §2 `grant_types`). */
export function clientMayRefresh(client: OAuthClientRow): boolean {
  return client.grantTypes.includes("refresh_token");
}
