import * as z from "zod";
import { checkOutboundUrl } from "../outbound/url-policy";
import { applyClientAuthentication } from "./client-auth";
import type { OAuthApp } from "./oauth-app";
import { classifyRefreshFailure, type RefreshFailureKind } from "./refresh-policy";
import type { StoredTokens } from "./token-store";

/** The client credentials of an app, for `applyClientAuthentication`. */
export function oauthAppClient(app: OAuthApp) {
  return { clientId: app.clientId, clientSecret: app.clientSecret, method: app.tokenAuthMethod } as const;
}

/** Bound on one token-endpoint call. */
export const TOKEN_ENDPOINT_TIMEOUT_MS = 10_000;

const tokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().nonnegative().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

export type TokenEndpointResult =
  | { ok: true; tokens: StoredTokens }
  | { ok: false; kind: RefreshFailureKind; status: number | null; error: string; description: string };

/**
 * POSTs a grant to the token endpoint (RFC 6749 §4.1.3, §6) with the app's client authentication
 * (§2.3.1 HTTP Basic with form-encoded credentials, or in the body) and parses the answer — JSON, or the
 * form-encoded body some providers (GitHub) send — into the stored token shape. `previous` supplies the
 * refresh token to keep when a refresh response has none (RFC 6749 §6: the server *may* issue a new one).
 */
export async function callTokenEndpoint(
  app: OAuthApp,
  grant: Record<string, string>,
  options: { allowInsecure: boolean; now: number; previous?: StoredTokens },
): Promise<TokenEndpointResult> {
  const target = checkOutboundUrl(app.tokenUrl, { allowInsecure: options.allowInsecure });
  if (!target.ok)
    return { ok: false, kind: "rejected", status: null, error: "invalid_token_url", description: target.message };
  const body = new URLSearchParams({ ...app.extraTokenParams, ...grant });
  const headers = new Headers({ "content-type": "application/x-www-form-urlencoded", accept: "application/json" });
  applyClientAuthentication(oauthAppClient(app), headers, body);
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(TOKEN_ENDPOINT_TIMEOUT_MS),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
    return {
      ok: false,
      kind: "transient",
      status: null,
      error: timedOut ? "timeout" : "network_error",
      description: timedOut ? "The token endpoint did not answer in time" : "The token endpoint could not be reached",
    };
  }
  const text = await response.text();
  const parsed = parseBody(text, response.headers.get("content-type"));
  const error = typeof parsed?.error === "string" ? parsed.error : null;
  if (!response.ok || error) {
    const description =
      typeof parsed?.error_description === "string"
        ? parsed.error_description.slice(0, 300)
        : `HTTP ${response.status}`;
    return {
      ok: false,
      kind: classifyRefreshFailure({ status: response.status, error }),
      status: response.status,
      error: error ?? `http_${response.status}`,
      description,
    };
  }
  const tokens = tokenResponse.safeParse(parsed);
  if (!tokens.success) {
    return {
      ok: false,
      kind: "transient",
      status: response.status,
      error: "malformed_response",
      description: "The token endpoint returned an unreadable token response",
    };
  }
  const extras = Object.fromEntries(
    app.tokenResponseExtras.filter((key) => key in tokens.data).map((key) => [key, tokens.data[key]]),
  );
  const refreshToken = tokens.data.refresh_token ?? options.previous?.refresh_token;
  return {
    ok: true,
    tokens: {
      access_token: tokens.data.access_token,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      token_type: tokens.data.token_type ?? "Bearer",
      expires_at: tokens.data.expires_in !== undefined ? options.now + tokens.data.expires_in * 1000 : null,
      obtained_at: options.now,
      scope: tokens.data.scope
        ? tokens.data.scope.split(/[ ,]+/).filter(Boolean)
        : (options.previous?.scope ?? undefined),
      ...(Object.keys(extras).length > 0
        ? { extras }
        : options.previous?.extras
          ? { extras: options.previous.extras }
          : {}),
    },
  };
}

function parseBody(text: string, contentType: string | null): Record<string, unknown> | null {
  if (contentType?.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
