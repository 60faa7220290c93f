import { api } from "../api";
import type { Connection } from "../connections/types";

/** `GET /api/paragon/token` (src/paragon/routes.ts). */
export interface ParagonSession {
  token: string;
  /** Milliseconds since the epoch. */
  expires_at: number;
  project_id: string;
  /** Paragon's case-sensitive `Name`/`Email`, passed to `paragon.authenticate`. */
  metadata: { Name?: string; Email?: string };
}

export const fetchParagonSession = () => api<ParagonSession>("/api/paragon/token");

/** The signed-in user's Paragon connections (created by Paragon's webhook when they connect an account). */
export const listParagonConnections = () => api<Connection[]>("/api/connections?connection_method=paragon");
