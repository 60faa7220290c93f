import {
  Client,
  type FetchLike,
  ProtocolError,
  ProtocolErrorCode,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  SSEClientTransport,
  SseError,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from "@modelcontextprotocol/client";
import { isMcpClientError, McpClientError } from "./errors";
import { guardedFetch, type ObservedTraffic } from "./fetch";
import { callLaneFor, type McpCallLane, priorDiscoveryFor } from "./lanes";
import { credentialHeaders, credentialSecrets, DEFAULT_MCP_TIMEOUT_MS, type McpTarget } from "./target";

/** How we introduce ourselves in `initialize` (MCP lifecycle, `clientInfo`). */
export const MCP_CLIENT_INFO = { name: "edge-integrations-api", version: "0.1.0" } as const;

export type McpTransportKind = "streamable-http" | "sse";

/** A connected MCP client, valid only inside {@link withMcpSession}'s callback. */
export interface McpSession {
  client: Client;
  transport: McpTransportKind;
  /** How the session was opened: a 2025-era handshake, or none for a stateless (2026-07-28+) server (./lanes.ts). */
  lane: McpCallLane;
  /** Aborted when the operation's time is up; pass it to every SDK request. */
  signal: AbortSignal;
  /** Milliseconds left of the operation's budget. */
  remainingMs(): number;
}

/** Which kind of operation a failure happened in: a timeout means "unreachable" while discovering, "timeout" in a call. */
export type McpPhase = "discover" | "call";

/**
 * The fallback rule of the 2025 transports spec ("Backwards compatibility"): a client POSTs `initialize` to the
 * server URL; if that fails with 404 Not Found or 405 Method Not Allowed it is an old HTTP+SSE server, and the
 * client opens the SSE stream with a GET on the same URL. Any other status — above all 401/403 — is not a reason
 * to fall back.
 */
export function isLegacySseSignal(error: unknown): boolean {
  return SdkHttpError.isInstance(error) && (error.status === 404 || error.status === 405);
}

/**
 * A server discovered on a stateless revision that no longer serves it (downgraded, or replaced by a 2025-era
 * server at the same URL) refuses the revision before running anything: a JSON-RPC `-32022` unsupported protocol
 * version error, or an HTTP 400 from a 2025-era transport that rejects the `MCP-Protocol-Version` header; the SDK
 * itself refuses a stored revision it no longer supports. The call is then made again with the handshake — safe,
 * because the tool did not run.
 */
export function isRevisionRefusedSignal(error: unknown): boolean {
  if (ProtocolError.isInstance(error)) return error.code === ProtocolErrorCode.UnsupportedProtocolVersion;
  if (SdkHttpError.isInstance(error)) return error.status === 400;
  return SdkError.isInstance(error) && error.code === SdkErrorCode.EraNegotiationFailed;
}

/**
 * A session lives for one request-response operation, so it never needs the optional standalone GET stream for
 * server-initiated messages (2025-11-25 transports, "Listening for Messages from the Server": the client MAY open
 * it). The SDK opens one after `initialized`; answering that GET locally with 405 — what a server without the
 * stream says — saves a round trip per operation and leaves no stream to tear down.
 */
export function withoutStandaloneStream(fetchFn: FetchLike): FetchLike {
  return async (input, init) =>
    (init?.method ?? "GET").toUpperCase() === "GET"
      ? new Response(null, { status: 405, headers: { allow: "POST" } })
      : fetchFn(input, init);
}

/** No reconnection: a session lives for one operation, and a dropped stream is an error, not a retry. */
const NO_RECONNECT = {
  maxRetries: 0,
  initialReconnectionDelay: 1000,
  maxReconnectionDelay: 1000,
  reconnectionDelayGrowFactor: 1,
};

/** What one bounded exchange with an MCP server gets: the guarded fetch, the abort signal and the time left. */
export interface McpExchange {
  /** {@link guardedFetch} tied to the exchange: SSRF policy, no platform redirects, aborted at the deadline. */
  fetch: FetchLike;
  /** Aborted when the exchange's time is up (and when it ends); pass it to every request. */
  signal: AbortSignal;
  /** Milliseconds left of the exchange's budget. */
  remainingMs(): number;
  /** The headers every request carries: the connection's default headers and the credential. */
  headers: Record<string, string>;
  /** Runs when the exchange ends, however it ends (the SDK client registers its `close` here). */
  onEnd(cleanup: () => Promise<unknown>): void;
}

/**
 * Runs one exchange with an MCP server bounded by the target's timeout: when the time is up every request in flight
 * is aborted and whatever was opened is closed — nothing is left hanging. Failures come out as
 * {@link McpClientError} with the codes of SPEC §6.7.
 */
export async function withMcpExchange<T>(
  target: McpTarget,
  phase: McpPhase,
  run: (exchange: McpExchange) => Promise<T>,
): Promise<T> {
  const timeoutMs = target.timeoutMs ?? DEFAULT_MCP_TIMEOUT_MS;
  const started = Date.now();
  const controller = new AbortController();
  const observed: ObservedTraffic = {};
  const cleanups: (() => Promise<unknown>)[] = [];
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError"));
      reject(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError"));
    }, timeoutMs);
  });
  const exchange: McpExchange = {
    fetch: guardedFetch({ allowInsecure: target.allowInsecure, signal: controller.signal, observed }),
    signal: controller.signal,
    remainingMs: () => Math.max(1, timeoutMs - (Date.now() - started)),
    headers: { ...target.headers, ...credentialHeaders(target.auth) },
    onEnd: (cleanup) => cleanups.push(cleanup),
  };
  try {
    return await Promise.race([run(exchange), deadline]);
  } catch (error) {
    throw classifyFailure(error, { phase, timedOut, timeoutMs, observed, secrets: credentialSecrets(target.auth) });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    controller.abort();
    for (const cleanup of cleanups) await cleanup().catch(() => {});
  }
}

