import { api, type Envelope } from "./api";
import type { RouteData } from "./rpc";

/** The signed-in user (`GET /api/auth/me`), typed from the Worker's routes. */
export type Me = RouteData<"/api/auth/me", "$get">;

/** The current session, or `null` when signed out (an `unauthenticated` answer is not an error here). */
export async function loadMe(): Promise<Envelope<Me | null>> {
  const body = await api<Me>("/api/auth/me");
  if (!body.success && body.error.code === "unauthenticated") return { success: true as const, data: null };
  return body;
}

/** Signs out this session, or every session of the user; follows the identity provider's logout URL if any. */
export async function signOut(everywhere: boolean): Promise<string | null> {
  const body = await api<RouteData<"/api/auth/logout", "$post">>(
    everywhere ? "/api/auth/sessions/revoke-all" : "/api/auth/logout",
    { method: "POST" },
  );
  if (!body.success) return body.error.message;
  if (body.data.logout_url) window.location.assign(body.data.logout_url);
  return null;
}
