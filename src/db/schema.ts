/**
 * The storage contract (D1 / SQLite). This file is the single source of truth: `npm run db:generate`
 * writes SQL migrations into `migrations/` from it, and `docs/storage.md` documents every column,
 * including which are encrypted (and with what associated data) and which are hashed.
 *
 * Conventions: ids are random UUIDs (text); times are integer milliseconds since the Unix epoch (UTC);
 * booleans are integers 0/1; JSON columns hold documents with no secrets unless named `*_encrypted`.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const nowMs = sql`(cast(unixepoch('subsecond') * 1000 as integer))`;
const timestamps = {
  createdAt: integer("created_at").notNull().default(nowMs),
  updatedAt: integer("updated_at").notNull().default(nowMs),
};

export const MEMBERSHIP_ROLES = ["owner", "admin", "member"] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

/** A person who signs in. One row per verified email, whatever sign-in method they use. */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    workosUserId: text("workos_user_id"),
    /** Lowercased; unique across live users. */
    email: text("email").notNull(),
    name: text("name"),
    emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
    /** How the user last signed in: `password`, `GoogleOAuth`, `sso`, `magic_auth`, `dev`, … */
    authMethod: text("auth_method"),
    lastLoginAt: integer("last_login_at"),
    ...timestamps,
    /** Set when WorkOS reports the user deleted; every session of the user stops working. */
    deletedAt: integer("deleted_at"),
  },
  (table) => [
    uniqueIndex("users_email_unique").on(table.email),
    uniqueIndex("users_workos_user_id_unique").on(table.workosUserId),
  ],
);

/** A customer organization, linked to a WorkOS organization when SSO is configured. */
export const organizations = sqliteTable(
  "organizations",
  {
    id: text("id").primaryKey(),
    workosOrganizationId: text("workos_organization_id"),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    /** Primary email domain, lowercased; used to route SSO sign-in. */
    domain: text("domain"),
    ssoEnabled: integer("sso_enabled", { mode: "boolean" }).notNull().default(false),
    /** `GoogleSAML`, `OktaSAML`, `GenericOIDC`, … as reported by WorkOS. */
    ssoProvider: text("sso_provider"),
    ...timestamps,
  },
  (table) => [
    uniqueIndex("organizations_slug_unique").on(table.slug),
    uniqueIndex("organizations_domain_unique").on(table.domain),
    uniqueIndex("organizations_workos_organization_id_unique").on(table.workosOrganizationId),
  ],
);

/** A user's role in an organization. */
export const memberships = sqliteTable(
  "memberships",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    role: text("role", { enum: MEMBERSHIP_ROLES }).notNull().default("member"),
    workosMembershipId: text("workos_membership_id"),
    ...timestamps,
  },
  (table) => [
    uniqueIndex("memberships_user_organization_unique").on(table.userId, table.organizationId),
    uniqueIndex("memberships_workos_membership_id_unique").on(table.workosMembershipId),
    index("memberships_organization_idx").on(table.organizationId),
    check("memberships_role_check", sql`${table.role} in ('owner', 'admin', 'member')`),
  ],
);

/**
 * Every background job that failed at least once. A row gets `dead_at` when the job exhausted its
 * retries and reached the dead-letter queue (or could never succeed), and `resolved_at` when a retry
 * succeeded. Nothing is lost silently. `body` is the message with secrets redacted.
 */
export const jobFailures = sqliteTable(
  "job_failures",
  {
    jobId: text("job_id").primaryKey(),
    kind: text("kind").notNull(),
    queue: text("queue").notNull(),
    body: text("body", { mode: "json" }).notNull(),
    attempts: integer("attempts").notNull(),
    lastError: text("last_error").notNull(),
    firstFailedAt: integer("first_failed_at").notNull(),
    lastFailedAt: integer("last_failed_at").notNull(),
    deadAt: integer("dead_at"),
    resolvedAt: integer("resolved_at"),
  },
  (table) => [index("job_failures_dead_idx").on(table.deadAt, table.lastFailedAt)],
);

