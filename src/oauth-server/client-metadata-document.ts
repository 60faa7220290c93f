import * as z from "zod";
import { checkOutboundUrl } from "../outbound/url-policy";
import { checkRedirectUriForRegistration } from "./redirect-uri";
import { describeRedirectUriRefusal } from "./registration";

/**
 * OAuth Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, "CIMD"; the MCP
 * authorization spec 2025-11-25 and 2026-07-28 prefer it to DCR): the `client_id` is an https URL and
 * the client's metadata is the JSON document served there.
 *
 * Threats handled here: the URL is attacker-chosen, so it goes through the SSRF policy (no private or
 * loopback targets, https only), redirects are not followed (the document's identity is its URL), the
 * body is bounded in bytes and time, and the document must name itself (`client_id` equal to the URL)
 * so one site cannot impersonate another's client. A CIMD client is public: shared secrets make no
 * sense for a document anyone can read (draft §4.1).
 */

/** Real documents (claude.ai) exceed 5 KB; a 5 KB cap broke other servers. 64 KiB is ample and bounded. */
export const MAX_CLIENT_METADATA_DOCUMENT_BYTES = 64 * 1024;
export const CLIENT_METADATA_FETCH_TIMEOUT_MS = 5_000;
/** Without caching headers we keep a document 5 minutes; never longer than a day whatever it says. */
export const DEFAULT_CLIENT_METADATA_CACHE_SECONDS = 300;
export const MAX_CLIENT_METADATA_CACHE_SECONDS = 24 * 60 * 60;
const MAX_CLIENT_ID_URL_LENGTH = 2000;

export type ClientIdUrlRefusal =
  | "not_a_url"
  | "not_https"
  | "missing_path"
  | "dot_segment"
  | "fragment"
  | "credentials"
  | "too_long";

/** True when a `client_id` is meant as a metadata document URL (draft §3: an https URL). */
export function looksLikeClientIdMetadataUrl(clientId: string): boolean {
  return clientId.startsWith("https://");
}

/**
 * Checks the shape of a CIMD `client_id` (draft §3): https, a path component other than `/`, no
 * single- or double-dot path segments, no fragment, no userinfo.
 */
export function checkClientIdMetadataUrl(
  clientId: string,
): { ok: true; url: URL } | { ok: false; reason: ClientIdUrlRefusal } {
  if (clientId.length > MAX_CLIENT_ID_URL_LENGTH) return { ok: false, reason: "too_long" };
  if (!URL.canParse(clientId)) return { ok: false, reason: "not_a_url" };
  const url = new URL(clientId);
  if (url.protocol !== "https:" || !clientId.startsWith("https://")) return { ok: false, reason: "not_https" };
  if (clientId.includes("#")) return { ok: false, reason: "fragment" };
  if (url.username !== "" || url.password !== "" || /^https:\/\/[^/?]*@/.test(clientId)) {
    return { ok: false, reason: "credentials" };
  }
  // Check the raw path: the parser already resolved "/a/../b" to "/b", hiding the dot segment.
  const afterScheme = clientId.slice("https://".length);
  const pathStart = afterScheme.search(/[/?]/);
  const rawPath = pathStart < 0 ? "" : (afterScheme.slice(pathStart).split("?", 1)[0] ?? "");
  if (rawPath.split("/").some((segment) => /^(\.|%2e){1,2}$/i.test(segment)))
    return { ok: false, reason: "dot_segment" };
  if (url.pathname === "/" || url.pathname === "") return { ok: false, reason: "missing_path" };
  return { ok: true, url };
}

const documentSchema = z.object({
  client_id: z.string(),
  client_name: z.string().trim().min(1).max(200),
  redirect_uris: z.array(z.string()).min(1).max(20),
  token_endpoint_auth_method: z.string().optional(),
  grant_types: z.array(z.string()).optional(),
  response_types: z.array(z.string()).optional(),
  client_uri: z.string().optional(),
  scope: z.string().optional(),
});

export interface ClientMetadataDocument {
  clientId: string;
  clientName: string;
  redirectUris: string[];
  grantTypes: Array<"authorization_code" | "refresh_token">;
  clientUri: string | null;
}

export type DocumentCheck = { ok: true; document: ClientMetadataDocument } | { ok: false; message: string };

/**
 * Validates a fetched document against the URL it came from (draft §4): `client_id` must be exactly
 * that URL (string comparison, §4.1), `client_name` and `redirect_uris` present, every redirect URI
 * acceptable by our registration rules, no shared-secret authentication methods (§4.1).
 */
