import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import type { Envelope } from "../api";
import { describeError } from "../connections/format";

/** What a page shows while its data loads, when it fails, and when there is nothing yet. */

export type Load<T> = { state: "loading" } | { state: "ready"; value: T } | { state: "error"; message: string };

/**
 * Loads an envelope on mount and whenever `key` changes; `reload` runs it again. A result that
 * arrives after the key changed (or the page went away) is dropped, so a slow answer for the previous
 * connection never replaces the current one.
 */
export function useLoad<T>(load: () => Promise<Envelope<T>>, key = "") {
  const loadRef = useRef(load);
  loadRef.current = load;
  const [value, setValue] = useState<Load<T>>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` and `attempt` are the triggers; `load` is read through a ref
  useEffect(() => {
    let active = true;
    loadRef.current().then((body) => {
      if (!active) return;
      setValue(
        body.success ? { state: "ready", value: body.data } : { state: "error", message: describeError(body.error) },
      );
    });
    return () => {
      active = false;
    };
  }, [key, attempt]);
  const reload = useCallback(() => setAttempt((current) => current + 1), []);
  return [value, reload] as const;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function ErrorState({ what, message, retry }: { what: string; message: string; retry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <p>
        Could not load {what}: {message}
      </p>
      {retry && (
        <button type="button" className="secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}

/** Renders a `Load` with the shared loading and error states. */
export function Loaded<T>({
  load,
  what,
  retry,
  children,
}: {
  load: Load<T>;
  what: string;
  retry?: () => void;
  children: (value: T) => ReactNode;
}) {
  if (load.state === "loading") return <Loading what={what} />;
  if (load.state === "error") return <ErrorState what={what} message={load.message} retry={retry} />;
  return <>{children(load.value)}</>;
}
