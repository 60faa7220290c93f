import type { LogLevel } from "./config";
import { redact } from "./redact";

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

/**
 * Structured JSON logger. Every line is one JSON object with `level`, `msg`, `time` and the bound
 * context (always the `request_id` for request-scoped loggers); every field goes through `redact`,
 * so a token or credential passed by mistake is replaced before it reaches the log pipeline.
 */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  context?: LogFields;
  /** Where lines go; `console.log` by default (Workers Logs parse JSON lines). */
  sink?: (line: string) => void;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LEVEL_ORDER[options.level ?? "info"];
  const context = options.context ?? {};
  const sink = options.sink ?? ((line: string) => console.log(line));
  const write = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (LEVEL_ORDER[level] < threshold) return;
    const entry = redact({ level, msg, time: new Date().toISOString(), ...context, ...fields });
    sink(JSON.stringify(entry));
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger({ ...options, context: { ...context, ...fields } }),
  };
}

/**
 * drizzle's "Failed query" errors append the bound parameters, which may be ciphertexts, token
 * hashes or user input; they never belong in a log line or a stored error.
 */
const QUERY_PARAMS_PATTERN = /\nparams: [\s\S]*$/;

/** An error's message with query parameters removed. */
export function safeErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(QUERY_PARAMS_PATTERN, "\nparams: [redacted]");
}

/** Serialises an unknown thrown value for a log line: name, message, stack and cause chain. */
export function describeError(error: unknown): LogFields {
  if (!(error instanceof Error)) return { value: String(error) };
  return {
    name: error.name,
    message: safeErrorMessage(error),
    stack: error.stack?.replace(error.message, safeErrorMessage(error)),
    ...("code" in error ? { error_code: (error as { code: unknown }).code } : {}),
    ...(error.cause !== undefined ? { cause: describeError(error.cause) } : {}),
  };
}
