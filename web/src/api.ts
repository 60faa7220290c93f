/** Origin of the API; empty means same origin (the Worker serves both the app and the API). */
export const API_ORIGIN: string = import.meta.env.VITE_API_ORIGIN ?? "";

export type Envelope<T> =
  | { success: true; data: T }
  | { success: false; error: { code: string; message: string; request_id?: string } };

/** Calls the API with the session cookie and returns its envelope. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<Envelope<T>> {
  const headers = new Headers(init.headers);
  headers.set("accept", "application/json");
  if (init.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  const response = await fetch(`${API_ORIGIN}${path}`, { ...init, headers, credentials: "include" });
  return (await response.json()) as Envelope<T>;
}

/** Where the browser goes to sign in (a full-page redirect flow, never an XHR). */
export function signInUrl(provider = "authkit", returnTo = window.location.pathname): string {
  const params = new URLSearchParams({ provider, return_to: returnTo });
  return `${API_ORIGIN}/api/auth/authorize?${params}`;
}
