import { type Context, Hono } from "hono";
import * as z from "zod";
import { recordAudit } from "../audit/record";
import { keyringFor } from "../crypto/keyring";
import { computeCodeChallenge, createCodeVerifier } from "../crypto/pkce";
import { randomToken, sha256Hex } from "../crypto/tokens";
import { getDb } from "../db/client";
import type { AppEnv } from "../platform/context";
import { AppError } from "../platform/errors";
import { describeError } from "../platform/logger";
import { jsonBody, queryParams } from "../platform/middleware/body";
import { clientIp, enforceRateLimit } from "../platform/rate-limit";
import { clearAppCookie, readAppCookie, sessionCookieName, setAppCookie, signInNonceCookieName } from "./cookies";
import { requireIdentityProvider, requireWorkOS } from "./identity";
import { devLoginPage, signInErrorPage } from "./pages";
import { DEV_LOGIN_PATH, DevIdentityProvider } from "./providers/dev";
import { IdentityProviderError, type SignInProfile } from "./providers/types";
import { workosClient, workosFailureToAppError } from "./providers/workos";
import { sanitizeReturnTo } from "./return-to";
import { currentSession, requireSession, sessionAuth } from "./session-auth";
import { SESSION_ABSOLUTE_LIFETIME_MS } from "./session-policy";
import { createSession, type LoadedSession, revokeSession, revokeUserSessions } from "./sessions";
import {
  consumeSignInTransaction,
  peekSignInTransaction,
  SIGN_IN_TRANSACTION_TTL_SECONDS,
  saveSignInTransaction,
} from "./transactions";
import { upsertSignedInUser } from "./users";

/** Sign-in methods offered through AuthKit (SPEC §5.1). */
export const SIGN_IN_PROVIDERS = ["authkit", "GoogleOAuth", "MicrosoftOAuth", "GitHubOAuth"] as const;
export const CALLBACK_PATH = "/api/auth/callback";
/** Rate-limit period of RATE_LIMIT_SIGN_IN (wrangler.toml). */
const SIGN_IN_RATE_PERIOD_SECONDS = 60;

const emailSchema = z
  .email({ error: "must be an email address" })
  .max(254)
  .transform((email) => email.toLowerCase());

/** Serialises the signed-in user for `/api/auth/me` and sign-in responses. */
export function describeSession(session: LoadedSession) {
  return {
    user: {
      id: session.user.id,
      email: session.user.email,
      name: session.user.name,
      email_verified: session.user.emailVerified,
      last_login_at: session.user.lastLoginAt,
    },
    organizations: session.organizations,
    session: {
      id: session.id,
      auth_method: session.authMethod,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
    },
  };
}

async function limitSignIn(c: Context<AppEnv>, email?: string) {
  await enforceRateLimit(c.env.RATE_LIMIT_SIGN_IN, `ip:${clientIp(c)}`, SIGN_IN_RATE_PERIOD_SECONDS);
  if (email)
    await enforceRateLimit(c.env.RATE_LIMIT_SIGN_IN, `email:${await sha256Hex(email)}`, SIGN_IN_RATE_PERIOD_SECONDS);
}

/** Starts a redirect sign-in: state + PKCE + browser binding, then 302 to the provider. */
async function startSignIn(
  c: Context<AppEnv>,
  options: { provider: string; organizationExternalId?: string; returnTo?: string },
) {
  const identity = requireIdentityProvider(c);
  const state = randomToken();
  const codeVerifier = createCodeVerifier();
  const nonce = randomToken();
  await saveSignInTransaction(c.env.KV, state, {
    via: identity.kind,
    provider: options.provider,
    codeVerifier,
    returnTo: sanitizeReturnTo(options.returnTo, c.var.config.appOrigin),
    browserNonceHash: await sha256Hex(nonce),
    createdAt: Date.now(),
  });
  setAppCookie(c, signInNonceCookieName(c.var.config), nonce, SIGN_IN_TRANSACTION_TTL_SECONDS);
  const url = identity.authorizationUrl({
    provider: options.provider,
    organizationExternalId: options.organizationExternalId,
    state,
    codeChallenge: await computeCodeChallenge(codeVerifier),
    redirectUri: new URL(CALLBACK_PATH, c.var.config.appOrigin).toString(),
  });
  c.header("cache-control", "no-store");
  return c.redirect(url, 302);
}

