import { Hono } from "hono";
import { randomToken, sha256Hex } from "../crypto";
import { getDb } from "../db/client";
import type { AppEnv } from "../platform/context";
import { OAuthError } from "../platform/oauth-error";
import { clientIp } from "../platform/rate-limit";
import { MAX_REGISTRATION_BODY_BYTES, parseRegistrationRequest, registrationResponse } from "./registration";
import { insertClient } from "./store";
import { NO_STORE_HEADERS, sanitizeDescription } from "./wire";

/**
 * Dynamic Client Registration (RFC 7591 §3), kept for 2025-era MCP clients (2026-07-28 prefers Client
 * ID Metadata Documents). Open to anyone, so it is rate-limited per IP (`RATE_LIMIT_CLIENT_REGISTRATION`)
 * and bounded in size; a confidential client's secret is returned once and stored as SHA-256 only.
 */
export const registerRoutes = new Hono<AppEnv>().post("/oauth/register", async (c) => {
  const { success } = await c.env.RATE_LIMIT_CLIENT_REGISTRATION.limit({ key: `register:${clientIp(c)}` });
  if (!success) {
    return c.json({ error: "invalid_request", error_description: "Too many registrations; try again later" }, 429, {
      ...NO_STORE_HEADERS,
      "retry-after": "60",
    });
  }
  if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("application/json")) {
    throw new OAuthError("invalid_client_metadata", {
      description: "The body must be application/json",
      reason: "content_type",
    });
  }
  const declared = Number(c.req.header("content-length") ?? "0");
  const text = declared > MAX_REGISTRATION_BODY_BYTES ? null : await c.req.text();
  if (text === null || text.length > MAX_REGISTRATION_BODY_BYTES) {
    return c.json(
      { error: "invalid_client_metadata", error_description: "The registration is too large" },
      413,
      NO_STORE_HEADERS,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new OAuthError("invalid_client_metadata", {
      description: "The body is not valid JSON",
      reason: "invalid_json",
    });
  }
  const parsed = parseRegistrationRequest(body);
  if (!parsed.ok) {
    throw new OAuthError(parsed.error.error, {
      description: sanitizeDescription(parsed.error.error_description),
      reason: "registration_invalid",
    });
  }
  const { metadata } = parsed;
  const clientId = crypto.randomUUID();
  const secret = metadata.tokenEndpointAuthMethod === "none" ? undefined : randomToken(32);
  const now = Date.now();
  await insertClient(getDb(c.env.DB), {
    id: clientId,
    kind: "dcr",
    clientName: metadata.clientName,
    redirectUris: metadata.redirectUris,
    tokenEndpointAuthMethod: metadata.tokenEndpointAuthMethod,
    grantTypes: metadata.grantTypes,
    scope: metadata.scope,
    clientUri: metadata.clientUri,
    clientSecretHash: secret ? await sha256Hex(secret) : null,
    createdAt: now,
    updatedAt: now,
  });
  return c.json(registrationResponse(clientId, metadata, Math.floor(now / 1000), secret), 201, NO_STORE_HEADERS);
});
