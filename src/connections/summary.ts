import { describeData } from "./data";
import type { ConnectionSummaryRow, DecryptedConnection } from "./store";

/** The public view of a connection (SPEC §6.3): never `data`, never tokens. */
export function connectionSummary(row: ConnectionSummaryRow, decrypted?: DecryptedConnection) {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    connection_method: row.connectionMethod,
    status: row.status,
    status_reason: row.statusReason,
    organization_id: row.organizationId,
    base_url: row.baseUrl,
    default_headers: row.defaultHeaders ?? {},
    timeout_ms: row.timeoutMs,
    retries: row.retries,
    backoff_ms: row.backoffMs,
    verify_request: row.verifyRequest ?? null,
    mcp_server_url: row.mcpServerUrl,
    mcp_tools: row.mcpTools ?? null,
    capabilities: row.capabilities ?? null,
    paragon:
      row.connectionMethod === "paragon"
        ? {
            user_id: row.paragonUserId,
            integration: row.paragonIntegration,
            credential_id: row.paragonCredentialId,
            metadata: row.paragonMetadata ?? null,
          }
        : null,
    metadata: row.metadata ?? {},
    token_expires_at: row.tokenExpiresAt,
    last_used_at: row.lastUsedAt,
    last_tested_at: row.lastTestedAt,
    last_test_success: row.lastTestSuccess,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    ...(decrypted
      ? describeData(decrypted.connection.method, decrypted.connection.data as Record<string, unknown>)
      : {}),
  };
}

export type ConnectionSummary = ReturnType<typeof connectionSummary>;
