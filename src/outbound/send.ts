import { decideRetry } from "./retry-policy";

/**
 * Sends one outbound HTTP request with a per-attempt timeout and the retry policy of
 * `retry-policy.ts` (429/5xx/network errors/timeouts, `Retry-After`, idempotent methods unless the
 * caller opted in). The one place the product talks to the outside world on a user's behalf — the
 * proxy, connection tests and outbound webhooks all go through it.
 */
export interface SendOptions {
  url: URL;
  method: string;
  headers: Headers;
  /**
   * A replayable body (string/bytes) can be retried; a stream is sent once (it cannot be replayed),
   * so a request with a streamed body is never retried.
   */
  body?: BodyInit | null;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  allowNonIdempotent?: boolean;
  /** Overall budget across attempts and waits. */
  deadlineMs?: number;
  /** Called before each retry (for logs); never receives headers or bodies. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
  sleep?: (ms: number) => Promise<void>;
}

export type SendFailure = { kind: "timeout" | "network_error"; attempts: number; message: string };
export type SendResult = { ok: true; response: Response; attempts: number } | { ok: false; failure: SendFailure };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function sendWithRetries(options: SendOptions): Promise<SendResult> {
  const sleep = options.sleep ?? defaultSleep;
  const started = Date.now();
  const replayable =
    options.body === undefined ||
    options.body === null ||
    typeof options.body === "string" ||
    options.body instanceof ArrayBuffer ||
    ArrayBuffer.isView(options.body);
  const maxRetries = replayable ? options.retries : 0;
  for (let attempt = 1; ; attempt++) {
    let outcome: Parameters<typeof decideRetry>[0]["outcome"];
    let response: Response | undefined;
    let failureMessage = "";
    try {
      response = await fetch(options.url, {
        method: options.method,
        headers: options.headers,
        body: options.body ?? null,
        redirect: "manual",
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      outcome = { kind: "status", status: response.status, retryAfter: response.headers.get("retry-after") };
    } catch (error) {
      const timedOut = error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
      outcome = timedOut ? { kind: "timeout" } : { kind: "network_error" };
      failureMessage = timedOut ? `no response within ${options.timeoutMs} ms` : "could not connect to the upstream";
    }
    const deadlineMs = options.deadlineMs === undefined ? undefined : options.deadlineMs - (Date.now() - started);
    const decision = decideRetry({
      attempt,
      maxRetries,
      method: options.method,
      allowNonIdempotent: options.allowNonIdempotent ?? false,
      outcome,
      backoffMs: options.backoffMs,
      deadlineMs,
      now: Date.now(),
    });
    if (!decision.retry) {
      if (response) return { ok: true, response, attempts: attempt };
      return {
        ok: false,
        failure: {
          kind: outcome.kind === "timeout" ? "timeout" : "network_error",
          attempts: attempt,
          message: failureMessage,
        },
      };
    }
    // Drain the body we are discarding so the connection can be reused.
    await response?.body?.cancel().catch(() => {});
    options.onRetry?.({ attempt, delayMs: decision.delayMs, reason: decision.reason });
    if (decision.delayMs > 0) await sleep(decision.delayMs);
  }
}
