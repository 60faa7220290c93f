/** What a successful sign-in tells us about the person, whichever provider ran it. */
export interface SignInProfile {
  /** WorkOS user id; null for the dev identity provider. */
  externalUserId: string | null;
  email: string;
  name: string | null;
  emailVerified: boolean;
  /** `GoogleOAuth`, `SSO`, `MagicAuth`, `Password`, `dev`, … */
  authMethod: string;
  /** The WorkOS organization the user signed in through (SSO or an org-scoped AuthKit session). */
  organization?: { externalId: string; role: string | null };
  /** The provider's own session, refreshed transparently while ours lives. */
  providerSession?: { sessionId: string | null; refreshToken: string };
}

export interface AuthorizationUrlInput {
  /** `authkit`, `GoogleOAuth`, `MicrosoftOAuth`, `GitHubOAuth`; absent for SSO. */
  provider?: string;
  /** WorkOS organization id, for SSO through AuthKit. */
  organizationExternalId?: string;
  state: string;
  codeChallenge: string;
  redirectUri: string;
}

export type ProviderSessionCheck =
  | { status: "alive"; refreshToken: string }
  | { status: "ended" }
  | { status: "unknown" };

/**
 * A sign-in backend. WorkOS in production; the dev identity provider when WorkOS is not configured
 * outside production. Both feed the same callback, user upsert and session code.
 */
export interface IdentityProvider {
  readonly kind: "workos" | "dev";
  authorizationUrl(input: AuthorizationUrlInput): string;
  /** Exchanges an authorization code (with its PKCE verifier) for the signed-in profile. */
  authenticateWithCode(code: string, codeVerifier: string): Promise<SignInProfile>;
}

/** Classified provider failures: the caller's fault (4xx page) or the provider's (502). */
export class IdentityProviderError extends Error {
  readonly kind: "rejected" | "unavailable";
  constructor(kind: "rejected" | "unavailable", message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "IdentityProviderError";
    this.kind = kind;
  }
}
