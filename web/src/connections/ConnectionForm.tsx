import { type FormEvent, type ReactNode, useId, useState } from "react";
import { API_ORIGIN, type ApiError } from "../api";
import { createConnection, testDraft } from "./api";
import { type FieldErrors, splitFieldErrors } from "./fieldErrors";
import { describeError, METHOD_LABELS } from "./format";
import { TestResultView, type TestState } from "./TestResultView";
import type { CatalogAuthMethod, Connection, ConnectionInput, Provider, TokenAuthMethod } from "./types";
import type { OAuthRequest } from "./useOAuthPopup";

interface Props {
  providers: Provider[];
  onSaved: (connection: Connection) => void;
  connect: (request: OAuthRequest) => void;
  /** An OAuth flow is under way somewhere on the page. */
  connecting: boolean;
}

/** The form's text inputs, by the request path each one fills. */
const TEXT_FIELDS = {
  name: "name",
  base_url: "base_url",
  verify_path: "verify_request",
  api_key: "data.api_key",
  key_name: "data.key_name",
  key_prefix: "data.key_prefix",
  token: "data.token",
  username: "data.username",
  password: "data.password",
  client_id: "data.client_id",
  client_secret: "data.client_secret",
  authorization_url: "data.authorization_url",
  token_url: "data.token_url",
  scopes: "data.scopes",
} as const;
type TextField = keyof typeof TEXT_FIELDS;
type Values = Record<TextField, string>;

const EMPTY: Values = {
  name: "",
  base_url: "",
  verify_path: "",
  api_key: "",
  key_name: "",
  key_prefix: "",
  token: "",
  username: "",
  password: "",
  client_id: "",
  client_secret: "",
  authorization_url: "",
  token_url: "",
  scopes: "",
};

/** Paths the form shows next to a control that is not a text input. */
const OTHER_PATHS = ["provider", "connection_method", "data.key_location", "data.pkce", "data.token_auth_method"];

const CATEGORY_LABELS: Record<string, string> = {
  ai: "AI",
  developer: "Developer tools",
  communication: "Communication",
  productivity: "Productivity",
  payments: "Payments",
  generic: "Any API",
};

const METHOD_CHOICES: Record<CatalogAuthMethod, string> = {
  api_key: "API key",
  bearer: "Bearer token",
  basic: "Username and password",
  oauth2: "OAuth 2.0 (sign in with the provider)",
  oauth2_client_credentials: "OAuth 2.0 client credentials (server to server)",
};

type FormError = { message: string; issues: Array<{ path: string; message: string }> };
type Busy = "test" | "save" | null;

