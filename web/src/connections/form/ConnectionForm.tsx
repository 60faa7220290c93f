import { type FormEvent, useId, useState } from "react";
import { API_ORIGIN, type ApiError } from "../../api";
import { useToasts } from "../../shell/toasts";
import { createConnection, testDraft } from "../api";
import { type FieldErrors, formMessage, type Issue, splitFieldErrors } from "../fieldErrors";
import { describeError, METHOD_LABELS } from "../format";
import { TestResultView, type TestState } from "../TestResultView";
import type { CatalogAuthMethod, Connection, ConnectionInput, Provider } from "../types";
import type { OAuthRequest } from "../useOAuthPopup";
import { Field, FieldError, FormError, TextInput } from "./controls";
import {
  type Control,
  dataOf,
  type FormContext,
  formModeOf,
  initialValues,
  METHOD_CHOICES,
  missingRequired,
  type Values,
  visibleControls,
} from "./fields";

interface Props {
  provider: Provider;
  onSaved: (connection: Connection) => void;
  connect: (request: OAuthRequest) => void;
  /** An OAuth flow is under way somewhere on the page. */
  connecting: boolean;
}

type Busy = "test" | "save" | null;

/** Connect one provider: choose the method, then fill in that method's controls (see fields.ts). */
export function ConnectionForm({ provider, onSaved, connect, connecting }: Props) {
  const formId = useId();
  const toasts = useToasts();
  const [method, setMethod] = useState<CatalogAuthMethod>(provider.auth_methods[0] ?? "api_key");
  const mode = formModeOf(method, provider);
  const [values, setValues] = useState<Values>(() => initialValues(provider, mode));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<{ message: string; issues: Issue[] } | null>(null);
  const [test, setTest] = useState<TestState>({ state: "idle" });
  const [busy, setBusy] = useState<Busy>(null);

  const context: FormContext = { provider, mode, values };
  const controls = visibleControls(context);
  const shownPaths = [...controls.map((control) => control.path), "provider", "connection_method"];
  const fieldId = (path: string) => `${formId}-${path.replaceAll(".", "-")}`;

  const resetFeedback = () => {
    toasts.clear();
    setErrors({});
    setFormError(null);
    setTest({ state: "idle" });
  };

  const chooseMethod = (next: CatalogAuthMethod) => {
    setMethod(next);
    setValues((current) => ({ ...initialValues(provider, formModeOf(next, provider)), name: current.name ?? "" }));
    resetFeedback();
  };

  const focusFirst = (marked: FieldErrors) => {
    const first = shownPaths.find((path) => marked[path]);
    if (first) document.getElementById(fieldId(first))?.focus();
  };

  const showError = (error: ApiError) => {
    const split = splitFieldErrors(error, shownPaths);
    const placed = Object.keys(split.fields).length > 0;
    setErrors(split.fields);
    setFormError({ message: formMessage(error, placed, describeError(error)), issues: split.other });
    focusFirst(split.fields);
  };

  /** The request body, or null after marking the required fields left empty. */
  const buildInput = (purpose: "save" | "test"): ConnectionInput | null => {
    const missing = missingRequired(context, purpose);
    if (Object.keys(missing).length > 0) {
      setErrors(missing);
      setFormError({ message: "Fill in the required fields.", issues: [] });
      focusFirst(missing);
      return null;
    }
    const verifyPath = String(values.verify_path ?? "").trim();
    const baseUrl = String(values.base_url ?? "").trim();
    const shown = new Set(controls.map((control) => control.key));
    return {
      name: String(values.name ?? "").trim(),
      provider: provider.id,
      connection_method: method,
      data: dataOf(context),
      ...(shown.has("base_url") && baseUrl ? { base_url: baseUrl } : {}),
      ...(shown.has("verify_path") && verifyPath
        ? { verify_request: { method: "GET" as const, path: verifyPath } }
        : {}),
    };
  };

  const runTest = async () => {
    resetFeedback();
    const input = buildInput("test");
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
    const input = buildInput("save");
    if (!input) return null;
    setBusy("save");
    const body = await createConnection(input);
    setBusy(null);
    if (!body.success) {
      showError(body.error);
      return null;
    }
    // Nothing typed here outlives the save, secrets least of all.
    setValues(initialValues(provider, mode));
    onSaved(body.data);
    return body.data;
  };

  const connectCatalog = () => {
    resetFeedback();
    const name = String(values.name ?? "").trim();
    connect({ provider: provider.id, label: provider.name, name: name || undefined });
  };

  const saveAndConnect = () => {
    connect({
      provider: provider.id,
      label: String(values.name ?? "").trim() || provider.name,
      prepare: async () => (await save())?.id ?? null,
    });
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (mode === "oauth2_catalog") connectCatalog();
    else void save();
  };

  const set = (key: string, value: string | boolean) => setValues((current) => ({ ...current, [key]: value }));
  const oauthUnconfigured = mode === "oauth2_catalog" && provider.oauth_configured === false;

  return (
    <form className="connection-form" onSubmit={onSubmit} noValidate aria-describedby={`${formId}-intro`}>
      <p id={`${formId}-intro`} className="muted">
        Credentials are stored encrypted and are never shown again after saving.
      </p>

      {provider.auth_methods.length > 1 ? (
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
      ) : (
        <p>
          Authentication: <strong>{METHOD_LABELS[method]}</strong>
        </p>
      )}

      {controls.map((control) => (
        <ControlView
          key={control.key}
          control={control}
          context={context}
          id={fieldId(control.path)}
          error={errors[control.path]}
          onChange={(value) => set(control.key, value)}
        />
      ))}

      {mode === "oauth2_custom" && (
        <p className="muted">
          Register this redirect URI with the provider:{" "}
          <code>{`${API_ORIGIN || window.location.origin}/api/oauth/${provider.id}/callback`}</code>
        </p>
      )}
      {mode === "oauth2_catalog" && !oauthUnconfigured && (
        <p className="muted">
          You will sign in to {provider.name} in a popup window and approve access
          {provider.oauth2?.default_scopes.length ? ` (${provider.oauth2.default_scopes.join(", ")})` : ""}.
        </p>
      )}
      {oauthUnconfigured && <UnconfiguredOAuth provider={provider} />}

      {formError && <FormError message={formError.message} issues={formError.issues} />}

      <div aria-live="polite">
        <TestResultView test={test} />
      </div>

      <p className="actions">
        {mode === "oauth2_catalog" && !oauthUnconfigured && (
          <button type="submit" disabled={connecting}>
            Connect with {provider.name}
          </button>
        )}
        {(mode === "api_key" || mode === "bearer" || mode === "basic" || mode === "oauth2_client_credentials") && (
          <button type="button" className="secondary" onClick={runTest} disabled={busy !== null}>
            {busy === "test" ? "Testing…" : "Test before saving"}
          </button>
        )}
        {mode === "oauth2_custom" && (
          <button type="button" onClick={saveAndConnect} disabled={busy !== null || connecting}>
            Save and connect
          </button>
        )}
        {mode !== "oauth2_catalog" && (
          <button type="submit" className={mode === "oauth2_custom" ? "secondary" : undefined} disabled={busy !== null}>
            {busy === "save" ? "Saving…" : "Save"}
          </button>
        )}
      </p>
    </form>
  );
}

