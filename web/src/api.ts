/** Origin of the API; empty means same origin (the Worker serves both the app and the API). */
export const API_ORIGIN: string = import.meta.env.VITE_API_ORIGIN ?? "";

export type Envelope<T> =
  | { success: true; data: T }
  | { success: false; error: { code: string; message: string; request_id?: string } };

/** Calls the API with the session cookie and returns its envelope. */
export async function apiGet<T>(path: string): Promise<Envelope<T>> {
  const response = await fetch(`${API_ORIGIN}${path}`, {
    credentials: "include",
    headers: { accept: "application/json" },
  });
  return (await response.json()) as Envelope<T>;
}
