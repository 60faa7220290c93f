import type { Context } from "hono";
import { raw } from "hono/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { randomToken } from "../crypto/tokens";
import type { AppEnv } from "../platform/context";
import { HtmlDocument } from "../platform/html";

export type OAuthPopupMessage =
  | { type: "oauth_success"; connection: unknown }
  | { type: "oauth_error"; error: string; description: string };

/** JSON safe to embed inside a <script> element (no `</script>`, no U+2028/2029 surprises). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}

/**
 * The page the provider redirects the popup to. It posts the outcome to the app's origin only (never
 * `*`: the message names the connection) and closes; opened without a popup, it sends the browser back
 * to the app with the outcome in the query. The only script is this one, allowed by a per-response nonce.
 */
export function oauthResultPage(c: Context<AppEnv>, status: ContentfulStatusCode, message: OAuthPopupMessage) {
  const nonce = randomToken(16);
  const appOrigin = c.var.config.appOrigin;
  // The app may be served from another origin of the same site (a Pages deployment listed in
  // CORS_ALLOWED_ORIGINS); postMessage delivers only to the opener whose origin matches one of these.
  const appOrigins = [...c.var.config.corsAllowedOrigins];
  const fallback = new URL("/", appOrigin);
  fallback.searchParams.set("oauth", message.type === "oauth_success" ? "success" : "error");
  if (message.type === "oauth_error") fallback.searchParams.set("error", message.error);
  const script = `(function(){var m=${scriptJson(message)};var o=${scriptJson(appOrigins)};
if(window.opener&&!window.opener.closed){o.forEach(function(t){window.opener.postMessage(m,t);});window.close();}
else{window.location.replace(${scriptJson(fallback.pathname + fallback.search)});}})();`;
  c.header(
    "content-security-policy",
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'`,
  );
  c.header("cache-control", "no-store");
  // This page must reach its opener: the platform's default `same-origin` opener policy would sever the
  // popup from the app (the popup went through the provider's origin on its way here).
  c.header("cross-origin-opener-policy", "unsafe-none");
  const title = message.type === "oauth_success" ? "Connected" : "Connection failed";
  const text =
    message.type === "oauth_success" ? "The connection is ready. You can close this window." : message.description;
  return c.html(
    <HtmlDocument title={title} head={<script nonce={nonce}>{raw(script)}</script>}>
      <h1>{title}</h1>
      <p>{text}</p>
    </HtmlDocument>,
    status,
  );
}