/** Says which settings enable a catalog OAuth provider on this deployment (instead of a button that can only fail). */
export function UnconfiguredOAuth({ provider }: { provider: Provider }) {
  if (!provider.oauth2) return null;
  return (
    <div className="notice notice-info" data-testid="oauth-unconfigured">
      <p>
        <strong>{provider.name} sign-in is not set up on this deployment.</strong> An administrator registers an OAuth
        app with {provider.name} and sets <code>{provider.oauth2.client_id_env}</code> and{" "}
        <code>{provider.oauth2.client_secret_env}</code> in the Worker's settings (secrets).
      </p>
      <p className="muted">
        Redirect URI to register:{" "}
        <code>{`${API_ORIGIN || window.location.origin}/api/oauth/${provider.id}/callback`}</code>
      </p>
    </div>
  );
}

function ControlView({
  control,
  context,
  id,
  error,
  onChange,
}: {
  control: Control;
  context: FormContext;
  id: string;
  error?: string;
  onChange: (value: string | boolean) => void;
}) {
  const label = control.label(context);
  const value = context.values[control.key];
  if (control.kind === "checkbox") {
    return (
      <div className="field">
        <label className="choice">
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            onChange={(event) => onChange(event.target.checked)}
          />{" "}
          {label}
        </label>
        {error && <FieldError id={`${id}-error`} message={error} />}
      </div>
    );
  }
  if (control.kind === "select") {
    return (
      <Field id={id} label={label} error={error}>
        <select id={id} value={String(value ?? "")} onChange={(event) => onChange(event.target.value)}>
          {control.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </Field>
    );
  }
  return (
    <TextInput
      id={id}
      label={label}
      value={String(value ?? "")}
      onChange={onChange}
      error={error}
      hint={control.hint?.(context)}
      required={control.required && !(control.key === "name" && context.mode === "oauth2_catalog")}
      secret={control.kind === "secret"}
      type={control.kind === "url" ? "url" : "text"}
      placeholder={control.placeholder?.(context)}
    />
  );
}