export function validateClientMetadataDocument(clientIdUrl: string, body: unknown): DocumentCheck {
  const parsed = documentSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      message: `the document's ${String(issue?.path[0] ?? "body")} ${issue?.message ?? "is invalid"}`,
    };
  }
  const doc = parsed.data;
  if (doc.client_id !== clientIdUrl)
    return { ok: false, message: "the document's client_id is not the URL it was fetched from" };
  const method = doc.token_endpoint_auth_method ?? "none";
  if (method !== "none") {
    return {
      ok: false,
      message: `token_endpoint_auth_method "${method.slice(0, 40)}" is not supported for metadata documents; use "none"`,
    };
  }
  if (doc.response_types?.some((type) => type !== "code")) {
    return { ok: false, message: 'response_types must be ["code"]' };
  }
  const grantTypes = doc.grant_types ?? ["authorization_code"];
  if (
    !grantTypes.includes("authorization_code") ||
    grantTypes.some((g) => g !== "authorization_code" && g !== "refresh_token")
  ) {
    return { ok: false, message: "grant_types must include authorization_code and only refresh_token besides" };
  }
  for (const uri of doc.redirect_uris) {
    const check = checkRedirectUriForRegistration(uri);
    if (!check.ok)
      return {
        ok: false,
        message: `redirect URI ${JSON.stringify(uri.slice(0, 200))} ${describeRedirectUriRefusal(check.reason)}`,
      };
  }
  const clientUri =
    doc.client_uri && URL.canParse(doc.client_uri) && doc.client_uri.startsWith("https://") ? doc.client_uri : null;
  return {
    ok: true,
    document: {
      clientId: doc.client_id,
      clientName: doc.client_name,
      redirectUris: [...new Set(doc.redirect_uris)],
      grantTypes: [...new Set(grantTypes)] as ClientMetadataDocument["grantTypes"],
      clientUri,
    },
  };
}

/**
 * How long a fetched document may be reused, from its HTTP caching headers (RFC 9111 §4.2.1 for a
 * private cache: `max-age`, else `Expires` − `Date`; `no-store` and `no-cache` mean do not reuse),
 * defaulting to {@link DEFAULT_CLIENT_METADATA_CACHE_SECONDS} and capped at a day.
 */
export function clientMetadataCacheSeconds(headers: Headers, nowMs: number): number {
  const cacheControl = (headers.get("cache-control") ?? "").toLowerCase();
  const directives = new Map(
    cacheControl
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name = "", value = ""] = part.split("=", 2);
        return [name.trim(), value.trim().replace(/^"|"$/g, "")] as const;
      }),
  );
  if (directives.has("no-store") || directives.has("no-cache")) return 0;
  const maxAge = directives.get("max-age");
  if (maxAge !== undefined) {
    return /^\d+$/.test(maxAge) ? Math.min(Number(maxAge), MAX_CLIENT_METADATA_CACHE_SECONDS) : 0;
  }
  const expires = headers.get("expires");
  if (expires !== null) {
    const expiresMs = Date.parse(expires);
    if (Number.isNaN(expiresMs)) return 0; // RFC 9111 §5.3: an invalid Expires means already expired
    const dateMs = Date.parse(headers.get("date") ?? "");
    const base = Number.isNaN(dateMs) ? nowMs : dateMs;
    return Math.max(0, Math.min(Math.floor((expiresMs - base) / 1000), MAX_CLIENT_METADATA_CACHE_SECONDS));
  }
  return DEFAULT_CLIENT_METADATA_CACHE_SECONDS;
}

export type ClientMetadataFetch =
  | { ok: true; document: ClientMetadataDocument; cacheSeconds: number }
  | { ok: false; message: string };

export interface FetchClientMetadataOptions {
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
  maxBytes?: number;
}

/**
 * Fetches and validates the metadata document at `clientId` (draft §4) with the product's SSRF
 * policy (always strict: a client id is public, it is never a development upstream), no redirects,
 * a byte bound and a time bound. Never throws; the message is safe to show on the error page.
 */
export async function fetchClientMetadataDocument(
  clientId: string,
  options: FetchClientMetadataOptions = {},
): Promise<ClientMetadataFetch> {
  const shape = checkClientIdMetadataUrl(clientId);
  if (!shape.ok) return { ok: false, message: `the client_id URL is not acceptable (${shape.reason})` };
  const target = checkOutboundUrl(shape.url, { allowInsecure: false });
  if (!target.ok) return { ok: false, message: "the client_id URL does not point at a public https address" };
  const doFetch = options.fetch ?? fetch;
  const maxBytes = options.maxBytes ?? MAX_CLIENT_METADATA_DOCUMENT_BYTES;
  const timeoutMs = options.timeoutMs ?? CLIENT_METADATA_FETCH_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await doFetch(target.url, {
      headers: { accept: "application/json" },
      redirect: "manual",
      signal,
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return { ok: false, message: `the client's metadata document answered HTTP ${response.status}` };
    }
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (declared > maxBytes) {
      await response.body?.cancel();
      return { ok: false, message: `the client's metadata document is larger than ${maxBytes} bytes` };
    }
    const text = await readBounded(response, maxBytes, signal);
    if (text === null) return { ok: false, message: `the client's metadata document is larger than ${maxBytes} bytes` };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, message: "the client's metadata document is not JSON" };
    }
    const checked = validateClientMetadataDocument(clientId, body);
    if (!checked.ok) return checked;
    const now = options.now?.() ?? Date.now();
    return { ok: true, document: checked.document, cacheSeconds: clientMetadataCacheSeconds(response.headers, now) };
  } catch (error) {
    const timedOut = signal.aborted || (error instanceof DOMException && error.name === "TimeoutError");
    return {
      ok: false,
      message: timedOut
        ? `the client's metadata document did not arrive within ${timeoutMs} ms`
        : "the client's metadata document could not be fetched",
    };
  }
}

/** Reads at most `maxBytes` of the body; null when there is more (the rest is cancelled, not read). */
async function readBounded(response: Response, maxBytes: number, signal: AbortSignal): Promise<string | null> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    if (signal.aborted) {
      await reader.cancel();
      throw new DOMException("timed out", "TimeoutError");
    }
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
