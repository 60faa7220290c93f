/**
 * RFC 7617 §2: the `Basic` credentials of `user-id ":" password`, UTF-8 encoded, in base64.
 * Callers that need another encoding of the parts first (OAuth client authentication, RFC 6749 §2.3.1)
 * apply it before calling this.
 */
export function encodeBasic(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
