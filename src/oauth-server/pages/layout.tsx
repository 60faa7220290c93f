import type { FC, PropsWithChildren } from "hono/jsx";

/**
 * Page shell of the authorization server's pages (consent, errors). No scripts at all; styles are
 * inline and emitted raw (`dangerouslySetInnerHTML`) because JSX text children are HTML-escaped,
 * which would turn `"Segoe UI"` into `&quot;Segoe UI&quot;` and break the stylesheet.
 */
const STYLE = `
:root{color-scheme:light dark;--bg:#f5f6f8;--card:#fff;--fg:#16181d;--muted:#5b6270;--line:#dfe3ea;--accent:#2456e6;--accent-fg:#fff;--warn-bg:#fff6e0;--warn-line:#f0c45a;--warn-fg:#5c4300;--danger:#b42318}
@media (prefers-color-scheme:dark){:root{--bg:#0f1115;--card:#171a21;--fg:#e8eaf0;--muted:#9aa3b2;--line:#2a2f3a;--accent:#4c7dff;--warn-bg:#2b2410;--warn-line:#7a5d12;--warn-fg:#f3d98b;--danger:#ff6b5e}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:flex-start;justify-content:center;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;-webkit-font-smoothing:antialiased}
main{width:100%;max-width:28rem;margin:8vh 1rem 2rem;background:var(--card);border:1px solid var(--line);border-radius:14px;box-shadow:0 1px 2px rgba(16,24,40,.06),0 8px 24px rgba(16,24,40,.06);overflow:hidden}
header{padding:1.5rem 1.75rem 0}
.brand{display:flex;align-items:center;gap:.5rem;color:var(--muted);font-size:.8rem;font-weight:600;letter-spacing:.04em;text-transform:uppercase}
.brand svg{width:18px;height:18px}
section{padding:1rem 1.75rem 1.5rem}
h1{font-size:1.25rem;line-height:1.35;margin:.75rem 0 .25rem;font-weight:650}
.sub{color:var(--muted);margin:0 0 1rem}
.app{display:flex;gap:.75rem;align-items:center;padding:.75rem;border:1px solid var(--line);border-radius:10px;margin:1rem 0}
.avatar{flex:none;width:40px;height:40px;border-radius:10px;background:var(--accent);color:var(--accent-fg);display:grid;place-items:center;font-weight:700;font-size:1.1rem}
.app strong{display:block;word-break:break-word}
.app small{color:var(--muted);word-break:break-all}
.warn{background:var(--warn-bg);border:1px solid var(--warn-line);color:var(--warn-fg);border-radius:10px;padding:.65rem .8rem;margin:.5rem 0;font-size:.9rem}
h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:1.25rem 0 .5rem}
ul.scopes{list-style:none;margin:0;padding:0;border:1px solid var(--line);border-radius:10px}
ul.scopes li{display:flex;gap:.6rem;padding:.6rem .8rem;border-top:1px solid var(--line)}
ul.scopes li:first-child{border-top:0}
ul.scopes li::before{content:"";flex:none;width:.5rem;height:.5rem;margin-top:.5rem;border-radius:50%;background:var(--accent)}
ul.scopes code{color:var(--muted);font-size:.78rem}
.account{color:var(--muted);font-size:.9rem;margin-top:1rem}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}
button{flex:1;font:inherit;font-weight:600;padding:.65rem 1rem;border-radius:9px;cursor:pointer;border:1px solid var(--line);background:transparent;color:var(--fg)}
button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-fg)}
button:focus-visible{outline:3px solid color-mix(in srgb,var(--accent) 40%,transparent);outline-offset:2px}
.fine{color:var(--muted);font-size:.8rem;margin:1rem 0 0}
.error h1{color:var(--danger)}
code.id{font-size:.8rem;word-break:break-all}
a{color:var(--accent)}`;

const Mark: FC = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2">
    <path d="M12 3l8 4v5c0 5-3.5 8-8 9-4.5-1-8-4-8-9V7z" />
  </svg>
);

export const PageLayout: FC<PropsWithChildren<{ title: string; className?: string }>> = ({
  title,
  className,
  children,
}) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <meta name="referrer" content="no-referrer" />
      <title>{title}</title>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant stylesheet, no user data */}
      <style dangerouslySetInnerHTML={{ __html: STYLE }} />
    </head>
    <body>
      <main class={className}>
        <header>
          <div class="brand">
            <Mark />
            Authorization
          </div>
        </header>
        <section>{children}</section>
      </main>
    </body>
  </html>
);

/**
 * CSP for these pages: nothing but inline styles, never framed (`frame-ancestors 'none'`, the
 * clickjacking defence RFC 9700 §4.16 asks of consent pages), forms only to ourselves — plus, on the
 * consent page, the client's redirect origin, because browsers apply `form-action` to the redirect
 * that follows the form submission.
 */
export function pageCsp(formTargets: readonly string[] = []): string {
  const formAction = ["'self'", ...formTargets].join(" ");
  return `default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`;
}
