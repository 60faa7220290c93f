import { api, type Envelope } from "../api";

/** An app the user authorized through our OAuth server (`GET /api/oauth/grants`, SPEC §8). */
export interface AuthorizedApp {
  id: string;
  client_id: string;
  client_name: string;
  client_kind: "dcr" | "cimd" | "confidential" | null;
  scopes: string[];
  resource: string;
  created_at: number;
  last_used_at: number | null;
}

export function listAuthorizedApps(): Promise<Envelope<AuthorizedApp[]>> {
  return api<AuthorizedApp[]>("/api/oauth/grants");
}

export function revokeAuthorizedApp(id: string): Promise<Envelope<{ id: string; revoked: boolean }>> {
  return api(`/api/oauth/grants/${encodeURIComponent(id)}`, { method: "DELETE" });
}

/** The scopes in the same plain words as the consent page (src/oauth-server/scopes.ts). */
export const SCOPE_TEXT: Record<string, string> = {
  "workflows:read": "See your workflows and the status of their runs",
  "workflows:execute": "Run your workflows",
  "agents:read": "See your agents",
  "agents:execute": "Run your agents",
  "connections:use": "Use the tools of your connected apps",
  offline_access: "Stay connected when you are not using it",
};
