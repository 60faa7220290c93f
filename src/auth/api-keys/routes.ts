import { Hono } from "hono";
import * as z from "zod";
import { recordAudit } from "../../audit/record";
import { getDb } from "../../db/client";
import type { AppEnv } from "../../platform/context";
import { jsonBody } from "../../platform/middleware/body";
import { currentSession, requireSession } from "../session-auth";
import { API_KEY_SCOPES, MAX_API_KEY_LIFETIME_DAYS } from "./keys";
import { apiKeySummary, createApiKey, listApiKeys, revokeApiKey } from "./store";

const DAY_MS = 24 * 60 * 60 * 1000;

/** `POST /api/api-keys` (SPEC §5.4). */
export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  /** Omitted: the default (everything but key management and admin routes). */
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(API_KEY_SCOPES.length).optional(),
  /** Omitted: the key never expires. */
  expires_in_days: z.int().min(1).max(MAX_API_KEY_LIFETIME_DAYS).optional(),
});

/**
 * Personal API keys for programs (SPEC §5.4), managed with a session only: an API key can never list,
 * create or revoke keys (see `API_KEY_ROUTE_SCOPES`). Mounted at `/api/api-keys`.
 */
export const apiKeyRoutes = new Hono<AppEnv>()
  .use(requireSession())
  .post("/", jsonBody(createApiKeyBody), async (c) => {
    const body = c.req.valid("json");
    const session = currentSession(c);
    const now = Date.now();
    const { row, key } = await createApiKey(getDb(c.env.DB), {
      userId: session.userId,
      name: body.name,
      scopes: body.scopes ? [...new Set(body.scopes)] : null,
      expiresAt: body.expires_in_days ? now + body.expires_in_days * DAY_MS : null,
      now,
    });
    recordAudit(c, {
      action: "api_key.create",
      outcome: "success",
      actorId: session.userId,
      targetType: "api_key",
      targetId: row.id,
    });
    // `key` appears in this one response only; the store keeps its hash.
    return c.json({ success: true as const, data: { ...apiKeySummary(row), key } }, 201);
  })
  .get("/", async (c) => {
    const rows = await listApiKeys(getDb(c.env.DB), currentSession(c).userId);
    return c.json({ success: true as const, data: rows.map(apiKeySummary) });
  })
  .delete("/:id", async (c) => {
    const session = currentSession(c);
    const id = c.req.param("id");
    await revokeApiKey(getDb(c.env.DB), session.userId, id, Date.now());
    recordAudit(c, {
      action: "api_key.revoke",
      outcome: "success",
      actorId: session.userId,
      targetType: "api_key",
      targetId: id,
    });
    return c.json({ success: true as const, data: { id, revoked: true } });
  });
