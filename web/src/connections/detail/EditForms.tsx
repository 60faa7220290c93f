import { type FormEvent, useId, useState } from "react";
import { FormError, TextInput } from "../form/controls";
import { type FormContext, formModeOf, secretControls, type TextControl, visibleControls } from "../form/fields";
import type { CatalogAuthMethod, Connection, Provider } from "../types";
import { useUpdate } from "./useUpdate";

interface EditProps {
  connection: Connection;
  provider: Provider;
  onUpdated: (connection: Connection) => void;
}

/** Renames the connection; a taken name is reported next to the field. */
export function RenameForm({ connection, onUpdated }: Omit<EditProps, "provider">) {
  const id = useId();
  const [name, setName] = useState(connection.name);
  const update = useUpdate(connection.id, onUpdated);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return update.markMissing({ name: "is required" });
    await update.submit({ name: name.trim() }, ["name"], `Renamed to “${name.trim()}”.`);
  };
  return (
    <form className="inline-form" onSubmit={onSubmit} noValidate data-testid="rename-form">
      <TextInput id={`${id}-name`} label="Name" value={name} onChange={setName} error={update.errors.name} required />
      {update.formError && <FormError message={update.formError} issues={[]} />}
      <button type="submit" disabled={update.busy || name.trim() === connection.name}>
        {update.busy ? "Renaming…" : "Rename"}
      </button>
    </form>
  );
}

const isCatalogMethod = (method: Connection["connection_method"]): method is CatalogAuthMethod =>
  method !== "mcp" && method !== "paragon";

/** The non-secret data controls of the connection's method (username, header name, client id, …). */
function settingControls(connection: Connection, provider: Provider, values: Record<string, string>): TextControl[] {
  if (!isCatalogMethod(connection.connection_method)) return [];
  const mode = formModeOf(connection.connection_method, provider);
  const context: FormContext = { provider, mode, values };
  return visibleControls(context).filter(
    (control): control is TextControl =>
      (control.kind === "text" || control.kind === "url") &&
      control.path.startsWith("data.") &&
      control.key !== "scopes",
  );
}

