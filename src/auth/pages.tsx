import type { Context } from "hono";
import type { Child, FC, PropsWithChildren } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../platform/context";

/**
 * Server-rendered pages of the sign-in flow (hono/jsx). They set their own CSP: no scripts at all,
 * inline styles only, forms only to ourselves, never framed (clickjacking).
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f6f8fa;color:#1f2328;margin:0}
main{max-width:26rem;margin:4rem auto;background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:2rem}
h1{font-size:1.3rem;margin-top:0}label{display:block;margin:1rem 0 .25rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #d0d7de;border-radius:6px;font-size:1rem}
button{margin-top:1.5rem;width:100%;padding:.6rem;border:0;border-radius:6px;background:#1f6feb;color:#fff;font-size:1rem;cursor:pointer}
.note{color:#57606a;font-size:.9rem}a{color:#0969da}`;

const Layout: FC<PropsWithChildren<{ title: string }>> = ({ title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{title}</title>
      <style>{STYLE}</style>
    </head>
    <body>
      <main>{children}</main>
    </body>
  </html>
);

export function renderPage(c: Context<AppEnv>, status: ContentfulStatusCode, title: string, body: Child) {
  c.header("content-security-policy", PAGE_CSP);
  c.header("cache-control", "no-store");
  return c.html(<Layout title={title}>{body}</Layout>, status);
}

/** The dev identity provider's sign-in form (SPEC §5.2: fields `email`, `name`, hidden `state`). */
export function devLoginPage(c: Context<AppEnv>, state: string, error?: string) {
  return renderPage(
    c,
    error ? 400 : 200,
    "Sign in (development)",
    <>
      <h1>Sign in — development identity provider</h1>
      <p class="note">
        WorkOS is not configured, so this local stand-in signs you in as whoever you type. It never exists in
        production.
      </p>
      {error && <p role="alert">{error}</p>}
      <form method="post" action="/api/auth/dev/login">
        <input type="hidden" name="state" value={state} />
        <label for="email">Email</label>
        <input id="email" name="email" type="email" required autocomplete="email" maxlength={254} />
        <label for="name">Name</label>
        <input id="name" name="name" type="text" autocomplete="name" maxlength={100} />
        <button type="submit">Sign in</button>
      </form>
    </>,
  );
}

/** A sign-in failure the user can act on: what happened, and a way back. */
export function signInErrorPage(c: Context<AppEnv>, status: ContentfulStatusCode, title: string, detail: string) {
  return renderPage(
    c,
    status,
    title,
    <>
      <h1>{title}</h1>
      <p>{detail}</p>
      <p>
        <a href="/">Back to the app</a> to start signing in again.
      </p>
      <p class="note">Request id: {c.var.requestId}</p>
    </>,
  );
}