/** Create a connection: provider and method from the catalog, then that method's fields. */
export function ConnectionForm({ providers, onSaved, connect, connecting }: Props) {
  const formId = useId();
  const [providerId, setProviderId] = useState("");
  const [method, setMethod] = useState<CatalogAuthMethod | "">("");
  const [values, setValues] = useState<Values>(EMPTY);
  const [keyLocation, setKeyLocation] = useState<"header" | "query">("header");
  const [pkce, setPkce] = useState(true);
  const [tokenAuth, setTokenAuth] = useState<TokenAuthMethod>("client_secret_basic");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<FormError | null>(null);
  const [test, setTest] = useState<TestState>({ state: "idle" });
  const [busy, setBusy] = useState<Busy>(null);

  const provider = providers.find((entry) => entry.id === providerId);
  const supplied = provider?.user_supplied;
  /** A catalog OAuth provider: the deployment holds the OAuth app, the server creates the connection. */
  const catalogOAuth = method === "oauth2" && Boolean(provider?.oauth2);
  const customOAuth = method === "oauth2" && !provider?.oauth2;
  const fieldId = (path: string) => `${formId}-${path.replaceAll(".", "-")}`;

  const resetFeedback = () => {
    setErrors({});
    setFormError(null);
    setTest({ state: "idle" });
  };

  const chooseProvider = (id: string) => {
    const next = providers.find((entry) => entry.id === id);
    setProviderId(id);
    setMethod(next?.auth_methods[0] ?? "");
    setKeyLocation(next?.api_key?.location ?? "header");
    resetFeedback();
  };

  const chooseMethod = (next: CatalogAuthMethod) => {
    setMethod(next);
    resetFeedback();
  };

  const set = (field: TextField) => (value: string) => setValues((current) => ({ ...current, [field]: value }));

  /** Text inputs shown for the current provider and method, with whether each is required. */
  const visible: Array<[TextField, boolean]> = [];
  if (provider && method) {
    visible.push(["name", !catalogOAuth]);
    if (supplied?.base_url && !catalogOAuth) visible.push(["base_url", true]);
    if (method === "api_key") {
      visible.push(["api_key", true]);
      if (supplied?.injection) visible.push(["key_name", false], ["key_prefix", false]);
    }
    if (method === "bearer") visible.push(["token", true]);
    if (method === "basic") visible.push(["username", true], ["password", true]);
    if (customOAuth)
      visible.push(
        ["client_id", true],
        ["client_secret", false],
        ["authorization_url", true],
        ["token_url", true],
        ["scopes", false],
      );
    if (method === "oauth2_client_credentials")
      visible.push(["client_id", true], ["client_secret", true], ["token_url", true], ["scopes", false]);
    if (supplied?.verify && !catalogOAuth && method !== "oauth2") visible.push(["verify_path", false]);
  }
  const shownPaths = [...visible.map(([field]) => TEXT_FIELDS[field]), ...OTHER_PATHS];

  const showError = (error: ApiError) => {
    const split = splitFieldErrors(error, shownPaths);
    setErrors(split.fields);
    setFormError({ message: describeError(error), issues: split.other });
    const first = shownPaths.find((path) => split.fields[path]);
    if (first) document.getElementById(fieldId(first))?.focus();
  };

  /** The request body, or null after marking the required fields left empty. */
  const buildInput = (forSave: boolean): ConnectionInput | null => {
    if (!provider || !method) return null;
    const missing: FieldErrors = {};
    for (const [field, required] of visible) {
      if (required && !values[field].trim() && (forSave || field !== "name"))
        missing[TEXT_FIELDS[field]] = "is required";
    }
    if (Object.keys(missing).length > 0) {
      setErrors(missing);
      setFormError({ message: "Fill in the required fields.", issues: [] });
      const first = shownPaths.find((path) => missing[path]);
      if (first) document.getElementById(fieldId(first))?.focus();
      return null;
    }
    const v = values;
    const optional = (value: string) => (value.trim() ? value.trim() : undefined);
    const scopes = v.scopes.split(/\s+/).filter(Boolean);
    let data: Record<string, unknown> = {};
    if (method === "api_key") {
      data = { api_key: v.api_key };
      if (supplied?.injection) {
        data.key_location = keyLocation;
        data.key_name = optional(v.key_name);
        // A prefix is kept as typed ("Bearer " ends with a space); empty means the default.
        data.key_prefix = v.key_prefix === "" ? undefined : v.key_prefix;
      }
    } else if (method === "bearer") data = { token: v.token };
    else if (method === "basic") data = { username: v.username.trim(), password: v.password };
    else if (method === "oauth2") {
      data = {
        client_id: optional(v.client_id),
        client_secret: v.client_secret || undefined,
        authorization_url: optional(v.authorization_url),
        token_url: optional(v.token_url),
        scopes: scopes.length > 0 ? scopes : undefined,
        pkce,
        token_auth_method: tokenAuth,
      };
    } else if (method === "oauth2_client_credentials") {
      data = {
        client_id: optional(v.client_id),
        client_secret: v.client_secret,
        token_url: optional(v.token_url),
        scopes: scopes.length > 0 ? scopes : undefined,
        token_auth_method: tokenAuth,
      };
    }
    const verifyPath = optional(v.verify_path);
    return {
      name: v.name.trim(),
      provider: provider.id,
      connection_method: method,
      data,
      ...(supplied?.base_url ? { base_url: optional(v.base_url) } : {}),
      ...(supplied?.verify && verifyPath && method !== "oauth2"
        ? { verify_request: { method: "GET" as const, path: verifyPath } }
        : {}),
    };
  };

  const runTest = async () => {
    resetFeedback();
    const input = buildInput(false);
    if (!input) return;
    setBusy("test");
    setTest({ state: "running" });
    const body = await testDraft(input);
    setBusy(null);
    if (body.success) setTest({ state: "done", result: body.data });
    else if (body.error.code === "invalid_request") {
      setTest({ state: "idle" });
      showError(body.error);
    } else setTest({ state: "error", message: describeError(body.error) });
  };

  const save = async (): Promise<Connection | null> => {
    resetFeedback();
    const input = buildInput(true);
    if (!input) return null;
    setBusy("save");
    const body = await createConnection(input);
    setBusy(null);
    if (!body.success) {
      showError(body.error);
      return null;
    }
    // Nothing typed here outlives the save, secrets least of all.
    setValues(EMPTY);
    setPkce(true);
    setTokenAuth("client_secret_basic");
    onSaved(body.data);
    return body.data;
  };

  const connectCatalog = () => {
    if (!provider) return;
    resetFeedback();
    const name = values.name.trim();
    connect({ provider: provider.id, label: provider.name, name: name || undefined });
    setValues(EMPTY);
  };

  const saveAndConnect = () => {
    if (!provider) return;
    connect({
      provider: provider.id,
      label: values.name.trim() || provider.name,
      prepare: async () => (await save())?.id ?? null,
    });
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (catalogOAuth) connectCatalog();
    else void save();
  };

  const text = (
    field: TextField,
    label: string,
    options: Omit<TextInputProps, "id" | "label" | "value" | "onChange" | "error" | "required"> = {},
  ) => {
    const required = visible.find(([name]) => name === field)?.[1] ?? false;
    const path = TEXT_FIELDS[field];
    return (
      <TextInput
        id={fieldId(path)}
        label={label}
        value={values[field]}
        onChange={set(field)}
        error={errors[path]}
        required={required}
        {...options}
      />
    );
  };

  const grouped = new Map<string, Provider[]>();
  for (const entry of providers) grouped.set(entry.category, [...(grouped.get(entry.category) ?? []), entry]);
  const effectiveKeyName =
    values.key_name.trim() || (keyLocation === "query" ? "api_key" : (provider?.api_key?.name ?? "Authorization"));

  return (
    <form className="connection-form" onSubmit={onSubmit} noValidate aria-describedby={`${formId}-intro`}>
      <p id={`${formId}-intro`} className="muted">
        Credentials are stored encrypted and are never shown again after saving.
      </p>

      <Field id={fieldId("provider")} label="Provider" error={errors.provider}>
        <select
          id={fieldId("provider")}
          value={providerId}
          onChange={(event) => chooseProvider(event.target.value)}
          aria-invalid={errors.provider ? true : undefined}
          aria-describedby={errors.provider ? `${fieldId("provider")}-error` : undefined}
          data-testid="provider-select"
        >
          <option value="">Choose a provider…</option>
          {[...grouped].map(([category, entries]) => (
            <optgroup key={category} label={CATEGORY_LABELS[category] ?? category}>
              {entries.map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {entry.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </Field>

      {provider && (
        <p className="muted">
          {provider.description}{" "}
          <a href={provider.docs_url} target="_blank" rel="noreferrer">
            API documentation
          </a>
        </p>
      )}

      {provider && provider.auth_methods.length > 1 && (
        <fieldset className="methods">
          <legend>Authentication</legend>
          {provider.auth_methods.map((choice) => (
            <label key={choice} className="choice">
              <input
                type="radio"
                name={`${formId}-method`}
                value={choice}
                checked={method === choice}
                onChange={() => chooseMethod(choice)}
              />{" "}
              {METHOD_CHOICES[choice]}
            </label>
          ))}
          {errors.connection_method && <FieldError id={`${formId}-method-error`} message={errors.connection_method} />}
        </fieldset>
      )}
      {provider && provider.auth_methods.length === 1 && method && (
        <p>
          Authentication: <strong>{METHOD_LABELS[method]}</strong>
        </p>
      )}

      {provider && method && (
        <>
          {catalogOAuth &&
            text("name", "Name (optional)", {
              placeholder: provider.name,
              hint: "Defaults to the provider's name.",
              autoComplete: "off",
            })}
          {!catalogOAuth && text("name", "Name", { placeholder: `My ${provider.name}`, autoComplete: "off" })}
          {supplied?.base_url &&
            !catalogOAuth &&
            text("base_url", "Base URL", {
              type: "url",
              placeholder: "https://api.example.com",
              hint: "Every request through this connection goes to a path under this URL.",
            })}

          {method === "api_key" &&
            text("api_key", provider.api_key?.secret_name ?? "API key", {
              secret: true,
              hint:
                provider.api_key && !supplied?.injection
                  ? `Sent in the ${provider.api_key.location === "query" ? "query parameter" : "header"} ${provider.api_key.name}.`
                  : undefined,
            })}
          {method === "api_key" && supplied?.injection && (
            <fieldset className="group">
              <legend>How the key is sent</legend>
              <Field id={fieldId("data.key_location")} label="Location" error={errors["data.key_location"]}>
                <select
                  id={fieldId("data.key_location")}
                  value={keyLocation}
                  onChange={(event) => setKeyLocation(event.target.value as "header" | "query")}
                >
                  <option value="header">Header</option>
                  <option value="query">Query parameter</option>
                </select>
              </Field>
              {text("key_name", keyLocation === "query" ? "Parameter name (optional)" : "Header name (optional)", {
                placeholder: keyLocation === "query" ? "api_key" : (provider.api_key?.name ?? "Authorization"),
                autoComplete: "off",
              })}
              {keyLocation === "header" &&
                text("key_prefix", "Prefix (optional)", {
                  placeholder: effectiveKeyName.toLowerCase() === "authorization" ? "Bearer " : "",
                  hint: "Text before the key, such as “Bearer ” (with its space). Empty: “Bearer ” for Authorization, none otherwise.",
                  autoComplete: "off",
                })}
            </fieldset>
          )}

          {method === "bearer" && text("token", "Token", { secret: true })}
          {method === "basic" && (
            <>
              {text("username", "Username", { autoComplete: "off" })}
              {text("password", "Password", { secret: true })}
            </>
          )}

          {(customOAuth || method === "oauth2_client_credentials") && (
            <>
              {text("client_id", "Client ID", { autoComplete: "off" })}
              {text("client_secret", customOAuth ? "Client secret (optional for public clients)" : "Client secret", {
                secret: true,
              })}
              {customOAuth &&
                text("authorization_url", "Authorization URL", {
                  type: "url",
                  placeholder: "https://auth.example.com/oauth/authorize",
                })}
              {text("token_url", "Token URL", { type: "url", placeholder: "https://auth.example.com/oauth/token" })}
              {text("scopes", "Scopes (optional)", {
                placeholder: "read write",
                hint: "Separated by spaces.",
                autoComplete: "off",
              })}
              {customOAuth && (
                <div className="field">
                  <label className="choice">
                    <input type="checkbox" checked={pkce} onChange={(event) => setPkce(event.target.checked)} /> Use
                    PKCE (recommended)
                  </label>
                </div>
              )}
              <Field
                id={fieldId("data.token_auth_method")}
                label="Client authentication at the token endpoint"
                error={errors["data.token_auth_method"]}
              >
                <select
                  id={fieldId("data.token_auth_method")}
                  value={tokenAuth}
                  onChange={(event) => setTokenAuth(event.target.value as TokenAuthMethod)}
                >
                  <option value="client_secret_basic">HTTP Basic (client_secret_basic)</option>
                  <option value="client_secret_post">In the request body (client_secret_post)</option>
                </select>
              </Field>
              {customOAuth && (
                <p className="muted">
                  Register this redirect URI with the provider:{" "}
                  <code>{`${API_ORIGIN || window.location.origin}/api/oauth/${provider.id}/callback`}</code>
                </p>
              )}
            </>
          )}

          {supplied?.verify &&
            method !== "oauth2" &&
            text("verify_path", "Verification path (optional)", {
              placeholder: "/v1/me",
              hint: "Tests send GET to this path under the base URL; without one they request the base URL itself.",
              autoComplete: "off",
            })}

          {catalogOAuth && (
            <p className="muted">
              You will sign in to {provider.name} in a popup window and approve access
              {provider.oauth2?.default_scopes.length ? ` (${provider.oauth2.default_scopes.join(", ")})` : ""}.
            </p>
          )}

          {formError && (
            <div role="alert" className="form-error" data-testid="form-error">
              <p>{formError.message}</p>
              {formError.issues.length > 0 && (
                <ul>
                  {formError.issues.map((issue) => (
                    <li key={`${issue.path}:${issue.message}`}>
                      {issue.path ? <code>{issue.path}</code> : null} {issue.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}

          <div aria-live="polite">
            <TestResultView test={test} />
          </div>

          <p className="actions">
            {catalogOAuth && (
              <button type="submit" disabled={connecting}>
                Connect with {provider.name}
              </button>
            )}
            {!catalogOAuth && method !== "oauth2" && (
              <button type="button" className="secondary" onClick={runTest} disabled={busy !== null}>
                {busy === "test" ? "Testing…" : "Test before saving"}
              </button>
            )}
            {customOAuth && (
              <button type="button" onClick={saveAndConnect} disabled={busy !== null || connecting}>
                Save and connect
              </button>
            )}
            {!catalogOAuth && (
              <button type="submit" className={customOAuth ? "secondary" : undefined} disabled={busy !== null}>
                {busy === "save" ? "Saving…" : "Save"}
              </button>
            )}
          </p>
        </>
      )}
    </form>
  );
}

function FieldError({ id, message }: { id: string; message: string }) {
  return (
    <span id={id} className="field-error">
      {message}
    </span>
  );
}

/** A labelled control with its error; `children` must carry `id`. */
function Field({ id, label, error, children }: { id: string; label: string; error?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {error && <FieldError id={`${id}-error`} message={error} />}
    </div>
  );
}

interface TextInputProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: string;
  required?: boolean;
  /** A credential: masked, never autofilled or remembered by the browser. */
  secret?: boolean;
  type?: "text" | "url";
  placeholder?: string;
  autoComplete?: string;
}

function TextInput({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  required,
  secret,
  type,
  placeholder,
  autoComplete,
}: TextInputProps) {
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      <input
        id={id}
        type={secret ? "password" : (type ?? "text")}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        required={required}
        placeholder={placeholder}
        autoComplete={secret ? "off" : autoComplete}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
      {error && <FieldError id={`${id}-error`} message={error} />}
    </div>
  );
}
