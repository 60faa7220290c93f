import { Hono } from "hono";
import type { AppEnv } from "../platform/context";
import { requireSigningKeys } from "./context";
import {
  AUTHORIZATION_SERVER_METADATA_PATH,
  authorizationServerMetadata,
  JWKS_PATH,
  MCP_PATH,
  PROTECTED_RESOURCE_METADATA_PATH,
  protectedResourceMetadata,
} from "./metadata";

/** Discovery documents are public and change only with a deploy: cacheable for a while. */
const CACHEABLE = { "cache-control": "public, max-age=300" };

/**
 * Discovery (RFC 8414 §3, RFC 9728 §3, RFC 7517 §5). Served with `Access-Control-Allow-Origin: *` by
 * the sub-app: browser-based MCP clients (Inspector) read them cross-origin, and they carry no secret.
 */
export const discoveryRoutes = new Hono<AppEnv>()
  .get(AUTHORIZATION_SERVER_METADATA_PATH, (c) =>
    c.json(authorizationServerMetadata(c.var.config.appUrl), 200, CACHEABLE),
  )
  .get(PROTECTED_RESOURCE_METADATA_PATH, (c) => c.json(protectedResourceMetadata(c.var.config.appUrl), 200, CACHEABLE))
  .get(`${PROTECTED_RESOURCE_METADATA_PATH}${MCP_PATH}`, (c) =>
    c.json(protectedResourceMetadata(c.var.config.appUrl), 200, CACHEABLE),
  )
  .get(JWKS_PATH, async (c) => c.json((await requireSigningKeys(c.var.config)).jwks, 200, CACHEABLE));
