import type { ApiError } from "../api";
import type { ConnectionMethod, ConnectionStatus, TestResult } from "./types";

export const METHOD_LABELS: Record<ConnectionMethod, string> = {
  api_key: "API key",
  bearer: "Bearer token",
  basic: "Username and password",
  oauth2: "OAuth 2.0",
  oauth2_client_credentials: "OAuth 2.0 client credentials",
  mcp: "MCP server",
  paragon: "Paragon",
};

export const STATUS_LABELS: Record<ConnectionStatus, string> = {
  active: "Active",
  invalid: "Invalid credentials",
  expired: "Expired",
  revoked: "Revoked",
  disconnected: "Not connected",
};

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** "3 minutes ago", "in 2 hours", "just now". */
export function relativeTime(ms: number, now = Date.now()): string {
  const seconds = Math.round((ms - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return Math.abs(seconds) < 10 ? "just now" : relative.format(seconds, "second");
}

export function absoluteTime(ms: number): string {
  return absolute.format(ms);
}

/** An error envelope as one sentence for the user; 429s say when to try again. */
export function describeError(error: ApiError): string {
  if (error.code === "rate_limited") {
    const wait = error.retry_after ? ` Try again in ${error.retry_after} seconds.` : " Try again in a minute.";
    return `Too many connection tests: you can run ten a minute.${wait}`;
  }
  if (error.code === "unauthenticated") return "Your session ended. Sign in again.";
  return error.message;
}

/** "HTTP 200 in 143 ms" / "143 ms". */
export function describeTiming(result: TestResult): string {
  const status = result.statusCode === null ? "" : `HTTP ${result.statusCode}, `;
  return `${status}${result.responseTime} ms`;
}
