import type { PriorDiscovery } from "@modelcontextprotocol/client";
import type { McpServerFacts } from "./target";

/**
 * The first revision of the stateless era of MCP (2026-07-28, "Lifecycle"): no `initialize` handshake and no
 * `Mcp-Session-Id` — every request carries the protocol version, client info and capabilities in its `_meta`, and
 * a client learns what the server offers from `server/discover`. Revision identifiers are dates, so later ones sort
 * after it as strings.
 */
export const FIRST_STATELESS_PROTOCOL_VERSION = "2026-07-28";

const REVISION_ID = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `version` (a negotiated protocol revision) belongs to the stateless era. */
export function isStatelessProtocolVersion(version: string | undefined): boolean {
  return version !== undefined && REVISION_ID.test(version) && version >= FIRST_STATELESS_PROTOCOL_VERSION;
}

/**
 * How a tool call reaches a server (SPEC §6.7): `stateless` — one `tools/call` request, no handshake, for a server
 * whose discovery negotiated a 2026-07-28+ revision; `handshake` — the 2025-era `initialize` →
 * `notifications/initialized` → `tools/call` sequence for every other server (and when nothing was discovered).
 */
export type McpCallLane = "stateless" | "handshake";

export function callLaneFor(server: McpServerFacts | undefined): McpCallLane {
  return isStatelessProtocolVersion(server?.protocolVersion) ? "stateless" : "handshake";
}

/**
 * What the SDK client adopts instead of probing (`connect(transport, { prior })`: zero round trips): the stored
 * outcome of discovery's `server/discover` — the negotiated revision and the server's capabilities. The SDK picks the
 * revision from `supportedVersions` and sends it, with our client info, in every request's `_meta`.
 */
export function priorDiscoveryFor(server: McpServerFacts): PriorDiscovery {
  return {
    kind: "modern",
    discover: { supportedVersions: [server.protocolVersion], capabilities: server.capabilities },
  };
}
