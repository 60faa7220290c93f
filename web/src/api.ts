/** Origin of the API; empty means same origin (the Worker serves both the app and the API). */
export const API_ORIGIN: string = import.meta.env.VITE_API_ORIGIN ?? "";

export interface ApiError {
  code: string;
  message: string;
  /** Validation issues (`[{path, message}]`) or other structured, safe details (e.g. `{field}` on a conflict). */
  details?: unknown;
  request_id?: string;
  /** Seconds from the `Retry-After` header, on 429/503 answers that carry one. */
  retry_after?: number;
}

export type Envelope<T> = { success: true; data: T } | { success: false; error: ApiError };

/**
 * Calls the API with the session cookie and returns its envelope. Never throws: a network failure or a
 * response that is not an envelope (e.g. a proxy's HTML error page) becomes an error envelope too.
 */
export async function api<T>(path: string, init: RequestInit = {}): Promise<Envelope<T>> {
  const headers = new Headers(init.headers);
  headers.set("accept", "application/json");
  if (init.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  let response: Response;
  try {
    response = await fetch(`${API_ORIGIN}${path}`, { ...init, headers, credentials: "include" });
  } catch {
    return { success: false, error: { code: "network_error", message: "Could not reach the server. Try again." } };
  }
  let body: Envelope<T>;
  try {
    body = (await response.json()) as Envelope<T>;
  } catch {
    return {
      success: false,
      error: { code: "invalid_response", message: `Unexpected answer from the server (HTTP ${response.status}).` },
    };
  }
  if (body.success === false) {
    const retryAfter = Number(response.headers.get("retry-after"));
    if (Number.isFinite(retryAfter) && retryAfter > 0) body.error.retry_after = retryAfter;
  }
  return body;
}

/** Sends a JSON body with `method` (POST by default). */
export function apiJson<T>(path: string, body: unknown, method = "POST"): Promise<Envelope<T>> {
  return api<T>(path, { method, body: JSON.stringify(body) });
}

/** Where the browser goes to sign in (a full-page redirect flow, never an XHR). */
export function signInUrl(provider = "authkit", returnTo = window.location.pathname): string {
  const params = new URLSearchParams({ provider, return_to: returnTo });
  return `${API_ORIGIN}/api/auth/authorize?${params}`;
}