/** The server URL of a target, or `mcp_unreachable` for one that is not a URL. */
export function serverUrlOf(target: McpTarget): URL {
  try {
    return new URL(target.serverUrl);
  } catch {
    throw new McpClientError("mcp_unreachable", "The MCP server URL is not a valid URL");
  }
}

/**
 * Runs `operation` against a connected MCP SDK client and always tears it down: Streamable HTTP first, the legacy
 * SSE transport on the fallback signal. A call to a server discovered on a stateless revision connects without a
 * round trip (the stored discovery is adopted) and falls back to the handshake if the server refuses that revision;
 * every other call makes the 2025-era handshake. Bounded by the target's timeout, connect included
 * ({@link withMcpExchange}).
 */
export async function withMcpSession<T>(
  target: McpTarget,
  phase: McpPhase,
  operation: (session: McpSession) => Promise<T>,
): Promise<T> {
  const url = serverUrlOf(target);
  return withMcpExchange(target, phase, async (exchange) => {
    const { fetch: fetchFn, headers, remainingMs } = exchange;
    const open: { client?: Client } = {};
    exchange.onEnd(async () => open.client?.close());
    const connectOptions = () => ({ timeout: remainingMs(), signal: exchange.signal });
    const streamable = () =>
      new StreamableHTTPClientTransport(url, {
        fetch: withoutStandaloneStream(fetchFn),
        requestInit: { headers },
        reconnectionOptions: NO_RECONNECT,
      });
    const session = (transport: McpTransportKind, lane: McpCallLane): McpSession => ({
      client: open.client as Client,
      transport,
      lane,
      signal: exchange.signal,
      remainingMs,
    });

    /** A stateless server: the stored discovery is adopted, so the operation's own request is the only one. */
    const runStateless = async (): Promise<T> => {
      open.client = new Client(MCP_CLIENT_INFO);
      await open.client.connect(streamable(), {
        ...connectOptions(),
        prior: priorDiscoveryFor(target.server as NonNullable<McpTarget["server"]>),
      });
      return operation(session("streamable-http", "stateless"));
    };

    /**
     * A client that knows nothing yet. A call makes the 2025-era handshake (`initialize`,
     * `notifications/initialized`) before the operation. Discovery lets the SDK probe with `server/discover` first
     * (`mode: "auto"`), so a stateless server is recognised and its revision stored, while a 2025-era server answers
     * the probe with an error and gets the handshake. The legacy SSE transport only exists in the 2024-11-05
     * revision, so it is never probed.
     */
    const runFresh = async (): Promise<T> => {
      let transport: McpTransportKind = "streamable-http";
      open.client = new Client(MCP_CLIENT_INFO, phase === "discover" ? { versionNegotiation: { mode: "auto" } } : {});
      try {
        await open.client.connect(streamable(), connectOptions());
      } catch (error) {
        if (!isLegacySseSignal(error)) throw error;
        await open.client.close().catch(() => {});
        transport = "sse";
        open.client = new Client(MCP_CLIENT_INFO);
        await open.client.connect(
          new SSEClientTransport(url, {
            fetch: fetchFn,
            requestInit: { headers },
            eventSourceInit: { fetch: fetchFn },
          }),
          connectOptions(),
        );
      }
      return operation(session(transport, "handshake"));
    };

    if (phase !== "call" || callLaneFor(target.server) !== "stateless") return runFresh();
    try {
      return await runStateless();
    } catch (error) {
      if (!isRevisionRefusedSignal(error)) throw error;
      await open.client?.close().catch(() => {});
      return runFresh();
    }
  });
}

