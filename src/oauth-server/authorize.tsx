import type { Context } from "hono";
import { Hono } from "hono";
import { sessionAuth } from "../auth/session-auth";
import { randomToken, sha256Hex } from "../crypto";
import type { OAuthClientRow } from "../db/schema";
import type { AppEnv } from "../platform/context";
import type { OAuthErrorCode } from "../platform/oauth-error";
import { clientWarnings } from "./client-trust";
import { clientMayRefresh, resolveClient } from "./clients";
import { signConsentToken, verifyConsentToken } from "./consent-token";
import { type OAuthServerContext, oauthServerContext } from "./context";
import { ConsentPage } from "./pages/consent";
import { AuthorizationErrorPage } from "./pages/error";
import { pageCsp } from "./pages/layout";
import { checkPkceAuthorizationRequest } from "./pkce";
import { matchRedirectUri, redirectHostForDisplay } from "./redirect-uri";
import { formatScopes, hasScopes, OFFLINE_ACCESS, parseScopeParameter, type Scope, scopesToGrant } from "./scopes";
import { findConsentScope, insertAuthorizationCode, rememberConsent } from "./store";
import { AUTHORIZATION_CODE_TTL_SECONDS } from "./token-decisions";
import { authorizationResponseUrl } from "./wire";

/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1.1; OAuth 2.1 §4.1; SPEC §8). Order matters: the
 * client and the exact redirect URI are validated before anything else, and until both are trusted
 * every problem is an error page — never a redirect (RFC 6749 §4.1.2.1; RFC 9700 §4.11 open
 * redirectors). After that, problems go back to the client as `error` + `state` + `iss` (RFC 9207).
 */
interface AuthorizationRequest {
  client: OAuthClientRow;
  redirectUri: string;
  state: string | null;
  codeChallenge: string;
  scopes: Scope[];
  resource: string;
}

type Validation =
  | { kind: "ok"; request: AuthorizationRequest }
  | { kind: "page"; title: string; detail: string }
  | { kind: "redirect"; redirectUri: string; state: string | null; error: OAuthErrorCode; description: string };

type Params = { get(name: string): string | undefined; count(name: string): number };

async function validateAuthorizationRequest(ctx: OAuthServerContext, params: Params): Promise<Validation> {
  for (const name of ["client_id", "redirect_uri"]) {
    if (params.count(name) > 1)
      return { kind: "page", title: "Invalid request", detail: `The ${name} parameter appears more than once.` };
  }
  const clientId = params.get("client_id") ?? "";
  if (!clientId)
    return {
      kind: "page",
      title: "Invalid request",
      detail: "The request does not say which app is asking (client_id is missing).",
    };
  const resolved = await resolveClient(ctx.db, clientId, { now: ctx.now });
  if (!resolved.ok) return { kind: "page", title: "Unknown app", detail: resolved.message };
  const requestedRedirect = params.get("redirect_uri") ?? "";
  const redirectUri = requestedRedirect ? matchRedirectUri(resolved.client.redirectUris, requestedRedirect) : null;
  if (!redirectUri) {
    return {
      kind: "page",
      title: "Unregistered redirect address",
      detail: "The app asked to send you back to an address it has not registered, so the request was stopped.",
    };
  }
  const state = params.get("state") ?? null;
  const back = (error: OAuthErrorCode, description: string): Validation => ({
    kind: "redirect",
    redirectUri,
    state,
    error,
    description,
  });
  for (const name of ["response_type", "state", "scope", "code_challenge", "code_challenge_method", "resource"]) {
    if (params.count(name) > 1)
      return back(name === "resource" ? "invalid_target" : "invalid_request", `${name} appears more than once`);
  }
  if (params.get("response_type") !== "code")
    return back("unsupported_response_type", "Only response_type=code is supported");
  const pkce = checkPkceAuthorizationRequest({
    code_challenge: params.get("code_challenge"),
    code_challenge_method: params.get("code_challenge_method"),
  });
  if (!pkce.ok) return back("invalid_request", "PKCE with code_challenge_method=S256 is required");
  const scope = parseScopeParameter(params.get("scope"));
  if (!scope.ok) return back("invalid_scope", `Unknown scope: ${scope.unknown.join(" ")}`);
  // A registered `scope` limits resource scopes; offline_access follows the registered grant types.
  const resourceScopes = scope.scopes.filter((s) => s !== OFFLINE_ACCESS);
  if (resolved.client.scope && !hasScopes(resolved.client.scope.split(" "), resourceScopes)) {
    return back("invalid_scope", "The app asked for a scope it did not register");
  }
  // RFC 8707 §2: the resource is an absolute URI; this server protects exactly one.
  const resource = params.get("resource") ?? ctx.resource;
  if (resource !== ctx.resource) return back("invalid_target", `This server issues tokens only for ${ctx.resource}`);
  const scopes = scopesToGrant(scope.scopes, { mayRefresh: clientMayRefresh(resolved.client) });
  return {
    kind: "ok",
    request: { client: resolved.client, redirectUri, state, codeChallenge: pkce.codeChallenge, scopes, resource },
  };
}

function errorPage(c: Context<AppEnv>, title: string, detail: string) {
  c.header("content-security-policy", pageCsp());
  c.header("cache-control", "no-store");
  return c.html(<AuthorizationErrorPage title={title} detail={detail} requestId={c.var.requestId} />, 400);
}

