import { type FormEvent, useId, useState } from "react";
import { formMessage, splitFieldErrors } from "../connections/fieldErrors";
import { FormError, TextInput } from "../connections/form/controls";
import { describeError } from "../connections/format";
import { Time } from "../connections/Time";
import { CopyButton } from "../shell/CopyButton";
import { EmptyState, Loaded, useLoad } from "../shell/states";
import { useToasts } from "../shell/toasts";
import { type ApiKey, type CreatedApiKey, createApiKey, listApiKeys, revokeApiKey, SCOPE_CHOICES } from "./api";

const EXPIRY_CHOICES = [
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 365, label: "1 year" },
  { days: 0, label: "Never" },
];

/** `/settings/api-keys`: create (shown once), list and revoke personal API keys. */
export function ApiKeysPage() {
  const [keys, reload] = useLoad(listApiKeys);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  return (
    <section className="page-section" aria-labelledby="api-keys-heading">
      <h1 id="api-keys-heading">API keys</h1>
      <p className="muted">
        Programs call the API as you with <code>Authorization: Bearer &lt;key&gt;</code> — no cookie, no Origin header.
        Keys never manage other keys or reach admin routes.
      </p>
      {created && <NewKeyNotice created={created} onDone={() => setCreated(null)} />}
      <div className="detail-grid">
        <section className="panel" aria-label="Create a key">
          <h2>Create a key</h2>
          <CreateKeyForm
            onCreated={(key) => {
              setCreated(key);
              reload();
            }}
          />
        </section>
        <section className="panel" aria-label="Your keys">
          <h2>Your keys</h2>
          <Loaded load={keys} what="your API keys" retry={reload}>
            {(list) =>
              list.length === 0 ? (
                <EmptyState title="No API keys yet" />
              ) : (
                <ul className="key-list" data-testid="api-keys">
                  {list.map((key) => (
                    <KeyRow key={key.id} apiKey={key} onRevoked={reload} />
                  ))}
                </ul>
              )
            }
          </Loaded>
        </section>
      </div>
    </section>
  );
}

function NewKeyNotice({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  return (
    <div className="notice notice-info new-key" role="status" data-testid="new-api-key">
      <p>
        <strong>Copy “{created.name}” now:</strong> it is shown only this once and cannot be recovered.
      </p>
      <p className="id-row">
        <code data-testid="new-api-key-value">{created.key}</code>
        <CopyButton value={created.key} label="Copy the new API key" />
      </p>
      <button type="button" className="secondary small" onClick={onDone}>
        I have stored it
      </button>
    </div>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const id = useId();
  const toasts = useToasts();
  const [name, setName] = useState("");
  const [limited, setLimited] = useState(false);
  const [scopes, setScopes] = useState<string[]>([]);
  const [days, setDays] = useState(90);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    toasts.clear();
    setErrors({});
    setFormError(null);
    if (!name.trim()) return setErrors({ name: "is required" });
    if (limited && scopes.length === 0) return setErrors({ scopes: "Choose at least one scope" });
    setBusy(true);
    const body = await createApiKey({
      name: name.trim(),
      ...(limited ? { scopes: scopes as NonNullable<Parameters<typeof createApiKey>[0]["scopes"]> } : {}),
      ...(days > 0 ? { expires_in_days: days } : {}),
    });
    setBusy(false);
    if (!body.success) {
      const split = splitFieldErrors(body.error, ["name", "scopes", "expires_in_days"]);
      setErrors(split.fields);
      const placed = Object.keys(split.fields).length > 0;
      if (!placed || split.other.length > 0) setFormError(formMessage(body.error, placed, describeError(body.error)));
      return;
    }
    setName("");
    onCreated(body.data);
  };

  return (
    <form className="stack-form" onSubmit={onSubmit} noValidate data-testid="create-api-key">
      <TextInput
        id={`${id}-name`}
        label="Name"
        value={name}
        onChange={setName}
        error={errors.name}
        required
        placeholder="CI deploys"
      />
      <fieldset>
        <legend>Access</legend>
        <label className="choice">
          <input type="radio" name={`${id}-access`} checked={!limited} onChange={() => setLimited(false)} /> Everything
          you can do (except API keys and admin)
        </label>
        <label className="choice">
          <input type="radio" name={`${id}-access`} checked={limited} onChange={() => setLimited(true)} /> Only these
          scopes:
        </label>
        {limited &&
          SCOPE_CHOICES.map((choice) => (
            <label key={choice.scope} className="choice indent">
              <input
                type="checkbox"
                checked={scopes.includes(choice.scope)}
                onChange={(event) =>
                  setScopes((current) =>
                    event.target.checked
                      ? [...current, choice.scope]
                      : current.filter((scope) => scope !== choice.scope),
                  )
                }
              />{" "}
              <code>{choice.scope}</code> {choice.label}
            </label>
          ))}
        {errors.scopes && <span className="field-error">{errors.scopes}</span>}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-expiry`}>Expires</label>
        <select id={`${id}-expiry`} value={days} onChange={(event) => setDays(Number(event.target.value))}>
          {EXPIRY_CHOICES.map((choice) => (
            <option key={choice.days} value={choice.days}>
              {choice.label}
            </option>
          ))}
        </select>
        {errors.expires_in_days && <span className="field-error">{errors.expires_in_days}</span>}
      </div>
      {formError && <FormError message={formError} issues={[]} />}
      <p className="actions">
        <button type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create key"}
        </button>
      </p>
    </form>
  );
}

function KeyRow({ apiKey, onRevoked }: { apiKey: ApiKey; onRevoked: () => void }) {
  const toasts = useToasts();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const revoke = async () => {
    toasts.clear();
    setError(null);
    const body = await revokeApiKey(apiKey.id);
    if (!body.success) return setError(describeError(body.error));
    toasts.show("success", `Revoked “${apiKey.name}”. Programs using it are refused from now on.`);
    onRevoked();
  };
  const expired = apiKey.expires_at !== null && apiKey.expires_at <= Date.now();
  return (
    <li className="key-row" data-testid="api-key">
      <div className="grow">
        <p className="card-title">
          {apiKey.name} <code>{apiKey.prefix}…</code> {expired && <span className="badge badge-expired">Expired</span>}
        </p>
        <p className="muted small">
          {apiKey.scopes ? apiKey.scopes.join(", ") : "All scopes"} · last used <Time ms={apiKey.last_used_at} /> ·{" "}
          {apiKey.expires_at ? (
            <>
              expires <Time ms={apiKey.expires_at} />
            </>
          ) : (
            "never expires"
          )}
        </p>
        {error && (
          <p role="alert" className="field-error">
            {error}
          </p>
        )}
      </div>
      {confirming ? (
        <span className="actions">
          <button type="button" className="danger small" onClick={revoke}>
            Revoke {apiKey.name}
          </button>
          <button type="button" className="secondary small" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <button type="button" className="secondary small" onClick={() => setConfirming(true)}>
          Revoke
        </button>
      )}
    </li>
  );
}
