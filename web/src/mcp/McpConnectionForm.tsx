import { type FormEvent, useEffect, useId, useState } from "react";
import { describeError } from "../connections/format";
import type { OAuthRequest } from "../connections/useOAuthPopup";
import { createMcpConnection, discoverMcpServer, listMcpProviders } from "./api";
import { McpToolList } from "./McpToolList";
import type { McpAuthType, McpConnection, McpCredentials, McpDiscovery, McpProvider } from "./types";

const AUTH_LABELS: Record<McpAuthType, string> = {
  none: "No authentication",
  bearer: "Bearer token",
  api_key: "API key header",
  basic: "Username and password",
  oauth2: "OAuth (sign in with the server)",
};

interface Props {
  /** Called with the saved connection (for OAuth servers: before authorization). */
  onCreated: (connection: McpConnection) => void;
  /** Starts the OAuth popup (the connections panel's `useOAuthPopup().start`). */
  connect: (request: OAuthRequest) => void;
}

/**
 * Adds an MCP connection: a known server from the registry or any URL, its auth type and credential, a
 * "Discover" preview of the server's tools before saving, then Save (OAuth servers open the sign-in popup).
 */
export function McpConnectionForm({ onCreated, connect }: Props) {
  const id = useId();
  const [providers, setProviders] = useState<McpProvider[]>([]);
  const [providerId, setProviderId] = useState("custom_mcp");
  const [name, setName] = useState("");
  const [serverUrl, setServerUrl] = useState("");
  const [credentials, setCredentials] = useState<McpCredentials>({ auth_type: "none" });
  const [preview, setPreview] = useState<McpDiscovery | null>(null);
  const [busy, setBusy] = useState<"discover" | "save" | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void listMcpProviders().then((body) => {
      if (body.success) setProviders(body.data);
    });
  }, []);

  const provider = providers.find((entry) => entry.id === providerId);
  const authTypes: McpAuthType[] = provider?.auth_types ?? ["none", "bearer", "api_key", "basic", "oauth2"];

  const chooseProvider = (next: string) => {
    const entry = providers.find((candidate) => candidate.id === next);
    setProviderId(next);
    setPreview(null);
    if (entry?.default_server_url) setServerUrl(entry.default_server_url);
    if (entry) setName((current) => current || entry.name);
    const authType = entry?.auth_types[0] ?? "none";
    setCredentials({
      auth_type: authType,
      ...(authType === "api_key" && entry?.api_key_header ? { header_name: entry.api_key_header } : {}),
    });
  };

  const set = (field: keyof McpCredentials) => (value: string) =>
    setCredentials((current) => ({ ...current, [field]: value }));

  const discover = async () => {
    setBusy("discover");
    setError(null);
    const body = await discoverMcpServer(serverUrl, credentials);
    setBusy(null);
    if (body.success) setPreview(body.data);
    else {
      setPreview(null);
      setError(describeError(body.error));
    }
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy("save");
    setError(null);
    const body = await createMcpConnection({ name: name.trim(), provider: providerId, serverUrl, credentials });
    setBusy(null);
    if (!body.success) {
      setError(describeError(body.error));
      return;
    }
    onCreated(body.data);
    if (credentials.auth_type === "oauth2")
      connect({ provider: "mcp", label: body.data.name, connectionId: body.data.id });
  };

  return (
    <form className="connection-form" onSubmit={save} noValidate data-testid="mcp-form">
      <div className="field">
        <label htmlFor={`${id}-provider`}>MCP server</label>
        <select id={`${id}-provider`} value={providerId} onChange={(event) => chooseProvider(event.target.value)}>
          {(providers.length ? providers : [{ id: "custom_mcp", name: "Custom MCP server" } as McpProvider]).map(
            (entry) => (
              <option key={entry.id} value={entry.id}>
                {entry.name}
              </option>
            ),
          )}
        </select>
        {provider?.credential_hint ? <span className="hint">{provider.credential_hint}</span> : null}
      </div>
      <TextField id={`${id}-name`} label="Name" value={name} onChange={setName} />
      <TextField
        id={`${id}-url`}
        label="Server URL"
        value={serverUrl}
        onChange={(value) => {
          setServerUrl(value);
          setPreview(null);
        }}
        placeholder="https://mcp.example.com/mcp"
      />
      <fieldset className="methods">
        <legend>Authentication</legend>
        {authTypes.map((type) => (
          <label key={type} className="choice">
            <input
              type="radio"
              name={`${id}-auth`}
              checked={credentials.auth_type === type}
              onChange={() => setCredentials({ auth_type: type })}
            />
            {AUTH_LABELS[type]}
          </label>
        ))}
      </fieldset>
      {credentials.auth_type === "bearer" ? (
        <TextField
          id={`${id}-token`}
          label="Token"
          type="password"
          value={credentials.token ?? ""}
          onChange={set("token")}
        />
      ) : null}
      {credentials.auth_type === "api_key" ? (
        <>
          <TextField
            id={`${id}-key`}
            label="API key"
            type="password"
            value={credentials.api_key ?? ""}
            onChange={set("api_key")}
          />
          <TextField
            id={`${id}-header`}
            label="Header name"
            value={credentials.header_name ?? ""}
            onChange={set("header_name")}
            placeholder="X-API-Key"
          />
        </>
      ) : null}
      {credentials.auth_type === "basic" ? (
        <>
          <TextField id={`${id}-user`} label="Username" value={credentials.username ?? ""} onChange={set("username")} />
          <TextField
            id={`${id}-password`}
            label="Password"
            type="password"
            value={credentials.password ?? ""}
            onChange={set("password")}
          />
        </>
      ) : null}
      {credentials.auth_type === "oauth2" ? (
        <p className="muted">
          After saving, a window opens to sign in with the server; its tools are listed once you approve.
        </p>
      ) : null}
      {error ? (
        <div role="alert" className="form-error" data-testid="mcp-form-error">
          {error}
        </div>
      ) : null}
      {preview ? (
        <section aria-label="Discovered tools" data-testid="mcp-preview">
          <p className="muted">
            {preview.server.name} {preview.server.version} · {preview.transport} · protocol {preview.protocol_version} ·{" "}
            {preview.tools.length} tools
          </p>
          <McpToolList tools={preview.tools} />
        </section>
      ) : null}
      <p className="actions">
        {credentials.auth_type !== "oauth2" ? (
          <button type="button" className="secondary" onClick={discover} disabled={busy !== null || !serverUrl}>
            {busy === "discover" ? "Discovering…" : "Discover tools"}
          </button>
        ) : null}
        <button type="submit" disabled={busy !== null || !serverUrl || !name.trim()}>
          {busy === "save" ? "Saving…" : credentials.auth_type === "oauth2" ? "Save and connect" : "Save"}
        </button>
      </p>
    </form>
  );
}

function TextField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: string;
  placeholder?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={props.type ?? "text"}
        value={props.value}
        placeholder={props.placeholder}
        autoComplete={props.type === "password" ? "off" : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </div>
  );
}