/** Upserts the user and starts our session (cookie set on `c`). Shared by every sign-in method. */
async function completeSignIn(c: Context<AppEnv>, profile: SignInProfile) {
  const config = c.var.config;
  const db = getDb(c.env.DB);
  const now = Date.now();
  const resolveOrganization = config.workos
    ? async (externalId: string) => {
        const organization = await workosClient(
          config.workos as NonNullable<typeof config.workos>,
        ).organizations.getOrganization(externalId);
        return { name: organization.name, domain: organization.domains[0]?.domain ?? null };
      }
    : undefined;
  const user = await upsertSignedInUser(db, profile, now, resolveOrganization);
  const session = await createSession(
    db,
    keyringFor(config.keyring),
    config.sessionSecret,
    {
      userId: user.id,
      authMethod: profile.authMethod,
      providerSession: profile.providerSession,
      ip: clientIp(c),
      userAgent: c.req.header("user-agent") ?? null,
    },
    now,
  );
  setAppCookie(c, sessionCookieName(config), session.cookieValue, Math.floor(SESSION_ABSOLUTE_LIFETIME_MS / 1000));
  recordAudit(c, {
    action: "auth.sign_in",
    outcome: "success",
    actorId: user.id,
    metadata: { method: profile.authMethod },
  });
  return { user, sessionId: session.id };
}

/** `POST /api/auth/magic-auth` and `/verify` (exported for the OpenAPI document). */
export const magicAuthBody = z.strictObject({ email: emailSchema });
export const magicAuthVerifyBody = z.strictObject({
  email: emailSchema,
  code: z.string().regex(/^\d{6}$/, { error: "must be the 6-digit code" }),
});

export const authorizeQuery = z.object({
  provider: z.enum(SIGN_IN_PROVIDERS).optional().default("authkit"),
  return_to: z.string().max(2048).optional(),
});

export const ssoQuery = z.object({
  organization: z
    .string()
    .trim()
    .min(1)
    .max(253)
    .transform((value) => value.toLowerCase()),
  return_to: z.string().max(2048).optional(),
});

const callbackQuery = z.object({
  state: z.string().max(256).optional(),
  code: z.string().max(512).optional(),
  error: z.string().max(100).optional(),
  error_description: z.string().max(500).optional(),
});

const devLoginForm = z.object({
  state: z.string().min(1).max(256),
  email: emailSchema,
  name: z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((name) => name || null),
});

/**
 * Identity routes (SPEC §5), mounted at `/api/auth`.
 */
