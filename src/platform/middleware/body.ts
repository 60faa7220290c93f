import type { Context, MiddlewareHandler, ValidationTargets } from "hono";
import { bodyLimit } from "hono/body-limit";
import * as z from "zod";
import type { AppEnv } from "../context";
import { AppError } from "../errors";

/** Largest JSON or form body the API accepts (1 MiB). Streams (the proxy) set their own limit. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** Whether the request says its body is JSON (`application/json` or `application/*+json`). */
export function hasJsonBody(c: Context): boolean {
  const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
  return JSON_MEDIA_TYPE.test(mediaType);
}

/** Refuses bodies over `maxBytes` with 413 `payload_too_large`, whether or not Content-Length is sent. */
export function limitBodySize(maxBytes = MAX_REQUEST_BODY_BYTES): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError("payload_too_large", `Request body exceeds ${maxBytes} bytes`);
    },
  });
}

type Validated<Target extends keyof ValidationTargets, Schema extends z.ZodType> = {
  in: { [K in Target]: z.input<Schema> };
  out: { [K in Target]: z.output<Schema> };
};

/**
 * Validates a JSON body against a zod schema, with a distinct stable code for each way it can be bad:
 * 415 `unsupported_media_type` (not `application/json`), 400 `invalid_json` (does not parse),
 * 400 `invalid_request` (parses but does not match; `details` lists each issue by path).
 * The result is read with `c.req.valid("json")`.
 */
export function jsonBody<Schema extends z.ZodType>(
  schema: Schema,
): MiddlewareHandler<AppEnv, string, Validated<"json", Schema>> {
  return async function jsonBodyValidator(c, next) {
    if (!hasJsonBody(c)) {
      throw new AppError("unsupported_media_type", "Content-Type must be application/json");
    }
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw new AppError("invalid_json", "Request body is not valid JSON");
    }
    c.req.addValidatedData("json", parseOrThrow(schema, raw, "Request body is invalid") as object);
    await next();
  };
}

/**
 * Validates the query string (single values as strings, repeated keys as arrays). Unknown parameters
 * are ignored, not refused, even when the schema is strict: links carry tracking and cache-busting
 * parameters, and a strict query only breaks clients (unknown body fields stay refused).
 */
export function queryParams<Schema extends z.ZodType>(
  schema: Schema,
): MiddlewareHandler<AppEnv, string, Validated<"query", Schema>> {
  const lenient = schema instanceof z.ZodObject ? schema.strip() : schema;
  return async function queryParamsValidator(c, next) {
    const raw = Object.fromEntries(
      Object.entries(c.req.queries()).map(([key, values]) => [key, values.length === 1 ? values[0] : values]),
    );
    c.req.addValidatedData("query", parseOrThrow(lenient, raw, "Query parameters are invalid") as object);
    await next();
  };
}

/** Parses with zod or throws 400 `invalid_request` listing `{path, message}` for each issue. */
export function parseOrThrow<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  message: string,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError("invalid_request", message, {
    details: result.error.issues.map((issue) => ({
      path: issue.path.join("."),
      code: issue.code,
      message: issue.message,
    })),
  });
}
