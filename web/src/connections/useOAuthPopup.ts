import { useCallback, useEffect, useRef, useState } from "react";
import { API_ORIGIN } from "../api";
import { authorizeUrl } from "./api";
import { describeError } from "./format";
import {
  listenForRelayedOutcomes,
  type OAuthOutcome,
  outcomeFromMessage,
  relayOutcome,
  takeRedirectOutcome,
} from "./oauthResult";

/** The API's origin when it is not this page's (a Pages deployment): its callback page posts from there. */
const API_ORIGIN_ONLY = API_ORIGIN ? new URL(API_ORIGIN).origin : window.location.origin;
const POPUP_FEATURES = "popup,width=600,height=700";
/** The server keeps an authorization transaction 10 minutes; waiting longer is pointless. */
const PENDING_TIMEOUT_MS = 10 * 60 * 1000;

export interface OAuthRequest {
  /** Catalog provider id (`github`, `custom_oauth2`, …). */
  provider: string;
  /** What the user is connecting, for the "waiting" message. */
  label: string;
  /** Reconnects this connection (required for `custom_oauth2`); without it the server creates one. */
  connectionId?: string;
  /** Name of the connection the server creates. */
  name?: string;
  /** Runs after the popup opened, before authorizing; returns the connection id, or null to abort. */
  prepare?: () => Promise<string | null>;
}

export interface OAuthPopup {
  /** What is being connected while a flow is under way. */
  pending: string | null;
  /** This window is a popup whose outcome was handed to the page that opened it. */
  handedOver: boolean;
  /** Starts a flow. Call it straight from a click handler, or the browser may block the popup. */
  start: (request: OAuthRequest) => void;
  cancel: () => void;
}

/**
 * The authorization-code flow in a popup: `GET /api/oauth/:provider/authorize` → `{authUrl}` → popup →
 * the callback page posts the outcome back. Falls back to a full-page navigation when the popup is
 * blocked; the outcome then comes back in the URL (see oauthResult.ts).
 */
export function useOAuthPopup(onOutcome: (outcome: OAuthOutcome) => void): OAuthPopup {
  const [pending, setPending] = useState<string | null>(null);
  const [handedOver, setHandedOver] = useState(false);
  const onOutcomeRef = useRef(onOutcome);
  const pendingRef = useRef(false);
  const popupRef = useRef<Window | null>(null);
  const timerRef = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    onOutcomeRef.current = onOutcome;
  });

  const stop = useCallback(() => {
    pendingRef.current = false;
    popupRef.current = null;
    clearTimeout(timerRef.current);
    setPending(null);
  }, []);

  const finish = useCallback(
    (outcome: OAuthOutcome) => {
      stop();
      onOutcomeRef.current(outcome);
    },
    [stop],
  );

  // The callback page in the popup posts to this origin only; anything else is ignored.
  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== window.location.origin && event.origin !== API_ORIGIN_ONLY) return;
      const outcome = outcomeFromMessage(event.data);
      if (outcome) finish(outcome);
    };
    window.addEventListener("message", onMessage);
    const stopListening = listenForRelayedOutcomes(() => pendingRef.current, finish);
    return () => {
      window.removeEventListener("message", onMessage);
      stopListening();
    };
  }, [finish]);

  // Loaded with `?oauth=…`: hand the outcome to the page waiting for it (then this is the popup), or show it.
  useEffect(() => {
    const outcome = takeRedirectOutcome();
    if (!outcome) return;
    let active = true;
    relayOutcome(outcome).then((taken) => {
      if (!active) return;
      if (taken) {
        setHandedOver(true);
        window.close();
      } else onOutcomeRef.current(outcome);
    });
    return () => {
      active = false;
    };
  }, []);

  useEffect(() => () => clearTimeout(timerRef.current), []);

  const start = useCallback(
    (request: OAuthRequest) => {
      if (pendingRef.current) return;
      // Opened now, while the click still counts as a user gesture; pointed at the provider once the URL is known.
      const popup = window.open("", "oauth", POPUP_FEATURES);
      if (popup) {
        try {
          popup.document.title = `Connecting ${request.label}…`;
          popup.document.body.textContent = `Opening ${request.label}…`;
        } catch {
          // A window of that name already shows another origin: it is navigated below all the same.
        }
      }
      popupRef.current = popup;
      pendingRef.current = true;
      setPending(request.label);
      clearTimeout(timerRef.current);
      timerRef.current = setTimeout(stop, PENDING_TIMEOUT_MS);

      const run = async () => {
        let connectionId = request.connectionId;
        if (request.prepare) {
          const prepared = await request.prepare();
          if (!prepared) {
            popup?.close();
            stop();
            return;
          }
          connectionId = prepared;
        }
        const body = await authorizeUrl(request.provider, { connectionId, name: request.name });
        if (!pendingRef.current) {
          popup?.close(); // cancelled meanwhile
          return;
        }
        if (!body.success) {
          popup?.close();
          finish({ type: "oauth_error", error: body.error.code, description: describeError(body.error) });
          return;
        }
        if (!popup) window.location.assign(body.data.authUrl);
        else if (popup.closed) stop();
        else popup.location.href = body.data.authUrl;
      };
      void run();
    },
    [finish, stop],
  );

  const cancel = useCallback(() => {
    popupRef.current?.close();
    stop();
  }, [stop]);

  return { pending, handedOver, start, cancel };
}
