import { useEffect, useRef, useState } from "react";
import { navigate } from "../../router/router";
import { useToasts } from "../../shell/toasts";
import { deleteConnection } from "../api";
import { describeError } from "../format";
import type { Connection } from "../types";

/** Delete, behind a confirmation that names what stops working. */
export function DeleteConnection({ connection }: { connection: Connection }) {
  const toasts = useToasts();
  const confirmRef = useRef<HTMLButtonElement>(null);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isOAuth = connection.connection_method === "oauth2";

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const remove = async () => {
    toasts.clear();
    setDeleting(true);
    setError(null);
    const body = await deleteConnection(connection.id);
    setDeleting(false);
    if (!body.success) return setError(describeError(body.error));
    toasts.show("success", `Deleted “${connection.name}”.`);
    navigate("/connections");
  };

  if (!confirming)
    return (
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Delete
      </button>
    );
  return (
    <div className="confirm">
      <p>
        Delete <strong>{connection.name}</strong>? Workflows and programs using it stop working
        {isOAuth ? ", and its access is revoked at the provider" : ""}.
      </p>
      <p className="actions">
        <button ref={confirmRef} type="button" className="danger" onClick={remove} disabled={deleting}>
          {deleting ? "Deleting…" : "Delete connection"}
        </button>
        <button type="button" className="secondary" onClick={() => setConfirming(false)} disabled={deleting}>
          Cancel
        </button>
      </p>
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
