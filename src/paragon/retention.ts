import { webhookEventsRule } from "../auth/retention";
import type { RetentionRule } from "../db/retention";
import { PARAGON_WEBHOOK_SOURCE } from "./webhook";

export const PARAGON_RETENTION_RULES: readonly RetentionRule[] = [webhookEventsRule(PARAGON_WEBHOOK_SOURCE)];
