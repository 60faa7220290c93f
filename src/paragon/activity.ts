import { and, asc, eq, isNull } from "drizzle-orm";
import * as z from "zod";
import type { Database } from "../db/client";
import { connections } from "../db/schema";
import { AppError, isAppError } from "../platform/errors";
import { type ParagonContext, runParagonAction } from "./service";

/**
 * Paragon actions as a workflow node (`paragon_action`, SPEC §7.1) and as agent tools: what the
 * workflow engine's activity dispatcher calls. The action runs as the execution's owner — the user token's
 * `sub` is `userId`, never anything from the node config — with the credential of that user's connection for
 * the integration, so a workflow can only reach accounts its owner connected.
 *
 * Errors are `AppError`s; `isRetryableParagonError` tells the engine which are worth another attempt
 * (Paragon unavailable or rate limiting), and which are the action's own answer (a 4xx, a missing connection).
 */
/**
 * The node/tool config fields this activity reads. Not strict: the engine's config also carries its own
 * fields (an agent tool's `input_schema`, a node's `retryPolicy`), which are not ours to refuse.
 */
export const paragonActionInput = z.object({
  integration: z.string().min(1).max(128),
  /** The ActionKit tool name (`SLACK_SEND_MESSAGE`); `tool` is accepted as ActionKit's current name for it. */
  action: z.string().min(1).max(256).optional(),
  tool: z.string().min(1).max(256).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  /** One of the owner's paragon connections, to pick an account when they connected several. */
  connectionId: z.uuid().optional(),
  timeoutMs: z.number().int().min(100).max(120_000).optional(),
});

export type ParagonActionInput = z.input<typeof paragonActionInput>;

export interface ParagonActivityContext extends ParagonContext {
  db: Database;
}

export async function runParagonActionActivity(
  context: ParagonActivityContext,
  userId: string,
  /** The node or tool config; validated here (the engine passes what the workflow saved). */
  rawInput: ParagonActionInput | Record<string, unknown>,
): Promise<unknown> {
  const parsed = paragonActionInput.safeParse(rawInput);
  if (!parsed.success) {
    throw new AppError("invalid_request", "Invalid paragon_action config", {
      details: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    });
  }
  const input = parsed.data;
  const tool = input.action ?? input.tool;
  if (!tool) throw new AppError("invalid_request", "paragon_action needs an action");
  const rows = await context.db
    .select({ id: connections.id, credentialId: connections.paragonCredentialId, status: connections.status })
    .from(connections)
    .where(
      and(
        eq(connections.userId, userId),
        eq(connections.connectionMethod, "paragon"),
        eq(connections.paragonIntegration, input.integration),
        isNull(connections.deletedAt),
      ),
    )
    .orderBy(asc(connections.createdAt));
  const chosen = input.connectionId
    ? rows.find((row) => row.id === input.connectionId)
    : rows.find((row) => row.status === "active");
  if (!chosen?.credentialId) {
    throw new AppError("not_found", `No connected Paragon integration "${input.integration}" for this user`);
  }
  if (chosen.status !== "active") {
    throw new AppError("connection_not_authorized", `The ${input.integration} Paragon connection is ${chosen.status}`);
  }
  return runParagonAction(context, { id: userId }, tool, input.parameters ?? {}, {
    credentialId: chosen.credentialId,
    ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}),
  });
}

/** Whether another attempt may succeed: Paragon was unavailable or rate limiting (SPEC §7 node retry policy). */
export function isRetryableParagonError(error: unknown): boolean {
  return isAppError(error) && (error.code === "paragon_unavailable" || error.code === "rate_limited");
}

/** Paragon's `Retry-After` on a 429, in milliseconds (delta-seconds form, RFC 9110 §10.2.3), when it sent one. */
export function paragonRetryAfterMs(error: unknown): number | undefined {
  if (!isAppError(error)) return undefined;
  const seconds = Number(error.headers?.["Retry-After"]);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