function redirectBack(c: Context<AppEnv>, ctx: OAuthServerContext, v: Extract<Validation, { kind: "redirect" }>) {
  c.header("cache-control", "no-store");
  return c.redirect(
    authorizationResponseUrl(v.redirectUri, {
      error: v.error,
      error_description: v.description,
      state: v.state,
      iss: ctx.issuer,
    }),
    302,
  );
}

/** Issues a code bound to client, user, redirect URI, PKCE challenge, scope and resource; 302 back. */
async function issueCode(c: Context<AppEnv>, ctx: OAuthServerContext, request: AuthorizationRequest, userId: string) {
  const code = randomToken(32);
  await insertAuthorizationCode(ctx.db, {
    codeHash: await sha256Hex(code),
    clientId: request.client.id,
    userId,
    redirectUri: request.redirectUri,
    scope: formatScopes(request.scopes),
    resource: request.resource,
    codeChallenge: request.codeChallenge,
    expiresAt: ctx.now + AUTHORIZATION_CODE_TTL_SECONDS * 1000,
    createdAt: ctx.now,
  });
  c.header("cache-control", "no-store");
  return c.redirect(
    authorizationResponseUrl(request.redirectUri, { code, state: request.state, iss: ctx.issuer }),
    302,
  );
}

/** The fields the consent form carries back: the validated request, nothing else. */
function consentFields(request: AuthorizationRequest): Record<string, string> {
  return {
    response_type: "code",
    client_id: request.client.id,
    redirect_uri: request.redirectUri,
    code_challenge: request.codeChallenge,
    code_challenge_method: "S256",
    scope: formatScopes(request.scopes),
    resource: request.resource,
    ...(request.state === null ? {} : { state: request.state }),
  };
}

const fromQuery = (c: Context<AppEnv>): Params => ({
  get: (name) => c.req.query(name),
  count: (name) => c.req.queries(name)?.length ?? 0,
});

export const authorizeRoutes = new Hono<AppEnv>()
  .use("/oauth/authorize", sessionAuth())
  .get("/oauth/authorize", async (c) => {
    const ctx = oauthServerContext(c);
    const validation = await validateAuthorizationRequest(ctx, fromQuery(c));
    if (validation.kind === "page") return errorPage(c, validation.title, validation.detail);
    if (validation.kind === "redirect") return redirectBack(c, ctx, validation);
    const { request } = validation;
    const session = c.var.session;
    if (!session) {
      // SPEC §8: sign in first, then come back to exactly this request.
      const url = new URL(c.req.url);
      const returnTo = `${url.pathname}${url.search}`;
      return c.redirect(`/api/auth/authorize?return_to=${encodeURIComponent(returnTo)}`, 302);
    }
    const remembered = await findConsentScope(ctx.db, session.userId, request.client.id);
    if (remembered !== null && hasScopes(remembered.split(" "), request.scopes)) {
      return issueCode(c, ctx, request, session.userId);
    }
    const fields = consentFields(request);
    const csrfToken = await signConsentToken(ctx.config.sessionSecret, {
      sessionId: session.id,
      fields,
      nowSeconds: Math.floor(ctx.now / 1000),
    });
    const kind = request.client.kind;
    c.header("content-security-policy", pageCsp([new URL(request.redirectUri).origin]));
    c.header("cache-control", "no-store");
    return c.html(
      <ConsentPage
        clientName={request.client.clientName}
        clientKind={kind}
        clientIdentity={kind === "cimd" ? new URL(request.client.id).host : request.client.id}
        redirectHost={redirectHostForDisplay(request.redirectUri)}
        warnings={clientWarnings({
          kind,
          clientId: request.client.id,
          redirectUris: request.client.redirectUris,
          trustedHosts: ctx.config.oauth.trustedClientHosts,
        })}
        scopes={request.scopes}
        userEmail={session.user.email}
        fields={fields}
        csrfToken={csrfToken}
      />,
    );
  })
  .post("/oauth/authorize", async (c) => {
    const ctx = oauthServerContext(c);
    const contentType = c.req.header("content-type") ?? "";
    if (!contentType.startsWith("application/x-www-form-urlencoded")) {
      return errorPage(c, "Invalid request", "The consent form was not submitted as a form.");
    }
    const body = new URLSearchParams(await c.req.text());
    const params: Params = { get: (name) => body.get(name) ?? undefined, count: (name) => body.getAll(name).length };
    const validation = await validateAuthorizationRequest(ctx, params);
    if (validation.kind === "page") return errorPage(c, validation.title, validation.detail);
    if (validation.kind === "redirect") return redirectBack(c, ctx, validation);
    const { request } = validation;
    const session = c.var.session;
    const csrfToken = body.get("csrf_token") ?? "";
    const valid =
      session !== undefined &&
      (await verifyConsentToken(ctx.config.sessionSecret, csrfToken, {
        sessionId: session.id,
        fields: consentFields(request),
        nowSeconds: Math.floor(ctx.now / 1000),
      }));
    if (!session || !valid) {
      return errorPage(c, "This page expired", "The consent form is no longer valid. Start connecting the app again.");
    }
    const decision = body.get("decision");
    if (decision === "deny") {
      c.header("cache-control", "no-store");
      return c.redirect(
        authorizationResponseUrl(request.redirectUri, {
          error: "access_denied",
          error_description: "The user denied the request",
          state: request.state,
          iss: ctx.issuer,
        }),
        302,
      );
    }
    if (decision !== "approve") return errorPage(c, "Invalid request", "The consent form carried no decision.");
    await rememberConsent(ctx.db, session.userId, request.client.id, formatScopes(request.scopes), ctx.now);
    return issueCode(c, ctx, request, session.userId);
  });