/**
 * Server-side sessions. The browser holds `<token>.<hmac>`; only SHA-256(token) is stored, so a copy
 * of this table cannot be replayed as cookies. Revocation is a write here, effective on the next
 * request (the hot path reads this row, joined with its user, in one query).
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    /** SHA-256 hex of the cookie's random token. */
    tokenHash: text("token_hash").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    authMethod: text("auth_method").notNull(),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    /** Absolute expiry; the idle expiry is `last_seen_at` + SESSION_IDLE_TIMEOUT_MS. */
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    /** `logout`, `logout_everywhere`, `user_deleted`, `provider_session_ended`, … */
    revokedReason: text("revoked_reason"),
    /** WorkOS session id (`sid` claim) when signed in through WorkOS. */
    workosSessionId: text("workos_session_id"),
    /** WorkOS refresh token, encrypted; associated data `sessions.workos_refresh_token:<id>:<user_id>`. */
    workosRefreshTokenEncrypted: text("workos_refresh_token_encrypted"),
    /** When the WorkOS session was last confirmed alive by a refresh. */
    workosCheckedAt: integer("workos_checked_at"),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (table) => [
    uniqueIndex("sessions_token_hash_unique").on(table.tokenHash),
    index("sessions_user_idx").on(table.userId),
    // The retention sweep (src/auth/retention.ts): sessions not seen for long are dead, whatever ended them.
    index("sessions_last_seen_idx").on(table.lastSeenAt),
  ],
);

/** Ids of inbound webhook events already processed (replay and redelivery protection). */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    source: text("source").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.source, table.eventId] }),
    index("webhook_events_received_idx").on(table.receivedAt),
  ],
);

export const CONNECTION_METHODS = [
  "api_key",
  "bearer",
  "basic",
  "oauth2",
  "oauth2_client_credentials",
  "mcp",
  "paragon",
] as const;
export type ConnectionMethodColumn = (typeof CONNECTION_METHODS)[number];
export const CONNECTION_STATUSES = ["active", "invalid", "expired", "revoked", "disconnected"] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/**
 * Every external connection, whatever its method (SPEC §6.1). Credentials live only in
 * `data_encrypted` (and OAuth tokens in `tokens_encrypted`), bound by associated data to this row and
 * its owner. `encryption_key_id` mirrors the key id inside `data_encrypted` so the re-encryption job
 * finds rows under old keys with an index instead of decrypting everything.
 */
export const connections = sqliteTable(
  "connections",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The organization the connection was created in. */
    organizationId: text("organization_id").references(() => organizations.id, { onDelete: "set null" }),
    name: text("name").notNull(),
    provider: text("provider").notNull(),
    connectionMethod: text("connection_method", { enum: CONNECTION_METHODS }).notNull(),
    status: text("status", { enum: CONNECTION_STATUSES }).notNull().default("active"),
    /** Why the status is not `active` (last test failure, refresh failure, …). Never contains a secret. */
    statusReason: text("status_reason"),
    /** Encrypted JSON of the method's `data`; associated data `connections.data:<id>:<user_id>`. */
    dataEncrypted: text("data_encrypted").notNull(),
    /** Encrypted JSON of OAuth tokens; associated data `connections.tokens:<id>:<user_id>`. */
    tokensEncrypted: text("tokens_encrypted"),
    encryptionKeyId: text("encryption_key_id").notNull(),
    baseUrl: text("base_url"),
    defaultHeaders: text("default_headers", { mode: "json" }).$type<Record<string, string>>(),
    timeoutMs: integer("timeout_ms").notNull().default(30_000),
    retries: integer("retries").notNull().default(2),
    backoffMs: integer("backoff_ms").notNull().default(500),
    /** User-supplied verification request for generic providers: `{ method, path, success_statuses? }`. */
    verifyRequest: text("verify_request", { mode: "json" }).$type<{
      method: "GET" | "POST" | "HEAD";
      path: string;
      success_statuses?: number[];
    }>(),
    mcpServerUrl: text("mcp_server_url"),
    mcpTools: text("mcp_tools", { mode: "json" }).$type<unknown[]>(),
    capabilities: text("capabilities", { mode: "json" }).$type<Record<string, unknown>>(),
    paragonUserId: text("paragon_user_id"),
    paragonIntegration: text("paragon_integration"),
    paragonCredentialId: text("paragon_credential_id"),
    paragonMetadata: text("paragon_metadata", { mode: "json" }).$type<Record<string, unknown>>(),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
    lastUsedAt: integer("last_used_at"),
    lastTestedAt: integer("last_tested_at"),
    lastTestSuccess: integer("last_test_success", { mode: "boolean" }),
    /** OAuth bookkeeping (SPEC §6.5). */
    tokenExpiresAt: integer("token_expires_at"),
    lastRefreshAt: integer("last_refresh_at"),
    lastRefreshError: text("last_refresh_error"),
    refreshAttempts: integer("refresh_attempts").notNull().default(0),
    refreshExhausted: integer("refresh_exhausted", { mode: "boolean" }).notNull().default(false),
    ...timestamps,
    deletedAt: integer("deleted_at"),
  },
  (table) => [
    uniqueIndex("connections_user_name_live_unique")
      .on(table.userId, table.name)
      .where(sql`${table.deletedAt} is null`),
    index("connections_user_created_idx").on(table.userId, table.createdAt),
    index("connections_user_provider_idx").on(table.userId, table.provider),
    index("connections_user_method_idx").on(table.userId, table.connectionMethod),
    index("connections_user_status_idx").on(table.userId, table.status),
    index("connections_key_idx").on(table.encryptionKeyId),
    check(
      "connections_method_check",
      sql`${table.connectionMethod} in ('api_key', 'bearer', 'basic', 'oauth2', 'oauth2_client_credentials', 'mcp', 'paragon')`,
    ),
    check(
      "connections_status_check",
      sql`${table.status} in ('active', 'invalid', 'expired', 'revoked', 'disconnected')`,
    ),
  ],
);

