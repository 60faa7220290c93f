import { useState } from "react";
import type { ApiError } from "../../api";
import { useToasts } from "../../shell/toasts";
import { updateConnection } from "../api";
import { type FieldErrors, formMessage, splitFieldErrors } from "../fieldErrors";
import { describeError } from "../format";
import type { Connection, ConnectionUpdate } from "../types";

/**
 * One edit form of the detail page: sends a partial update and puts the server's complaints next to
 * the controls that caused them (`details[].path` → control), the rest in the form's own alert.
 */
export function useUpdate(connectionId: string, onUpdated: (connection: Connection) => void) {
  const toasts = useToasts();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  /** Sends the update; `true` when saved, else the error (already shown next to its controls). */
  const submit = async (
    update: ConnectionUpdate,
    paths: readonly string[],
    success: string,
  ): Promise<true | ApiError> => {
    toasts.clear();
    setErrors({});
    setFormError(null);
    setBusy(true);
    const body = await updateConnection(connectionId, update);
    setBusy(false);
    if (body.success) {
      toasts.show("success", success);
      onUpdated(body.data);
      return true;
    }
    if (body.error.code === "secrets_required") {
      // Shown as the form's own request for the secrets (see SettingsForm), not as a failure.
      return body.error;
    }
    const split = splitFieldErrors(body.error, paths);
    const placed = Object.keys(split.fields).length > 0;
    setErrors(split.fields);
    const rest = split.other.map((issue) => `${issue.path ? `${issue.path}: ` : ""}${issue.message}`).join("; ");
    setFormError(
      placed && !rest
        ? null
        : [formMessage(body.error, placed, describeError(body.error)), rest].filter(Boolean).join(" "),
    );
    return body.error;
  };

  const markMissing = (missing: FieldErrors) => {
    setErrors(missing);
    setFormError(null);
  };

  return { submit, errors, formError, busy, markMissing };
}
