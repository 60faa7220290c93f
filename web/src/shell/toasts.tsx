import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";

/**
 * Page-level notices ("Saved", "Deleted", "Connection failed: …"). A notice stays until dismissed or
 * until the next action starts (each action calls `clear()` first), so an old success never sits next
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
