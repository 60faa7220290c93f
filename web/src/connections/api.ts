import { call, client } from "../rpc";
import type { ConnectionInput, ConnectionUpdate } from "./types";

/** The connections API through the typed RPC client (see ../rpc.ts). */

const byId = (id: string) => ({ param: { id } });
const one = client.api.connections[":id"];

export const listProviders = () => call(client.api.providers.$get());

export const listConnections = () => call(client.api.connections.$get({ query: {} }));

export const getConnection = (id: string) => call(one.$get(byId(id)));

export const createConnection = (input: ConnectionInput) => call(client.api.connections.$post({ json: input }));

/** Partial update: rename, settings, or replacing secrets (`data` is merged over what is stored). */
export const updateConnection = (id: string, update: ConnectionUpdate) => call(one.$put({ ...byId(id), json: update }));

/** Runs the verification request for an unsaved connection (the same body, minus `name`). */
export function testDraft(input: ConnectionInput) {
  const { name: _name, organization_id: _organization, mcp_server_url: _mcp, ...body } = input;
  return call(client.api.connections.test.$post({ json: body }));
}

export const testConnection = (id: string) => call(one.test.$post(byId(id)));

export const connectionStatus = (id: string) => call(one.status.$get(byId(id)));

export const deleteConnection = (id: string) => call(one.$delete(byId(id)));

/** The provider's authorization URL for a new connection (`name`) or an existing one (`connectionId`). */
export function authorizeUrl(provider: string, options: { connectionId?: string; name?: string } = {}) {
  const query: Record<string, string> = {};
  if (options.connectionId) query.connection_id = options.connectionId;
  if (options.name) query.name = options.name;
  return call(client.api.oauth[":provider"].authorize.$get({ param: { provider }, query }));
}