/** Progress of a re-encryption run (rotation of ENCRYPTION_KEYS). */
export const reencryptionRuns = sqliteTable("reencryption_runs", {
  id: text("id").primaryKey(),
  /** The primary key id the run rewrites rows to. */
  targetKeyId: text("target_key_id").notNull(),
  status: text("status", { enum: ["running", "completed", "failed"] }).notNull(),
  startedBy: text("started_by").notNull(),
  processed: integer("processed").notNull().default(0),
  failed: integer("failed").notNull().default(0),
  lastError: text("last_error"),
  startedAt: integer("started_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  finishedAt: integer("finished_at"),
});

export type ConnectionRow = typeof connections.$inferSelect;
export type ReencryptionRun = typeof reencryptionRuns.$inferSelect;
export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Organization = typeof organizations.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type JobFailure = typeof jobFailures.$inferSelect;

export const AUDIT_OUTCOMES = ["success", "failure"] as const;

/**
 * Append-only audit trail (sign-ins, admin actions, MCP tool calls, credential use). Written by the
 * `audit.record` job so the request path never waits on it. `metadata` is redacted before enqueueing.
 */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    occurredAt: integer("occurred_at").notNull(),
    /** `user`, `oauth_client`, `workos`, `system`. */
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    /** Dotted verb, e.g. `auth.sign_in`, `admin.sso.create`, `mcp.tool_call`. */
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    outcome: text("outcome", { enum: AUDIT_OUTCOMES }).notNull(),
    requestId: text("request_id"),
    ip: text("ip"),
    metadata: text("metadata", { mode: "json" }),
  },
  (table) => [
    index("audit_events_actor_idx").on(table.actorType, table.actorId, table.occurredAt),
    index("audit_events_action_idx").on(table.action, table.occurredAt),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;

// ── Workflows, agents and executions (SPEC §7; src/workflows) ───────────────────────────────────────────

export const DEFINITION_KINDS = ["workflow", "agent"] as const;
export type DefinitionKind = (typeof DEFINITION_KINDS)[number];
export const EXECUTION_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const EXECUTION_ENGINES = ["cloudflare", "temporal"] as const;
export type ExecutionEngine = (typeof EXECUTION_ENGINES)[number];

/**
 * Workflow and agent definitions owned by a user (one table, `kind` tells them apart). `definition` is the
 * validated wire body (SPEC §7.1) of the current `version`; every update bumps `version` and appends the new
 * body to `definition_versions`, so an execution can always load the version it runs. Soft-deleted.
 */
export const definitions = sqliteTable(
  "definitions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: DEFINITION_KINDS }).notNull(),
    name: text("name").notNull(),
    version: integer("version").notNull().default(1),
    definition: text("definition", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    ...timestamps,
    deletedAt: integer("deleted_at"),
  },
  (table) => [index("definitions_user_kind_idx").on(table.userId, table.kind, table.updatedAt)],
);

/** Every version of every definition, immutable once written. */
export const definitionVersions = sqliteTable(
  "definition_versions",
  {
    definitionId: text("definition_id")
      .notNull()
      .references(() => definitions.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    definition: text("definition", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer("created_at").notNull().default(nowMs),
  },
  (table) => [primaryKey({ columns: [table.definitionId, table.version] })],
);

/**
 * One run of a definition version (SPEC §7.2). Written only by the execution's Durable Object
 * (`ExecutionEvents`) once created, so node results never race. `nodes` lists each node's result.
 * `inputs`, `output` and node outputs never hold credentials (the edge injects them; outputs are redacted).
 */
export const executions = sqliteTable(
  "executions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: DEFINITION_KINDS }).notNull(),
    definitionId: text("definition_id")
      .notNull()
      .references(() => definitions.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    status: text("status", { enum: EXECUTION_STATUSES }).notNull().default("queued"),
    statusReason: text("status_reason"),
    engine: text("engine", { enum: EXECUTION_ENGINES }).notNull(),
    inputs: text("inputs", { mode: "json" }).notNull(),
    output: text("output", { mode: "json" }),
    error: text("error", { mode: "json" }).$type<{ node_id?: string; code: string; message: string }>(),
    nodes: text("nodes", { mode: "json" }).$type<ExecutionNodeRecord[]>().notNull().default([]),
    idempotencyKey: text("idempotency_key"),
    ...timestamps,
    startedAt: integer("started_at"),
    completedAt: integer("completed_at"),
  },
  (table) => [
    uniqueIndex("executions_user_idempotency_unique").on(table.userId, table.idempotencyKey),
    index("executions_user_created_idx").on(table.userId, table.createdAt),
    index("executions_definition_idx").on(table.definitionId, table.createdAt),
    check("executions_status_check", sql`${table.status} in ('queued', 'running', 'completed', 'failed', 'cancelled')`),
  ],
);

/** One node's result inside `executions.nodes` (SPEC §7.2 `nodes[]`). */
export interface ExecutionNodeRecord {
  node_id: string;
  status: "pending" | "running" | "completed" | "failed" | "skipped";
  output?: unknown;
  error?: { code: string; message: string };
  attempts: number;
  started_at?: number;
  completed_at?: number;
}

export type DefinitionRow = typeof definitions.$inferSelect;
export type ExecutionRow = typeof executions.$inferSelect;
/**
 * Worker token ids already used on the internal API (SPEC §7.4): `jti` is the primary key, so a replayed token
 * loses the insert race in D1 (one primary, strongly consistent — never KV, whose reads may be stale). Rows are
 * kept until the token's own expiry (plus leeway), after which its `exp` refuses it anyway; then they are purged.
 */
export const workerTokenUses = sqliteTable(
  "worker_token_uses",
  {
    jti: text("jti").primaryKey(),
    executionId: text("execution_id").notNull(),
    /** Epoch ms after which the row may be deleted. */
    expiresAt: integer("expires_at").notNull(),
  },
  (table) => [index("worker_token_uses_expiry_idx").on(table.expiresAt)],
);

// ---------------------------------------------------------------------------------------------
// OAuth 2.1 authorization server (src/oauth-server; SPEC §8). Every bearer secret is stored as its
// SHA-256 hex only: client secrets, authorization codes, refresh tokens. Access tokens are not
// stored at all (signed JWTs); their grant's `revoked_at` is what stops them.

export const OAUTH_CLIENT_KINDS = ["dcr", "cimd", "confidential"] as const;

/**
 * OAuth clients: registered dynamically (`dcr`, RFC 7591), cached Client ID Metadata Documents
 * (`cimd`, id = the document URL, refreshed after `metadata_expires_at`), or admin-managed
 * confidential clients (`confidential`).
 */
export const oauthClients = sqliteTable(
  "oauth_clients",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: OAUTH_CLIENT_KINDS }).notNull(),
    clientName: text("client_name").notNull(),
    redirectUris: text("redirect_uris", { mode: "json" }).$type<string[]>().notNull(),
    /** `none`, `client_secret_basic` or `client_secret_post`. */
    tokenEndpointAuthMethod: text("token_endpoint_auth_method").notNull(),
    grantTypes: text("grant_types", { mode: "json" }).$type<string[]>().notNull(),
    /** Space-delimited scopes the client may request; empty = any. */
    scope: text("scope").notNull().default(""),
    clientUri: text("client_uri"),
    /** SHA-256 hex of the client secret (confidential clients only). */
    clientSecretHash: text("client_secret_hash"),
    /** The admin who created a `confidential` client. */
    createdByUserId: text("created_by_user_id").references(() => users.id, { onDelete: "set null" }),
    /** For `cimd`: when the cached document must be fetched again (HTTP caching headers). */
    metadataExpiresAt: integer("metadata_expires_at"),
    revokedAt: integer("revoked_at"),
    ...timestamps,
  },
  (table) => [index("oauth_clients_kind_idx").on(table.kind, table.createdAt)],
);

