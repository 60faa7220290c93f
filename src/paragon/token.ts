import { SignJWT } from "jose";
import { importParagonSigningKey, PARAGON_TOKEN_ALG } from "./signing-key";

/**
 * Paragon User Tokens: RS256 JWTs signed with the project's signing key that identify one of our users
 * to Paragon (the Connect SDK, ActionKit, the Proxy API). Claims, as Paragon documents them:
 * `sub` = our user id (the Connected User; webhooks name it back as `userId`), `aud` =
 * `useparagon.com/{projectId}`, `iat` and `exp` (NumericDate seconds, RFC 7519 §4.1.4/§4.1.6).
 *
 * Paragon documents user metadata (`Name`, `Email`, case-sensitive) as an option of
 * `paragon.authenticate(projectId, token, { metadata })` or `PATCH /sdk/me {meta}` — not as a token
 * claim — so it is returned next to the token for the web app to pass on, never signed into it.
 * @see https://docs.useparagon.com/getting-started/installing-the-connect-sdk
 * @see https://docs.useparagon.com/apis/users (Associate Connected User with metadata)
 */
export const PARAGON_TOKEN_TTL_SECONDS = 60 * 60;

export interface ParagonTokenOptions {
  projectId: string;
  signingKeyPem: string;
  userId: string;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: number;
  ttlSeconds?: number;
}

export interface ParagonUserToken {
  token: string;
  /** Milliseconds since the epoch (the `exp` claim × 1000). */
  expiresAt: number;
}

/** The `aud` Paragon expects for a project. */
export function paragonAudience(projectId: string): string {
  return `useparagon.com/${projectId}`;
}

export async function signParagonUserToken(options: ParagonTokenOptions): Promise<ParagonUserToken> {
  const key = await importParagonSigningKey(options.signingKeyPem);
  const issuedAt = Math.floor((options.now ?? Date.now()) / 1000);
  const expiresAtSeconds = issuedAt + (options.ttlSeconds ?? PARAGON_TOKEN_TTL_SECONDS);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: PARAGON_TOKEN_ALG, typ: "JWT" })
    .setSubject(options.userId)
    .setAudience(paragonAudience(options.projectId))
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAtSeconds)
    .sign(key);
  return { token, expiresAt: expiresAtSeconds * 1000 };
}

export interface ParagonUserMetadata {
  Name?: string;
  Email?: string;
}

/** The `metadata` for `paragon.authenticate`: Paragon shows `Name` and `Email` in its Connected Users dashboard. */
export function paragonUserMetadata(user: { email?: string | null; name?: string | null }): ParagonUserMetadata {
  return {
    ...(user.name ? { Name: user.name } : {}),
    ...(user.email ? { Email: user.email } : {}),
  };
}
