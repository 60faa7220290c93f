import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import type { AppConfig } from "../platform/config";
import type { AppEnv } from "../platform/context";

/**
 * Cookie names and attributes (SPEC §5.3; RFC 6265bis). On https the `__Host-` prefix pins the cookie
 * to our exact origin (Secure, Path=/, no Domain); on http://localhost development the prefix and
 * `Secure` are dropped, which browsers require there.
 */
function isSecure(config: AppConfig): boolean {
  return config.appUrl.protocol === "https:";
}

export function sessionCookieName(config: AppConfig): string {
  return isSecure(config) ? "__Host-session" : "session";
}

/** Binds a sign-in transaction to the browser that started it (see transactions.ts). */
export function signInNonceCookieName(config: AppConfig): string {
  return isSecure(config) ? "__Host-signin_nonce" : "signin_nonce";
}

function baseOptions(config: AppConfig): CookieOptions {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: isSecure(config),
    ...(isSecure(config) ? { prefix: "host" } : {}),
  };
}

/** hono adds the prefix itself when `prefix` is set, so pass the bare name then. */
function bareName(config: AppConfig, name: string): string {
  return isSecure(config) ? name.replace(/^__Host-/, "") : name;
}

export function setAppCookie(c: Context<AppEnv>, name: string, value: string, maxAgeSeconds: number): void {
  setCookie(c, bareName(c.var.config, name), value, { ...baseOptions(c.var.config), maxAge: maxAgeSeconds });
}

export function clearAppCookie(c: Context<AppEnv>, name: string): void {
  deleteCookie(c, bareName(c.var.config, name), baseOptions(c.var.config));
}

export function readAppCookie(c: Context<AppEnv>, name: string): string | undefined {
  return getCookie(c, name);
}
