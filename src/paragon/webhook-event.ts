import * as z from "zod";
import { toHex } from "../crypto/hmac";

/**
 * Parsing of a verified Paragon webhook body into what the connection sync needs.
 *
 * Connection events use the seed's documented shape: `{ event: "integration.installed" | "integration.uninstalled"
 * | "integration.updated", integration, credentialId, userId, timestamp, data }`. Other Paragon webhooks
 * (ActionKit trigger events: `{ eventId, userId, integration, triggerType, credentialId, payload, … }`)
 * are acknowledged and recorded but change no connection.
 *
 * The dedupe key is Paragon's `eventId` (documented "for event deduplication"), else `id`, else the
 * SHA-256 of the raw bytes — so a byte-identical redelivery is recognized even without an id.
 * `userId` is the Connected User, i.e. the `sub` of the user token we signed: our user id.
 * @see https://docs.useparagon.com/actionkit/triggers/receiving-webhooks (eventId, userId, credentialId)
 */
export const CONNECTION_EVENTS = ["integration.installed", "integration.uninstalled", "integration.updated"] as const;
export type ConnectionEventType = (typeof CONNECTION_EVENTS)[number];
/** Paragon metadata kept on the connection is bounded so an event cannot bloat a row. */
export const MAX_METADATA_BYTES = 16 * 1024;

const INTEGRATION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const id = z.string().trim().min(1).max(256);

export interface ConnectionEvent {
  kind: "connection";
  type: ConnectionEventType;
  dedupeKey: string;
  userId: string;
  integration: string;
  credentialId?: string;
  /** The event's `data`, when it is an object within `MAX_METADATA_BYTES`. */
  metadata?: Record<string, unknown>;
}

export interface OtherEvent {
  kind: "other";
  /** `event`, `type` or `triggerType`, whatever the body names; "unknown" otherwise. */
  type: string;
  dedupeKey: string;
}

export type ParagonWebhookEvent = ConnectionEvent | OtherEvent;

export type ParseResult =
  | { ok: true; event: ParagonWebhookEvent }
  | { ok: false; code: "invalid_json" | "invalid_request"; message: string };

const connectionBody = z.object({
  event: z.enum(CONNECTION_EVENTS),
  userId: id.optional(),
  user: z.object({ id }).optional(),
  integration: z.string().regex(INTEGRATION, { error: "must be a Paragon integration name" }),
  credentialId: id.optional(),
  data: z.unknown().optional(),
});

/** Parses the raw, already verified body. Pure apart from hashing. */
export async function parseParagonWebhook(rawBody: Uint8Array): Promise<ParseResult> {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(rawBody));
  } catch {
    return { ok: false, code: "invalid_json", message: "The webhook body is not JSON" };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, code: "invalid_request", message: "The webhook body must be a JSON object" };
  }
  const root = body as Record<string, unknown>;
  const dedupeKey = await dedupeKeyOf(root, rawBody);
  const typeName = [root.event, root.type, root.triggerType].find((value) => typeof value === "string") as
    | string
    | undefined;
  if (!CONNECTION_EVENTS.includes(typeName as ConnectionEventType) || root.event === undefined) {
    return { ok: true, event: { kind: "other", type: (typeName ?? "unknown").slice(0, 100), dedupeKey } };
  }
  const parsed = connectionBody.safeParse(root);
  if (!parsed.success) {
    return {
      ok: false,
      code: "invalid_request",
      message: `Invalid ${String(root.event)} event: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
    };
  }
  const userId = parsed.data.userId ?? parsed.data.user?.id;
  if (!userId) return { ok: false, code: "invalid_request", message: "The event names no userId" };
  const metadata = boundedMetadata(parsed.data.data);
  return {
    ok: true,
    event: {
      kind: "connection",
      type: parsed.data.event,
      dedupeKey,
      userId,
      integration: parsed.data.integration,
      ...(parsed.data.credentialId ? { credentialId: parsed.data.credentialId } : {}),
      ...(metadata ? { metadata } : {}),
    },
  };
}

async function dedupeKeyOf(root: Record<string, unknown>, rawBody: Uint8Array): Promise<string> {
  for (const field of ["eventId", "id"] as const) {
    const value = root[field];
    if (typeof value === "string" && value.trim() && value.length <= 256) return `${field}:${value.trim()}`;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", rawBody));
  return `sha256:${toHex(digest)}`;
}

function boundedMetadata(data: unknown): Record<string, unknown> | undefined {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  if (new TextEncoder().encode(JSON.stringify(data)).length > MAX_METADATA_BYTES) return undefined;
  return data as Record<string, unknown>;
}
