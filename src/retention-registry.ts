import { AUTH_RETENTION_RULES } from "./auth/retention";
import type { RetentionRule } from "./db/retention";
import { INTERNAL_RETENTION_RULES } from "./internal/jti-ledger";
import { OAUTH_SERVER_RETENTION_RULES } from "./oauth-server/retention";
import { PARAGON_RETENTION_RULES } from "./paragon/retention";

/** Every retention rule of the application, declared by the feature that owns the table. */
export const RETENTION_RULES: readonly RetentionRule[] = [
  ...AUTH_RETENTION_RULES,
  ...OAUTH_SERVER_RETENTION_RULES,
  ...INTERNAL_RETENTION_RULES,
  ...PARAGON_RETENTION_RULES,
];
