import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";

/**
 * Page-level notices ("Saved", "Deleted", "Connection failed: …"). A notice stays until dismissed or
 * until the next action starts (`clear()`, called by `useAction`), so an old success never sits next
 * to a new failure.
 */

export type ToastKind = "success" | "error" | "info";
interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

interface Toasts {
  show: (kind: ToastKind, text: string) => void;
  clear: () => void;
}

const ToastContext = createContext<Toasts>({ show: () => {}, clear: () => {} });
let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const show = useCallback((kind: ToastKind, text: string) => {
    setToasts((current) => [...current.slice(-2), { id: nextId++, kind, text }]);
  }, []);
  const clear = useCallback(() => setToasts([]), []);
  const value = useMemo(() => ({ show, clear }), [show, clear]);
  const dismiss = (id: number) => setToasts((current) => current.filter((toast) => toast.id !== id));
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" aria-live="polite" data-testid="toasts">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            className={`toast toast-${toast.kind}`}
            role={toast.kind === "error" ? "alert" : "status"}
          >
            <span>{toast.text}</span>
            <button type="button" className="link" onClick={() => dismiss(toast.id)} aria-label="Dismiss">
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToasts(): Toasts {
  return useContext(ToastContext);
}

/**
 * Wraps a user action: clears the notices of the previous one, tracks whether it is running, and
 * never runs it twice at once.
 */
export function useAction<A extends unknown[]>(run: (...args: A) => Promise<void>) {
  const { clear } = useToasts();
  const [running, setRunning] = useState(false);
  const start = useCallback(
    async (...args: A) => {
      if (running) return;
      clear();
      setRunning(true);
      try {
        await run(...args);
      } finally {
        setRunning(false);
      }
    },
    [clear, run, running],
  );
  return [start, running] as const;
}