export const authRoutes = new Hono<AppEnv>()
  .get("/authorize", queryParams(authorizeQuery), async (c) => {
    await limitSignIn(c);
    const { provider, return_to } = c.req.valid("query");
    return startSignIn(c, { provider, returnTo: return_to });
  })

  .get("/sso-authorize", queryParams(ssoQuery), async (c) => {
    await limitSignIn(c);
    requireWorkOS(c, "Single sign-on");
    const { organization, return_to } = c.req.valid("query");
    const row = await c.env.DB.prepare(
      "select workos_organization_id from organizations where (domain = ?1 or slug = ?1) and workos_organization_id is not null limit 1",
    )
      .bind(organization)
      .first<{ workos_organization_id: string }>();
    if (!row) throw new AppError("not_found", "No single sign-on is set up for that organization");
    return startSignIn(c, { provider: "sso", organizationExternalId: row.workos_organization_id, returnTo: return_to });
  })

  .get("/callback", async (c) => {
    await limitSignIn(c);
    const parsed = callbackQuery.safeParse(c.req.query());
    const query = parsed.success ? parsed.data : {};
    const nonceCookie = signInNonceCookieName(c.var.config);
    const nonce = readAppCookie(c, nonceCookie);
    clearAppCookie(c, nonceCookie);
    if (!query.state) return signInErrorPage(c, 400, "Sign-in failed", "The sign-in response is missing its state.");
    const consumed = await consumeSignInTransaction(c.env.KV, query.state, nonce, Date.now());
    if (!consumed.ok) {
      c.var.log.warn("sign-in callback refused", { reason: consumed.reason });
      recordAudit(c, { action: "auth.sign_in", outcome: "failure", metadata: { reason: `state_${consumed.reason}` } });
      return signInErrorPage(
        c,
        400,
        "Sign-in link expired",
        consumed.reason === "other_browser"
          ? "This sign-in was started in another browser. Start again from this one."
          : "This sign-in attempt is no longer valid (it expired or was already used).",
      );
    }
    const tx = consumed.transaction;
    if (query.error) {
      recordAudit(c, { action: "auth.sign_in", outcome: "failure", metadata: { reason: query.error } });
      const cancelled = query.error === "access_denied";
      return signInErrorPage(
        c,
        cancelled ? 403 : 400,
        cancelled ? "Sign-in was cancelled" : "Sign-in failed",
        query.error_description ??
          (cancelled ? "You declined to sign in." : `The identity provider answered “${query.error}”.`),
      );
    }
    if (!query.code) return signInErrorPage(c, 400, "Sign-in failed", "The sign-in response is missing its code.");
    const identity = requireIdentityProvider(c);
    if (identity.kind !== tx.via)
      return signInErrorPage(c, 400, "Sign-in failed", "The sign-in configuration changed; start again.");
    try {
      const profile = await identity.authenticateWithCode(query.code, tx.codeVerifier);
      await completeSignIn(c, profile);
    } catch (error) {
      if (error instanceof IdentityProviderError) {
        c.var.log.warn("sign-in code exchange failed", {
          kind: error.kind,
          error: describeError(error.cause ?? error),
        });
        recordAudit(c, { action: "auth.sign_in", outcome: "failure", metadata: { reason: error.kind } });
        return error.kind === "rejected"
          ? signInErrorPage(
              c,
              400,
              "Sign-in failed",
              "The sign-in code was invalid or already used. Please start again.",
            )
          : signInErrorPage(
              c,
              502,
              "Sign-in is temporarily unavailable",
              "The identity provider could not be reached. Please try again in a moment.",
            );
      }
      if (error instanceof AppError && error.status < 500)
        return signInErrorPage(c, error.status, "Sign-in refused", error.message);
      throw error;
    }
    c.header("cache-control", "no-store");
    return c.redirect(tx.returnTo, 302);
  })

  .post("/magic-auth", jsonBody(magicAuthBody), async (c) => {
    const { email } = c.req.valid("json");
    await limitSignIn(c, email);
    const workos = requireWorkOS(c, "Magic Auth");
    try {
      await workos.sendMagicAuthCode(email, clientIp(c), c.req.header("user-agent"));
    } catch (error) {
      throw workosFailureToAppError(error, "That email address cannot receive a sign-in code");
    }
    return c.json({ success: true, data: { sent: true } });
  })

  .post("/magic-auth/verify", jsonBody(magicAuthVerifyBody), async (c) => {
    const { email, code } = c.req.valid("json");
    await limitSignIn(c, email);
    const workos = requireWorkOS(c, "Magic Auth");
    let profile: SignInProfile;
    try {
      profile = await workos.authenticateWithMagicAuth(email, code);
    } catch (error) {
      recordAudit(c, { action: "auth.sign_in", outcome: "failure", metadata: { method: "MagicAuth" } });
      throw workosFailureToAppError(error, "The code is invalid or expired");
    }
    const { user } = await completeSignIn(c, profile);
    return c.json({ success: true, data: { user: { id: user.id, email: user.email, name: user.name } } });
  })

  .get("/me", requireSession(), (c) => c.json({ success: true, data: describeSession(currentSession(c)) }))

  .post("/logout", sessionAuth(), async (c) => {
    const config = c.var.config;
    const session = c.var.session;
    let logoutUrl: string | null = null;
    if (session) {
      await revokeSession(getDb(c.env.DB), session.id, "logout", Date.now());
      recordAudit(c, { action: "auth.sign_out", outcome: "success", actorId: session.userId });
      if (session.workosSessionId && config.workos) {
        logoutUrl = workosClient(config.workos).userManagement.getLogoutUrl({
          sessionId: session.workosSessionId,
          returnTo: config.appOrigin,
        });
      }
    }
    clearAppCookie(c, sessionCookieName(config));
    return c.json({ success: true, data: { logout_url: logoutUrl } });
  })

  .post("/sessions/revoke-all", requireSession(), async (c) => {
    const session = currentSession(c);
    const config = c.var.config;
    const { count, workosSessionIds } = await revokeUserSessions(
      getDb(c.env.DB),
      session.userId,
      "logout_everywhere",
      Date.now(),
    );
    if (config.workos && workosSessionIds.length > 0) {
      const client = workosClient(config.workos);
      c.executionCtx.waitUntil(
        Promise.allSettled(
          workosSessionIds.map((sessionId) => client.userManagement.revokeSession({ sessionId })),
        ).then((results) => {
          const failed = results.filter((r) => r.status === "rejected").length;
          if (failed > 0) c.var.log.warn("some WorkOS sessions were not revoked", { failed });
        }),
      );
    }
    recordAudit(c, { action: "auth.sign_out_everywhere", outcome: "success", actorId: session.userId });
    clearAppCookie(c, sessionCookieName(config));
    return c.json({ success: true, data: { revoked_sessions: count } });
  })

  // Dev identity provider (SPEC §5.2). These routes answer 404 unless it is the active provider.
  .get(DEV_LOGIN_PATH.replace("/api/auth", ""), async (c) => {
    devProviderOrNotFound(c);
    const state = c.req.query("state") ?? "";
    const tx = await peekSignInTransaction(c.env.KV, state);
    if (tx?.via !== "dev") {
      return signInErrorPage(c, 400, "Sign-in link expired", "Start signing in again from the app.");
    }
    return devLoginPage(c, state);
  })

  .post(DEV_LOGIN_PATH.replace("/api/auth", ""), async (c) => {
    const dev = devProviderOrNotFound(c);
    const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim();
    if (mediaType !== "application/x-www-form-urlencoded" && mediaType !== "multipart/form-data") {
      throw new AppError("unsupported_media_type", "Submit the sign-in form");
    }
    // A malformed body (multipart without a valid boundary, broken encoding) is the client's error, not ours.
    const formData = await c.req.formData().catch(() => {
      throw new AppError("invalid_request", "The sign-in form could not be read");
    });
    const form = Object.fromEntries(
      [...formData.entries()].map(([key, value]) => [key, typeof value === "string" ? value : ""]),
    );
    const state = typeof form.state === "string" ? form.state : "";
    const parsed = devLoginForm.safeParse(form);
    if (!parsed.success) return devLoginPage(c, state, "Enter a valid email address.");
    await limitSignIn(c, parsed.data.email);
    const tx = await peekSignInTransaction(c.env.KV, parsed.data.state);
    if (tx?.via !== "dev")
      return signInErrorPage(c, 400, "Sign-in link expired", "Start signing in again from the app.");
    const code = await dev.issueCode(parsed.data.email, parsed.data.name, await computeCodeChallenge(tx.codeVerifier));
    const callback = new URL(CALLBACK_PATH, c.var.config.appOrigin);
    callback.searchParams.set("code", code);
    callback.searchParams.set("state", parsed.data.state);
    return c.redirect(`${callback.pathname}${callback.search}`, 302);
  });

function devProviderOrNotFound(c: Context<AppEnv>): DevIdentityProvider {
  const identity = requireIdentityProviderOrNull(c);
  if (identity instanceof DevIdentityProvider) return identity;
  throw new AppError("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`);
}

function requireIdentityProviderOrNull(c: Context<AppEnv>) {
  try {
    return requireIdentityProvider(c);
  } catch {
    return null;
  }
}
