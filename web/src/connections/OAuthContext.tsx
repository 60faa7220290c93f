import { createContext, type ReactNode, useCallback, useContext } from "react";
import { navigate } from "../router/router";
import { useToasts } from "../shell/toasts";
import type { OAuthOutcome } from "./oauthResult";
import { type OAuthPopup, useOAuthPopup } from "./useOAuthPopup";

/**
 * One OAuth popup flow for the whole app, so an outcome arriving on any page (including the
 * `?oauth=…` fallback redirect to `/`) is reported, and a success opens the connection.
 */
const OAuthContext = createContext<OAuthPopup | null>(null);

export function OAuthFlowProvider({ children }: { children: ReactNode }) {
  const toasts = useToasts();
  const onOutcome = useCallback(
    (outcome: OAuthOutcome) => {
      if (outcome.type === "oauth_success") {
        const { id, name } = outcome.connection ?? {};
        toasts.show("success", name ? `Connected “${name}”.` : "Connected.");
        navigate(id ? `/connections/${encodeURIComponent(id)}` : "/connections");
      } else toasts.show("error", `Connection failed: ${outcome.description}`);
    },
    [toasts],
  );
  const oauth = useOAuthPopup(onOutcome);
  if (oauth.handedOver) {
    return (
      <main className="main">
        <p role="status">Authorization finished. You can close this window.</p>
      </main>
    );
  }
  return (
    <OAuthContext.Provider value={oauth}>
      {oauth.pending && (
        <div className="notice notice-info oauth-pending" role="status" data-testid="oauth-pending">
          Waiting for you to authorize {oauth.pending} in the popup window…{" "}
          <button type="button" className="secondary small" onClick={oauth.cancel}>
            Cancel
          </button>
        </div>
      )}
      {children}
    </OAuthContext.Provider>
  );
}

export function useOAuthFlow(): OAuthPopup {
  const oauth = useContext(OAuthContext);
  if (!oauth) throw new Error("useOAuthFlow needs an OAuthFlowProvider");
  return oauth;
}
