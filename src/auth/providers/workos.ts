import { WorkOS } from "@workos-inc/node";
import { decodeJwt } from "jose";
import type { AppConfig } from "../../platform/config";
import { AppError } from "../../platform/errors";
import {
  type AuthorizationUrlInput,
  type IdentityProvider,
  IdentityProviderError,
  type ProviderSessionCheck,
  type SignInProfile,
} from "./types";

/** Upper bound on one WorkOS API call (the SDK retries transient failures within `maxRetries`). */
export const WORKOS_TIMEOUT_MS = 10_000;

type WorkOSSettings = NonNullable<AppConfig["workos"]>;

/**
 * A WorkOS SDK client (its `workerd` build). Created per use, not cached: the workerd build binds
 * `globalThis.fetch` when constructed (it ignores `fetchFn`), so a long-lived client would pin
 * whatever `fetch` existed at start-up. Construction is cheap; calls dominate.
 * @see https://workos.com/docs/reference
 */
export function workosClient(settings: WorkOSSettings): WorkOS {
  const host = settings.apiHostname ? parseHost(settings.apiHostname) : undefined;
  return new WorkOS(settings.apiKey, {
    clientId: settings.clientId,
    maxRetries: settings.maxRetries,
    // The workerd build reads its request timeout from `config` (it drops the top-level `timeout`).
    config: { timeout: WORKOS_TIMEOUT_MS } as RequestInit,
    ...(host ? { apiHostname: host.hostname, https: host.https, ...(host.port ? { port: host.port } : {}) } : {}),
  });
}

function parseHost(value: string): { hostname: string; port?: number; https: boolean } {
  const [hostname, port] = value.split(":");
  // A bare hostname is a TLS endpoint (a test fake behind intercepted fetch); host:port is a local plain-http server.
  return port ? { hostname: hostname as string, port: Number(port), https: false } : { hostname: value, https: true };
}

/**
 * Sorts a WorkOS SDK failure: a 4xx means the request was refused (bad or used code, wrong email
 * code); anything else — 5xx, 429, a timeout, a network error — means WorkOS is unavailable.
 */
export function classifyWorkOSError(error: unknown): IdentityProviderError {
  const status =
    typeof (error as { status?: unknown })?.status === "number" ? (error as { status: number }).status : undefined;
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return new IdentityProviderError("rejected", (error as Error).message, { cause: error });
  }
  return new IdentityProviderError("unavailable", "WorkOS is unavailable", { cause: error });
}

/** Maps a provider failure to the API's error envelope. */
export function workosFailureToAppError(error: unknown, rejectedMessage: string): AppError {
  const classified = error instanceof IdentityProviderError ? error : classifyWorkOSError(error);
  return classified.kind === "rejected"
    ? new AppError("invalid_request", rejectedMessage, { cause: classified })
    : new AppError("upstream_error", "The identity provider is unavailable; try again shortly", { cause: classified });
}

interface WorkOSAuthentication {
  user: {
    id: string;
    email: string;
    emailVerified: boolean;
    firstName: string | null;
    lastName: string | null;
    name?: string | null;
  };
  organizationId?: string;
  accessToken: string;
  refreshToken: string;
  authenticationMethod?: string;
}

export class WorkOSIdentityProvider implements IdentityProvider {
  readonly kind = "workos" as const;
  readonly client: WorkOS;
  readonly #settings: WorkOSSettings;

  constructor(settings: WorkOSSettings) {
    this.#settings = settings;
    this.client = workosClient(settings);
  }

  /** AuthKit / social / SSO authorization URL with S256 PKCE. @see https://workos.com/docs/reference/user-management/authentication/get-authorization-url */
  authorizationUrl(input: AuthorizationUrlInput): string {
    return this.client.userManagement.getAuthorizationUrl({
      clientId: this.#settings.clientId,
      redirectUri: input.redirectUri,
      state: input.state,
      codeChallenge: input.codeChallenge,
      codeChallengeMethod: "S256",
      ...(input.organizationExternalId
        ? { organizationId: input.organizationExternalId }
        : { provider: input.provider ?? "authkit" }),
    });
  }

  async authenticateWithCode(code: string, codeVerifier: string): Promise<SignInProfile> {
    try {
      const result = await this.client.userManagement.authenticateWithCode({
        clientId: this.#settings.clientId,
        code,
        codeVerifier,
      });
      return profileFromAuthentication(result);
    } catch (error) {
      throw classifyWorkOSError(error);
    }
  }

  /** Sends a one-time code by email. @see https://workos.com/docs/reference/user-management/magic-auth */
  async sendMagicAuthCode(email: string, ipAddress?: string, userAgent?: string): Promise<void> {
    try {
      await this.client.userManagement.createMagicAuth({ email, ipAddress, userAgent });
    } catch (error) {
      throw classifyWorkOSError(error);
    }
  }

  async authenticateWithMagicAuth(email: string, code: string): Promise<SignInProfile> {
    try {
      const result = await this.client.userManagement.authenticateWithMagicAuth({
        clientId: this.#settings.clientId,
        email,
        code,
      });
      return profileFromAuthentication(result);
    } catch (error) {
      throw classifyWorkOSError(error);
    }
  }

  /**
   * Confirms the WorkOS session is still alive by refreshing it (refresh tokens rotate: the new one
   * replaces the old). A refused refresh means the session ended at WorkOS (signed out elsewhere,
   * user removed); a failure to reach WorkOS says nothing.
   */
  async checkSession(refreshToken: string): Promise<ProviderSessionCheck> {
    try {
      const result = await this.client.userManagement.authenticateWithRefreshToken({
        clientId: this.#settings.clientId,
        refreshToken,
      });
      return { status: "alive", refreshToken: result.refreshToken };
    } catch (error) {
      return classifyWorkOSError(error).kind === "rejected" ? { status: "ended" } : { status: "unknown" };
    }
  }

  logoutUrl(sessionId: string, returnTo: string): string {
    return this.client.userManagement.getLogoutUrl({ sessionId, returnTo });
  }

  /** Best effort: our own session is already revoked; WorkOS's ends too when reachable. */
  async revokeSession(sessionId: string): Promise<void> {
    await this.client.userManagement.revokeSession({ sessionId });
  }
}

function profileFromAuthentication(result: WorkOSAuthentication): SignInProfile {
  const claims = safeClaims(result.accessToken);
  const name = result.user.name ?? ([result.user.firstName, result.user.lastName].filter(Boolean).join(" ") || null);
  return {
    externalUserId: result.user.id,
    email: result.user.email,
    name,
    emailVerified: result.user.emailVerified,
    authMethod: result.authenticationMethod ?? "authkit",
    ...(result.organizationId
      ? {
          organization: {
            externalId: result.organizationId,
            role: typeof claims.role === "string" ? claims.role : null,
          },
        }
      : {}),
    providerSession: {
      sessionId: typeof claims.sid === "string" ? claims.sid : null,
      refreshToken: result.refreshToken,
    },
  };
}

/**
 * Reads claims of the access token WorkOS just returned to us over TLS (its origin is the
 * authenticated API response, so the signature adds nothing here; we never accept these tokens from
 * clients).
 */
function safeClaims(token: string): Record<string, unknown> {
  try {
    return decodeJwt(token);
  } catch {
    return {};
  }
}
