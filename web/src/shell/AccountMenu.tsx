import { useEffect, useId, useRef, useState } from "react";
import { Link } from "../router/router";
import type { Me } from "../session";
import { signOut } from "../session";
import { useToasts } from "./toasts";

/** The account button: who is signed in, settings, sign out, sign out everywhere. */
export function AccountMenu({ me, onSignedOut }: { me: Me; onSignedOut: () => void }) {
  const id = useId();
  const toasts = useToasts();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === "Escape" : !ref.current?.contains(event.target as Node))
        setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  const run = async (everywhere: boolean) => {
    toasts.clear();
    setBusy(true);
    const failure = await signOut(everywhere);
    setBusy(false);
    if (failure) toasts.show("error", `Could not sign out: ${failure}`);
    else onSignedOut();
  };

  const label = me.user.name ?? me.user.email;
  return (
    <div className="account" ref={ref}>
      <button
        type="button"
        className="account-button"
        aria-expanded={open}
        aria-controls={`${id}-menu`}
        onClick={() => setOpen(!open)}
        data-testid="account-menu"
      >
        <span className="avatar" aria-hidden="true">
          {label.slice(0, 1).toUpperCase()}
        </span>
        <span className="account-name">{label}</span>
      </button>
      {open && (
        <div id={`${id}-menu`} className="menu" role="menu">
          <p className="menu-header" data-testid="signed-in-as">
            Signed in as <strong>{me.user.email}</strong>
            <span className="muted small"> via {me.session.auth_method}</span>
          </p>
          {me.organizations.map((org) => (
            <p key={org.id} className="muted small menu-header">
              {org.name} — {org.role}
            </p>
          ))}
          <Link to="/settings/api-keys" role="menuitem" className="menu-item" onClick={() => setOpen(false)}>
            API keys
          </Link>
          <button type="button" role="menuitem" className="menu-item" onClick={() => run(false)} disabled={busy}>
            Sign out
          </button>
          <button type="button" role="menuitem" className="menu-item" onClick={() => run(true)} disabled={busy}>
            Sign out everywhere
          </button>
        </div>
      )}
    </div>
  );
}