interface FailureContext {
  phase: McpPhase;
  timedOut: boolean;
  timeoutMs: number;
  observed: ObservedTraffic;
  secrets: string[];
}

/** The HTTP status behind an SDK transport error, when it carries one. */
function httpStatusOf(error: unknown): number | undefined {
  if (SdkHttpError.isInstance(error)) return error.status;
  if (error instanceof SseError && typeof error.code === "number") return error.code;
  if (error instanceof UnauthorizedError) return 401;
  return undefined;
}

/** Removes any credential from text that came from the server before it reaches a response or a log. */
export function withoutSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out.slice(0, 300);
}

/**
 * The cause kept for the log line: the SDK's error name and message with our credentials removed — a hostile
 * server could echo the `Authorization` header it received into the error body the SDK quotes.
 */
function loggableCause(error: unknown, secrets: readonly string[]): Error {
  const cause = new Error(withoutSecrets(error instanceof Error ? error.message : String(error), secrets));
  cause.name = error instanceof Error ? error.name : "Error";
  return cause;
}

/** Maps whatever the SDK, the platform or the deadline threw onto the stable codes of SPEC §6.7. */
export function classifyFailure(error: unknown, context: FailureContext): McpClientError {
  if (isMcpClientError(error)) return error;
  if (context.observed.refused) return context.observed.refused;
  const sdkTimeout = SdkError.isInstance(error) && error.code === SdkErrorCode.RequestTimeout;
  if (context.timedOut || sdkTimeout) {
    return context.phase === "call"
      ? new McpClientError("mcp_timeout", `The MCP server did not answer within ${context.timeoutMs} ms`)
      : new McpClientError("mcp_unreachable", `The MCP server did not answer within ${context.timeoutMs} ms`);
  }
  const status = httpStatusOf(error) ?? (error instanceof SseError ? context.observed.challenge?.status : undefined);
  if (status === 401 || status === 403) {
    return new McpClientError("mcp_auth_failed", `The MCP server refused the credential (HTTP ${status})`, {
      challenge: context.observed.challenge ?? { status },
      cause: loggableCause(error, context.secrets),
    });
  }
  if (ProtocolError.isInstance(error)) {
    return new McpClientError(
      "mcp_unreachable",
      `The MCP server answered with an error: ${withoutSecrets(error.message, context.secrets)}`,
      { cause: loggableCause(error, context.secrets) },
    );
  }
  if (status !== undefined) {
    return new McpClientError("mcp_unreachable", `The server did not accept MCP requests (HTTP ${status})`, {
      cause: loggableCause(error, context.secrets),
    });
  }
  return new McpClientError("mcp_unreachable", "The MCP server could not be reached or did not speak MCP", {
    cause: loggableCause(error, context.secrets),
  });
}
