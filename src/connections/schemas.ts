import * as z from "zod";
import { CONNECTION_METHODS } from "../db/schema";
import { CREDENTIAL_HEADERS } from "../outbound/headers";
import { fieldSafeString } from "./data";

/** Request bodies of the connections API (SPEC §6.3); `data` is validated per method in `input.ts`. */
const MAX_METADATA_BYTES = 8 * 1024;

const headerMap = z
  .record(
    z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: "must be a valid header name" })
      .max(128),
    fieldSafeString().max(2048),
  )
  .refine((headers) => Object.keys(headers).length <= 30, { error: "at most 30 headers" })
  .refine((headers) => Object.keys(headers).every((name) => !CREDENTIAL_HEADERS.has(name.toLowerCase())), {
    error: "credentials belong in data, not in default_headers",
  });
const metadata = z
  .record(z.string().max(128), z.unknown())
  .refine((value) => JSON.stringify(value).length <= MAX_METADATA_BYTES, {
    error: `must be at most ${MAX_METADATA_BYTES} bytes of JSON`,
  });
const verifyRequest = z.strictObject({
  method: z.enum(["GET", "POST", "HEAD"]),
  path: z.string().startsWith("/").max(512),
  success_statuses: z.array(z.number().int().min(100).max(599)).min(1).max(10).optional(),
});

/** Non-secret settings every method shares (top-level fields of a connection). */
export const settingsFields = {
  base_url: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .max(2048)
    .nullable()
    .optional(),
  default_headers: headerMap.optional(),
  timeout_ms: z.number().int().min(1000).max(120_000).optional(),
  retries: z.number().int().min(0).max(5).optional(),
  backoff_ms: z.number().int().min(0).max(60_000).optional(),
  verify_request: verifyRequest.nullable().optional(),
  metadata: metadata.optional(),
};

export const createConnectionBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  connection_method: z.enum(CONNECTION_METHODS),
  provider: z.string().min(1).max(64),
  data: z.record(z.string(), z.unknown()),
  organization_id: z.uuid().optional(),
  mcp_server_url: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .max(2048)
    .optional(),
  ...settingsFields,
});

export const updateConnectionBody = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  /** Partial: merged over the stored data, `null` removes an optional field; the result is re-validated whole. */
  data: z.record(z.string(), z.unknown()).optional(),
  status: z.enum(["active", "disconnected"]).optional(),
  ...settingsFields,
});

export const testConnectionBody = z.strictObject({
  connection_method: z.enum(CONNECTION_METHODS),
  provider: z.string().min(1).max(64),
  data: z.record(z.string(), z.unknown()),
  ...settingsFields,
});
