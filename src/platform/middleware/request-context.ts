import type { MiddlewareHandler } from "hono";
import { getConfig } from "../config";
import type { AppEnv } from "../context";
import { createLogger } from "../logger";
import { redactUrl } from "../redact";

export const REQUEST_ID_HEADER = "x-request-id";
/** A caller-supplied id is kept (to trace a call across services) only if it is short and plain. */
const INCOMING_REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Gives every request an id (echoed as `x-request-id`), the parsed configuration and a logger bound
 * to that id, and writes one access-log line per request with status and duration.
 * Configuration is parsed here, on first use, so a misconfigured deployment fails on its first request
 * with the list of problems in the log.
 */
export function requestContext(): MiddlewareHandler<AppEnv> {
  return async function requestContextMiddleware(c, next) {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const requestId = incoming && INCOMING_REQUEST_ID_PATTERN.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", requestId);
    let level: "debug" | "info" | "warn" | "error" = "info";
    try {
      const config = getConfig(c.env);
      c.set("config", config);
      level = config.logLevel;
    } finally {
      c.set("log", createLogger({ level, context: { request_id: requestId } }));
    }
    const started = Date.now();
    try {
      await next();
    } finally {
      c.res.headers.set(REQUEST_ID_HEADER, requestId);
      c.var.log.info("request", {
        method: c.req.method,
        path: redactUrl(new URL(c.req.url)),
        status: c.res.status,
        duration_ms: Date.now() - started,
      });
    }
  };
}
