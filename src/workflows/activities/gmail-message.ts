/**
 * Builds the `raw` field of Gmail's `users.messages.send`: an RFC 5322 message, base64url-encoded
 * (RFC 4648 §5). The one piece of provider-specific code the integration catalog references by name.
 *
 * @see https://developers.google.com/gmail/api/reference/rest/v1/users.messages/send
 * @see https://developers.google.com/gmail/api/guides/sending
 */

export interface EmailMessage {
  to: string[];
  cc?: string[];
  bcc?: string[];
  replyTo?: string;
  subject: string;
  body: string;
  html?: boolean;
}

const BASE64_LINE_LENGTH = 76; // RFC 2045 §6.8

function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** base64url without padding (RFC 4648 §5), as Gmail's `raw` expects. */
export function base64UrlEncode(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * A header value: refused when it holds CR or LF — a line break in a header field would let a template value
 * inject headers (`Bcc:`) or a body (RFC 5322 §2.2) — and written as an RFC 2047 encoded word when not ASCII.
 */
function headerValue(name: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`The ${name} header must not contain line breaks`);
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  return `=?UTF-8?B?${bytesToBase64(new TextEncoder().encode(value))}?=`;
}

function addressList(name: string, addresses: string[]): string {
  return addresses.map((address) => headerValue(name, address)).join(", ");
}

/** The RFC 5322 message text (CRLF line endings; body base64 per RFC 2045 so any UTF-8 text survives). */
export function buildEmailMessage(message: EmailMessage): string {
  const lines = [`To: ${addressList("To", message.to)}`];
  if (message.cc?.length) lines.push(`Cc: ${addressList("Cc", message.cc)}`);
  if (message.bcc?.length) lines.push(`Bcc: ${addressList("Bcc", message.bcc)}`);
  if (message.replyTo) lines.push(`Reply-To: ${headerValue("Reply-To", message.replyTo)}`);
  lines.push(`Subject: ${headerValue("Subject", message.subject)}`);
  lines.push("MIME-Version: 1.0");
  lines.push(`Content-Type: ${message.html ? "text/html" : "text/plain"}; charset="UTF-8"`);
  lines.push("Content-Transfer-Encoding: base64");
  const encoded = bytesToBase64(new TextEncoder().encode(message.body));
  const wrapped = encoded.match(new RegExp(`.{1,${BASE64_LINE_LENGTH}}`, "g")) ?? [""];
  return `${lines.join("\r\n")}\r\n\r\n${wrapped.join("\r\n")}`;
}

/** The `raw` value for `users.messages.send`. */
export function gmailRawMessage(message: EmailMessage): string {
  return base64UrlEncode(buildEmailMessage(message));
}
