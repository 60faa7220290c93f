import type { Context } from "hono";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { DevIdentityProvider } from "./providers/dev";
import type { IdentityProvider } from "./providers/types";
import { WorkOSIdentityProvider } from "./providers/workos";

/**
 * The identity provider for this deployment: WorkOS when configured; otherwise, outside production,
 * the dev identity provider; in production without WorkOS, none (sign-in answers 503).
 */
export function identityProvider(c: Context<AppEnv>): IdentityProvider | null {
  const config = c.var.config;
  if (config.workos) return new WorkOSIdentityProvider(config.workos);
  if (config.environment === "production") return null;
  return new DevIdentityProvider(c.env.KV, config.appOrigin);
}

export function requireIdentityProvider(c: Context<AppEnv>): IdentityProvider {
  const provider = identityProvider(c);
  if (!provider) throw new AppError("auth_not_configured", "Sign-in is not configured on this deployment");
  return provider;
}

/** WorkOS-only features (SSO, Magic Auth, admin portal, webhooks). */
export function requireWorkOS(c: Context<AppEnv>, feature: string): WorkOSIdentityProvider {
  const provider = identityProvider(c);
  if (provider instanceof WorkOSIdentityProvider) return provider;
  throw new AppError("auth_not_configured", `${feature} requires WorkOS, which is not configured on this deployment`);
}