/** One user's authorization of one client: what refresh tokens and access tokens hang from. */
export const oauthGrants = sqliteTable(
  "oauth_grants",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull(),
    scope: text("scope").notNull(),
    /** The RFC 8707 resource (audience) its access tokens are bound to. */
    resource: text("resource").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
    /** `user`, `refresh_token_reuse`, `code_replay`, `client_revoked`, `token_revocation`. */
    revokedReason: text("revoked_reason"),
  },
  (table) => [
    index("oauth_grants_user_idx").on(table.userId, table.createdAt),
    index("oauth_grants_revoked_idx").on(table.revokedAt),
  ],
);

/** Authorization codes (single use, 60 s). `used_at` is set atomically by the exchange that claims it. */
export const oauthAuthorizationCodes = sqliteTable(
  "oauth_authorization_codes",
  {
    /** SHA-256 hex of the code. */
    codeHash: text("code_hash").primaryKey(),
    clientId: text("client_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    redirectUri: text("redirect_uri").notNull(),
    scope: text("scope").notNull(),
    resource: text("resource").notNull(),
    codeChallenge: text("code_challenge").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    /** The grant the first exchange created; a replay revokes it. */
    grantId: text("grant_id"),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [index("oauth_authorization_codes_expiry_idx").on(table.expiresAt)],
);

/** Refresh tokens, rotated on every use: each row points at its successor once rotated. */
export const oauthRefreshTokens = sqliteTable(
  "oauth_refresh_tokens",
  {
    /** SHA-256 hex of the token. */
    tokenHash: text("token_hash").primaryKey(),
    grantId: text("grant_id")
      .notNull()
      .references(() => oauthGrants.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    rotatedAt: integer("rotated_at"),
    replacedByHash: text("replaced_by_hash"),
  },
  (table) => [
    index("oauth_refresh_tokens_grant_idx").on(table.grantId),
    index("oauth_refresh_tokens_expiry_idx").on(table.expiresAt),
  ],
);

/** Remembered consent per user × client × scopes: a later request within these scopes skips the page. */
export const oauthConsents = sqliteTable(
  "oauth_consents",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull(),
    scope: text("scope").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.clientId] })],
);

export type OAuthClientRow = typeof oauthClients.$inferSelect;
export type OAuthGrantRow = typeof oauthGrants.$inferSelect;

/**
 * Personal API keys (SPEC §5.4). Only the key's SHA-256 is stored (`key_hash`); `prefix` is its first
 * 12 characters, shown so a user can tell keys apart. `scopes` null means the default (everything but
 * key management and admin routes). Revocation and expiry are checked on every request.
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at"),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (table) => [
    uniqueIndex("api_keys_key_hash_idx").on(table.keyHash),
    index("api_keys_user_idx").on(table.userId, table.createdAt),
  ],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
