import { call, client, type DataOf } from "../rpc";

/** Personal API keys (`/api/api-keys`, SPEC §5.4) through the typed RPC client. */

const keys = client.api["api-keys"];

export type ApiKey = DataOf<typeof keys.$get>[number];
export type CreatedApiKey = DataOf<typeof keys.$post>;
export type NewApiKeyBody = Parameters<typeof keys.$post>[0]["json"];

export const listApiKeys = () => call(keys.$get());
export const createApiKey = (body: NewApiKeyBody) => call(keys.$post({ json: body }));
export const revokeApiKey = (id: string) => call(keys[":id"].$delete({ param: { id } }));

/** The scopes a key may be limited to, as the create form offers them. */
export const SCOPE_CHOICES: Array<{ scope: NonNullable<NewApiKeyBody["scopes"]>[number]; label: string }> = [
  { scope: "account:read", label: "Read your account (who the key belongs to)" },
  { scope: "connections:read", label: "List connections and providers" },
  { scope: "connections:write", label: "Create, edit and delete connections" },
  { scope: "connections:use", label: "Call providers through connections (proxy, tests, webhooks)" },
  { scope: "workflows:read", label: "Read workflows and executions" },
  { scope: "workflows:execute", label: "Run workflows" },
];
