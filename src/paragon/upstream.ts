import { type SendResult, sendWithRetries } from "../outbound/send";
import { AppError } from "../platform/errors";

/**
 * Calling Paragon (ActionKit, the Proxy API) and turning its failures into our stable codes. Every
 * call has a timeout; only idempotent requests are retried (`outbound/send.ts`), so running a tool that
 * sends a message never sends it twice. The codes (declared in `ERROR_TABLE`):
 * - `paragon_not_configured` (503): the project id / signing key (or, for the webhook, the secret) is unset.
 * - `paragon_action_failed` (400): Paragon refused the request (4xx); its message is passed on.
 * - `paragon_unavailable` (502): Paragon answered 5xx, timed out, could not be reached, or refused our
 *   user token (401: a configuration problem on our side, not the caller's).
 * - `rate_limited` (429): Paragon answered 429; its `Retry-After` is passed on.
 */
export interface ParagonCall {
  url: URL;
  method: string;
  headers: Headers;
  body?: BodyInit | null;
  timeoutMs: number;
  retries: number;
}

/** Paragon messages are passed on to the caller, bounded so a huge HTML error page is not. */
const MAX_MESSAGE_LENGTH = 500;

export async function callParagon(call: ParagonCall): Promise<Response> {
  const result: SendResult = await sendWithRetries({
    url: call.url,
    method: call.method,
    headers: call.headers,
    body: call.body,
    timeoutMs: call.timeoutMs,
    retries: call.retries,
    backoffMs: 250,
    deadlineMs: call.timeoutMs * (call.retries + 1) + 2_000,
  });
  if (!result.ok) {
    throw new AppError(
      "paragon_unavailable",
      result.failure.kind === "timeout"
        ? `Paragon did not answer within ${call.timeoutMs} ms`
        : "Paragon could not be reached",
      { details: { reason: result.failure.kind } },
    );
  }
  return result.response;
}

/**
 * Maps a non-2xx Paragon answer to an error (4xx → 400 with Paragon's message; 401 → 502, since it means
 * our signing key or project id is wrong; 429 → 429 with Retry-After; 5xx → 502).
 */
export async function paragonFailure(response: Response): Promise<AppError> {
  const status = response.status;
  const message = await upstreamMessage(response);
  const details = { upstream_status: status };
  if (status === 429) {
    const retryAfter = response.headers.get("retry-after");
    return new AppError("rate_limited", message ?? "Paragon is rate limiting requests; try again shortly", {
      details,
      ...(retryAfter ? { headers: { "Retry-After": retryAfter } } : {}),
    });
  }
  if (status === 401) {
    return new AppError("paragon_unavailable", "Paragon refused the user token; check the Paragon settings", {
      details,
    });
  }
  if (status >= 400 && status < 500) {
    return new AppError("paragon_action_failed", message ?? `Paragon refused the request (${status})`, { details });
  }
  return new AppError("paragon_unavailable", `Paragon failed (${status}); try again shortly`, { details });
}

/**
 * Paragon's error bodies come as `{ message }`, `{ error: { message } }` or `{ error: "…" }` (the seed's
 * client and Paragon's MCP server read these); anything else is summarized by status only.
 */
async function upstreamMessage(response: Response): Promise<string | undefined> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const root = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const error = root.error;
  const candidate =
    typeof root.message === "string"
      ? root.message
      : typeof error === "string"
        ? error
        : typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string"
          ? (error as { message: string }).message
          : undefined;
  return candidate ? candidate.slice(0, MAX_MESSAGE_LENGTH) : undefined;
}

/** A JSON answer as a value; text as a string; anything else (a downloaded file) as base64 with its type. */
export async function readResult(response: Response): Promise<unknown> {
  const mediaType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (mediaType === "application/json" || mediaType.endsWith("+json")) {
    const text = await response.text();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch {
      throw new AppError("paragon_unavailable", "Paragon answered with malformed JSON");
    }
  }
  if (mediaType.startsWith("text/") || mediaType === "") {
    const text = await response.text();
    return text;
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return { content_type: mediaType, base64: btoa(binary) };
}
