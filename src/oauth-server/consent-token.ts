import { signHmacSha256Base64Url, verifyHmacSha256 } from "../crypto/hmac";

/**
 * The consent form's CSRF token (RFC 6749 §10.12; RFC 9700 §4.4.1.8): an HMAC, under the session
 * secret, over the signed-in session's id, the time it was issued and every hidden field of the
 * form. A cross-site page cannot mint one (no secret, no session id), and a user cannot be made to
 * approve different parameters than the page showed (they are covered by the MAC). Stateless: the
 * authorization request needs no storage until the user approves it.
 */
export const CONSENT_TOKEN_TTL_SECONDS = 10 * 60;
const PURPOSE = "oauth-consent/v1";

function message(sessionId: string, issuedAt: number, fields: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(
    Object.keys(fields)
      .sort()
      .map((name) => [name, fields[name]]),
  );
  return `${PURPOSE}\n${sessionId}\n${issuedAt}\n${canonical}`;
}

/** Signs the consent form for `sessionId`; the token is `<issuedAt>.<mac>`. */
export async function signConsentToken(
  secret: string,
  input: { sessionId: string; fields: Readonly<Record<string, string>>; nowSeconds: number },
): Promise<string> {
  const mac = await signHmacSha256Base64Url(secret, message(input.sessionId, input.nowSeconds, input.fields));
  return `${input.nowSeconds}.${mac}`;
}

/** Checks a submitted consent token against the session and the submitted fields, in constant time. */
export async function verifyConsentToken(
  secret: string,
  token: string,
  input: { sessionId: string; fields: Readonly<Record<string, string>>; nowSeconds: number },
): Promise<boolean> {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return false;
  const issuedAt = Number(match[1]);
  if (input.nowSeconds - issuedAt > CONSENT_TOKEN_TTL_SECONDS || issuedAt > input.nowSeconds + 60) return false;
  return verifyHmacSha256(secret, message(input.sessionId, issuedAt, input.fields), match[2] as string, "base64url");
}
