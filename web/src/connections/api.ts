import { api, apiJson } from "../api";
import type { Connection, ConnectionHealth, ConnectionInput, Provider, TestResult } from "./types";

const path = (id: string) => `/api/connections/${encodeURIComponent(id)}`;

export const listProviders = () => api<Provider[]>("/api/providers");

export const listConnections = () => api<Connection[]>("/api/connections");

export const createConnection = (input: ConnectionInput) => apiJson<Connection>("/api/connections", input);

/** Runs the verification request for an unsaved connection (the same body, minus `name`). */
export function testDraft(input: ConnectionInput) {
  const { name: _name, ...body } = input;
  return apiJson<TestResult>("/api/connections/test", body);
}

export const testConnection = (id: string) => api<TestResult>(`${path(id)}/test`, { method: "POST" });

export const connectionStatus = (id: string) => api<ConnectionHealth>(`${path(id)}/status`);

export const deleteConnection = (id: string) => api<{ id: string; deleted: boolean }>(path(id), { method: "DELETE" });

/** The provider's authorization URL for a new connection (`name`) or an existing one (`connectionId`). */
export function authorizeUrl(provider: string, options: { connectionId?: string; name?: string } = {}) {
  const query = new URLSearchParams();
  if (options.connectionId) query.set("connection_id", options.connectionId);
  if (options.name) query.set("name", options.name);
  const search = query.size > 0 ? `?${query}` : "";
  return api<{ authUrl: string }>(`/api/oauth/${encodeURIComponent(provider)}/authorize${search}`);
}
