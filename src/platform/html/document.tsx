import type { Context } from "hono";
import { raw } from "hono/html";
import type { Child, FC, PropsWithChildren } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { PAGE_STYLES } from "./styles";

/**
 * The shared frame of server-rendered HTML (hono/jsx): `<!doctype html>` (standards mode), a UTF-8
 * charset declared before any text, the viewport, the product's stylesheet, and the brand. Used by the
 * sign-in pages and available to consent and OAuth result pages.
 */

/**
 * Their own CSP: no scripts at all, inline styles only, forms only to ourselves, never framed
 * (clickjacking). Pages that need an inline script pass a nonce-bearing CSP of their own.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface HtmlDocumentProps {
  title: string;
  /** A wider card, for pages with tables or long text (consent, errors with lists). */
  wide?: boolean;
  /** Extra markup for `<head>` (e.g. a nonce'd script of an OAuth result page). */
  head?: Child;
}

export const HtmlDocument: FC<PropsWithChildren<HtmlDocumentProps>> = ({ title, wide, head, children }) => (
  <>
    {raw("<!doctype html>")}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${title} · Edge Integrations`}</title>
        <style>{raw(PAGE_STYLES)}</style>
        {head}
      </head>
      <body>
        <p class="brand">
          <span class="brand-mark" aria-hidden="true">
            E
          </span>
          Edge Integrations
        </p>
        <main class={wide ? "wide" : undefined}>{children}</main>
      </body>
    </html>
  </>
);

export interface RenderHtmlOptions extends Omit<HtmlDocumentProps, "title"> {
  /** Replaces `PAGE_CSP` (keep `frame-ancestors 'none'`). */
  csp?: string;
}

/** Answers with a full page: never cached (it may carry a CSRF token or state), with its CSP. */
export function renderHtml(
  c: Context,
  status: ContentfulStatusCode,
  title: string,
  body: Child,
  options: RenderHtmlOptions = {},
) {
  const { csp, ...document } = options;
  c.header("content-security-policy", csp ?? PAGE_CSP);
  c.header("cache-control", "no-store");
  return c.html(
    <HtmlDocument title={title} {...document}>
      {body}
    </HtmlDocument>,
    status,
  );
}
