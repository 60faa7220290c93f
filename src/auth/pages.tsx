import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../platform/context";
import { renderHtml } from "../platform/html";

/**
 * Server-rendered pages of the sign-in flow, in the shared frame of `platform/html` (doctype, charset,
 * the product's stylesheet, a script-free CSP, never framed).
 */
/** The dev identity provider's sign-in form (SPEC §5.2: fields `email`, `name`, hidden `state`). */
export function devLoginPage(c: Context<AppEnv>, state: string, error?: string) {
  return renderHtml(
    c,
    error ? 400 : 200,
    "Sign in (development)",
    <>
      <h1>Sign in — development identity provider</h1>
      <p class="note">
        WorkOS is not configured, so this local stand-in signs you in as whoever you type. It never exists in
        production.
      </p>
      {error && (
        <p role="alert" class="alert">
          {error}
        </p>
      )}
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
  return renderHtml(
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
