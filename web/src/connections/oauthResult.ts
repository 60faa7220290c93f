/**
 * Outcomes of the OAuth popup flow, and how they reach the page that started it.
 *
 * The callback page (src/oauth-client/pages.tsx) posts `{type: "oauth_success" | "oauth_error"}` to its
 * opener and closes. When it has no opener (the popup was blocked and the whole page went to the
 * provider, or a Cross-Origin-Opener-Policy severed the popup from this page) it sends the browser to
 * `/?oauth=success` or `/?oauth=error&error=<code>` instead. If that lands in a popup while the page that
 * started the flow is still open, the outcome is handed over on a same-origin BroadcastChannel.
 */

export type OAuthOutcome =
  | { type: "oauth_success"; connection?: { id?: string; name?: string } }
  | { type: "oauth_error"; error: string; description: string };

const ERROR_DESCRIPTIONS: Record<string, string> = {
  access_denied: "You declined to grant access.",
  invalid_state: "This authorization expired, was already used, or was started by another account. Start again.",
  connection_not_found: "The connection being reconnected no longer exists.",
  invalid_request: "The provider did not return an authorization code.",
};

export function describeOAuthError(code: string): string {
  return ERROR_DESCRIPTIONS[code] ?? `The provider refused the authorization (${code}).`;
}

/** A `message` event's data, if it is an outcome of the callback page. */
export function outcomeFromMessage(data: unknown): OAuthOutcome | null {
  if (!data || typeof data !== "object") return null;
  const message = data as { type?: unknown; connection?: unknown; error?: unknown; description?: unknown };
  if (message.type === "oauth_success") {
    const connection =
      message.connection && typeof message.connection === "object"
        ? (message.connection as { id?: string; name?: string })
        : undefined;
    return { type: "oauth_success", connection };
  }
  if (message.type === "oauth_error") {
    const error = typeof message.error === "string" ? message.error : "oauth_error";
    const description = typeof message.description === "string" ? message.description : describeOAuthError(error);
    return { type: "oauth_error", error, description };
  }
  return null;
}

let redirectOutcome: OAuthOutcome | null | undefined;

/**
 * The outcome in this page's URL (`?oauth=…`), read once per page load; the parameters are removed from
 * the address bar so a reload or a shared link does not show it again.
 */
export function takeRedirectOutcome(): OAuthOutcome | null {
  if (redirectOutcome !== undefined) return redirectOutcome;
  const url = new URL(window.location.href);
  const kind = url.searchParams.get("oauth");
  if (kind === "success") redirectOutcome = { type: "oauth_success" };
  else if (kind === "error") {
    const error = (url.searchParams.get("error") ?? "oauth_error").slice(0, 60);
    redirectOutcome = { type: "oauth_error", error, description: describeOAuthError(error) };
  } else redirectOutcome = null;
  if (kind !== null) {
    url.searchParams.delete("oauth");
    url.searchParams.delete("error");
    window.history.replaceState(window.history.state, "", `${url.pathname}${url.search}${url.hash}`);
  }
  return redirectOutcome;
}

const CHANNEL_NAME = "edge-integrations:oauth";
const ACK_TIMEOUT_MS = 800;

type ChannelMessage = { kind: "result"; id: string; outcome: OAuthOutcome } | { kind: "ack"; id: string };

let relay: Promise<boolean> | undefined;

/**
 * Offers an outcome to another tab of the app that is waiting for one. Resolves `true` when that tab
 * took it (this window is then the popup and may close), `false` when nobody answered in time.
 */
export function relayOutcome(outcome: OAuthOutcome): Promise<boolean> {
  relay ??= new Promise<boolean>((resolve) => {
    if (typeof BroadcastChannel === "undefined") {
      resolve(false);
      return;
    }
    const channel = new BroadcastChannel(CHANNEL_NAME);
    const id = crypto.randomUUID();
    const done = (taken: boolean) => {
      clearTimeout(timer);
      channel.close();
      resolve(taken);
    };
    const timer = setTimeout(() => done(false), ACK_TIMEOUT_MS);
    channel.onmessage = (event: MessageEvent<ChannelMessage>) => {
      if (event.data?.kind === "ack" && event.data.id === id) done(true);
    };
    channel.postMessage({ kind: "result", id, outcome } satisfies ChannelMessage);
  });
  return relay;
}

/** Listens for outcomes relayed by a popup; `accept` says whether this tab is waiting for one. */
export function listenForRelayedOutcomes(accept: () => boolean, onOutcome: (outcome: OAuthOutcome) => void) {
  if (typeof BroadcastChannel === "undefined") return () => {};
  const channel = new BroadcastChannel(CHANNEL_NAME);
  channel.onmessage = (event: MessageEvent<ChannelMessage>) => {
    const data = event.data;
    if (data?.kind !== "result" || !accept()) return;
    const outcome = outcomeFromMessage(data.outcome);
    if (!outcome) return;
    channel.postMessage({ kind: "ack", id: data.id } satisfies ChannelMessage);
    onOutcome(outcome);
  };
  return () => channel.close();
}