/** Edits what is not secret: base URL, timeout, retries, verification path and the method's own settings. */
export function SettingsForm({ connection, provider, onUpdated }: EditProps) {
  const id = useId();
  const settings = (connection.settings ?? {}) as Record<string, unknown>;
  const [values, setValues] = useState<Record<string, string>>(() => {
    const initial: Record<string, string> = {
      base_url: connection.base_url ?? "",
      timeout_ms: connection.timeout_ms === null ? "" : String(connection.timeout_ms),
      retries: connection.retries === null ? "" : String(connection.retries),
      verify_path: connection.verify_request?.path ?? "",
    };
    for (const [key, value] of Object.entries(settings)) if (typeof value === "string") initial[key] = value;
    return initial;
  });
  const update = useUpdate(connection.id, onUpdated);
  /** Secrets the server asked for because the change re-targets the credentials (400 `secrets_required`). */
  const [required, setRequired] = useState<string[]>([]);
  const dataControls = settingControls(connection, provider, values);
  const userVerify = Boolean(provider.user_supplied?.verify) && connection.connection_method !== "oauth2";
  const set = (key: string) => (value: string) => setValues((current) => ({ ...current, [key]: value }));
  const paths = ["base_url", "timeout_ms", "retries", "verify_request", ...dataControls.map((control) => control.path)];

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const number = (value: string | undefined) => (value?.trim() ? Number(value) : undefined);
    const data: Record<string, string | null> = {};
    for (const control of dataControls) {
      const value = values[control.key]?.trim() ?? "";
      if (value !== (typeof settings[control.key] === "string" ? settings[control.key] : ""))
        data[control.key] = value || null;
    }
    for (const field of required) {
      const secret = values[`secret:${field}`] ?? "";
      if (!secret) return update.markMissing({ [`data.${field}`]: "Enter it again to send it to the new address" });
      data[field] = secret;
    }
    const verifyPath = values.verify_path?.trim();
    const result = await update.submit(
      {
        base_url: values.base_url?.trim() ? values.base_url.trim() : null,
        timeout_ms: number(values.timeout_ms),
        retries: number(values.retries),
        ...(userVerify ? { verify_request: verifyPath ? { method: "GET" as const, path: verifyPath } : null } : {}),
        ...(Object.keys(data).length > 0 ? { data } : {}),
      },
      paths,
      "Settings saved.",
    );
    if (result === true) {
      setRequired([]);
      setValues((current) => Object.fromEntries(Object.entries(current).filter(([key]) => !key.startsWith("secret:"))));
    } else if (result.code === "secrets_required") {
      const details = result.details as { required?: unknown } | undefined;
      // Named as request paths (`data.api_key`); the form keys them by field.
      const fields = Array.isArray(details?.required)
        ? details.required.filter((item) => typeof item === "string")
        : [];
      setRequired(fields.map((field) => field.replace(/^data\./, "")));
    }
  };

  const context: FormContext = {
    provider,
    mode: isCatalogMethod(connection.connection_method) ? formModeOf(connection.connection_method, provider) : "bearer",
    values,
  };
  return (
    <form className="stack-form" onSubmit={onSubmit} noValidate data-testid="settings-form">
      <TextInput
        id={`${id}-base`}
        label="Base URL"
        type="url"
        value={values.base_url ?? ""}
        onChange={set("base_url")}
        error={update.errors.base_url}
        hint={
          provider.api_base_url
            ? `Empty: the provider's ${provider.api_base_url}`
            : "Requests go to paths under this URL."
        }
        placeholder={provider.api_base_url ?? "https://api.example.com"}
      />
      {dataControls.map((control) => (
        <TextInput
          key={control.key}
          id={`${id}-${control.key}`}
          label={control.label(context).replace(/ \(optional\)$/, "")}
          value={values[control.key] ?? ""}
          onChange={set(control.key)}
          error={update.errors[control.path]}
          hint={control.hint?.(context)}
          type={control.kind === "url" ? "url" : "text"}
        />
      ))}
      {required.length > 0 && (
        <div className="notice notice-info" role="status" data-testid="secrets-required">
          <p>
            This change sends the credentials to a new address, so they are needed again. Enter them below and save.
          </p>
          {required.map((field) => (
            <TextInput
              key={field}
              id={`${id}-secret-${field}`}
              label={`Re-enter ${field.replaceAll("_", " ")}`}
              value={values[`secret:${field}`] ?? ""}
              onChange={set(`secret:${field}`)}
              error={update.errors[`data.${field}`]}
              secret
              required
            />
          ))}
        </div>
      )}
      {userVerify && (
        <TextInput
          id={`${id}-verify`}
          label="Verification path"
          value={values.verify_path ?? ""}
          onChange={set("verify_path")}
          error={update.errors.verify_request}
          placeholder="/v1/me"
        />
      )}
      <div className="field-row">
        <TextInput
          id={`${id}-timeout`}
          label="Timeout (ms)"
          type="number"
          value={values.timeout_ms ?? ""}
          onChange={set("timeout_ms")}
          error={update.errors.timeout_ms}
          placeholder="30000"
        />
        <TextInput
          id={`${id}-retries`}
          label="Retries"
          type="number"
          value={values.retries ?? ""}
          onChange={set("retries")}
          error={update.errors.retries}
          placeholder="2"
        />
      </div>
      {update.formError && <FormError message={update.formError} issues={[]} />}
      <p className="actions">
        <button type="submit" disabled={update.busy}>
          {update.busy ? "Saving…" : "Save settings"}
        </button>
      </p>
    </form>
  );
}

/** Replaces (rotates) the connection's secrets; what is stored is never shown. */
export function SecretsForm({ connection, provider, onUpdated }: EditProps) {
  const id = useId();
  const method = connection.connection_method;
  const controls = isCatalogMethod(method) ? secretControls(formModeOf(method, provider)) : [];
  const [values, setValues] = useState<Record<string, string>>({});
  const update = useUpdate(connection.id, onUpdated);
  if (controls.length === 0) return <p className="muted">This connection has no secret you can replace here.</p>;
  const context: FormContext = { provider, mode: formModeOf(method as CatalogAuthMethod, provider), values };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const data = Object.fromEntries(
      controls.flatMap((control) => (values[control.key] ? [[control.key, values[control.key]]] : [])),
    );
    if (Object.keys(data).length === 0) {
      const first = controls[0] as TextControl;
      return update.markMissing({ [first.path]: "Enter the new value" });
    }
    const saved = await update.submit(
      { data },
      controls.map((control) => control.path),
      "Secret replaced. The old one is no longer used.",
    );
    if (saved === true) setValues({});
  };
  const set = (key: string) => (value: string) => setValues((current) => ({ ...current, [key]: value }));
  return (
    <form className="stack-form" onSubmit={onSubmit} noValidate data-testid="secrets-form">
      <p className="muted">
        Set: {connection.secrets_set?.length ? connection.secrets_set.join(", ") : "none"}. Stored values are never
        shown.
      </p>
      {controls.map((control) => (
        <TextInput
          key={control.key}
          id={`${id}-${control.key}`}
          label={control.label(context)}
          value={values[control.key] ?? ""}
          onChange={set(control.key)}
          error={update.errors[control.path]}
          secret
        />
      ))}
      {update.formError && <FormError message={update.formError} issues={[]} />}
      <p className="actions">
        <button type="submit" disabled={update.busy}>
          {update.busy ? "Replacing…" : "Replace secret"}
        </button>
      </p>
    </form>
  );
}
