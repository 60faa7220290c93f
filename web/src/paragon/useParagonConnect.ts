import { useCallback, useEffect, useRef, useState } from "react";
import { describeError } from "../connections/format";
import { fetchParagonSession, type ParagonSession } from "./api";

/** An integration the Paragon project offers (from the SDK's `getIntegrationMetadata`). */
export interface ParagonIntegration {
  type: string;
  name: string;
  icon: string;
}

export type ParagonState =
  | { state: "loading" }
  | { state: "not_configured" }
  | { state: "error"; message: string }
  | { state: "ready"; integrations: ParagonIntegration[] };

type ConnectSdk = typeof import("@useparagon/connect")["paragon"];

/** Renew the user token this long before it expires. */
const TOKEN_RENEW_MARGIN_MS = 5 * 60_000;

/**
 * The Paragon Connect SDK for the signed-in user: fetches a user token from our API, authenticates the SDK
 * with it (and the user's Name/Email metadata), lists the project's integrations and opens the Connect
 * Portal. The SDK is loaded only when Paragon is configured, so the app does not ship it otherwise.
 * @see https://docs.useparagon.com/getting-started/installing-the-connect-sdk
 */
export function useParagonConnect(onConnected: (integration: string) => void) {
  const [status, setStatus] = useState<ParagonState>({ state: "loading" });
  const sdk = useRef<ConnectSdk | null>(null);
  const session = useRef<ParagonSession | null>(null);

  const authenticate = useCallback(async (): Promise<ConnectSdk | null> => {
    const body = await fetchParagonSession();
    if (!body.success) {
      if (body.error.code === "paragon_not_configured") setStatus({ state: "not_configured" });
      else setStatus({ state: "error", message: describeError(body.error) });
      return null;
    }
    session.current = body.data;
    const { paragon } = await import("@useparagon/connect");
    await paragon.authenticate(body.data.project_id, body.data.token, { metadata: body.data.metadata });
    sdk.current = paragon;
    return paragon;
  }, []);

  useEffect(() => {
    let cancelled = false;
    authenticate()
      .then((paragon) => {
        if (!paragon || cancelled) return;
        const integrations = paragon
          .getIntegrationMetadata()
          .map(({ type, name, icon }) => ({ type, name, icon }))
          .sort((a, b) => a.name.localeCompare(b.name));
        setStatus({ state: "ready", integrations });
      })
      .catch((error: unknown) => {
        if (!cancelled) {
          const reason = error instanceof Error ? error.message : String(error);
          setStatus({ state: "error", message: `Paragon could not be loaded: ${reason}` });
        }
      });
    return () => {
      cancelled = true;
    };
  }, [authenticate]);

  const connect = useCallback(
    async (integration: string) => {
      let paragon = sdk.current;
      // Paragon User Tokens last an hour: a page left open longer gets a fresh one first.
      if (!paragon || (session.current && session.current.expires_at - Date.now() < TOKEN_RENEW_MARGIN_MS)) {
        paragon = await authenticate();
      }
      if (!paragon) return;
      await paragon.connect(integration, {
        onSuccess: () => onConnected(integration),
        onError: (error) => setStatus({ state: "error", message: `Connecting failed: ${error.message}` }),
      });
    },
    [authenticate, onConnected],
  );

  return { status, connect };
}
