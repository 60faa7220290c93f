/**
 * The stylesheet of every server-rendered page (sign-in, consent, OAuth results, errors): the same
 * tokens as the web app (web/src/styles.css), so leaving the app for a sign-in page does not look like
 * leaving the product. Inserted as raw text by `HtmlDocument`, never through JSX text escaping (which
 * would turn `"Segoe UI"` into `&quot;Segoe UI&quot;` and make the browser drop the whole rule).
 */
export const PAGE_STYLES = `
:root{--font:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;--fg:#1f2328;--muted:#59636e;--bg:#f6f8fa;--surface:#fff;--border:#d0d7de;--accent:#1f6feb;--link:#0969da;--danger:#cf222e;--error-bg:#ffebe9;--error-fg:#a40e26;--radius:8px}
*{box-sizing:border-box}
html{font-family:var(--font);color:var(--fg);background:var(--bg);line-height:1.5}
body{margin:0;min-width:320px}
.brand{display:flex;align-items:center;gap:.5rem;justify-content:center;margin:2.5rem 0 1rem;font-weight:700}
.brand-mark{display:inline-grid;place-items:center;width:1.75rem;height:1.75rem;border-radius:6px;background:var(--accent);color:#fff}
main{max-width:28rem;margin:0 auto 3rem;background:var(--surface);border:1px solid var(--border);border-radius:var(--radius);padding:2rem}
main.wide{max-width:40rem}
h1{font-size:1.35rem;margin:0 0 .75rem;line-height:1.25}
p{margin:0 0 .75rem}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input,select{width:100%;padding:.5rem .6rem;border:1px solid var(--border);border-radius:6px;font:inherit;min-height:2.5rem;background:var(--surface)}
input:focus-visible,button:focus-visible,a:focus-visible{outline:2px solid var(--link);outline-offset:2px}
button,.button{display:inline-block;margin-top:1.5rem;width:100%;padding:.6rem 1rem;border:0;border-radius:6px;background:var(--accent);color:#fff;font:inherit;font-weight:500;text-align:center;text-decoration:none;cursor:pointer}
button.secondary{background:var(--surface);color:var(--fg);box-shadow:inset 0 0 0 1px var(--border)}
button.danger{background:var(--danger)}
.actions{display:flex;gap:.5rem}.actions button{margin-top:1rem}
.note{color:var(--muted);font-size:.9rem}
.alert{padding:.75rem 1rem;border-radius:var(--radius);background:var(--error-bg);color:var(--error-fg)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875rem;background:#eff1f3;padding:.1rem .3rem;border-radius:4px;overflow-wrap:anywhere}
a{color:var(--link)}
ul{padding-left:1.25rem}
@media (max-width:480px){main{margin:0 .75rem 2rem;padding:1.25rem}}
`;
