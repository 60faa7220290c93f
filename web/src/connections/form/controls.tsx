import type { ReactNode } from "react";

/** Labelled form controls with their hint and error, wired for screen readers. */

export function FieldError({ id, message }: { id: string; message: string }) {
  return (
    <span id={id} className="field-error">
      {message}
    </span>
  );
}

/** A labelled control with its error; `children` must carry `id`. */
export function Field({
  id,
  label,
  error,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {error && <FieldError id={`${id}-error`} message={error} />}
    </div>
  );
}

export interface TextInputProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: string;
  required?: boolean;
  /** A credential: masked, never autofilled or remembered by the browser. */
  secret?: boolean;
  type?: "text" | "url" | "number";
  placeholder?: string;
}

export function TextInput({
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
        autoComplete="off"
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

/** A form-level error: the message, and the issues no control on the form owns. */
export function FormError({ message, issues }: { message: string; issues: Array<{ path: string; message: string }> }) {
  return (
    <div role="alert" className="form-error" data-testid="form-error">
      <p>{message}</p>
      {issues.length > 0 && (
        <ul>
          {issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              {issue.path ? <code>{issue.path}</code> : null} {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
