import { DurableObject } from "cloudflare:workers";
import { getDb } from "../../db/client";
import type { ExecutionStatus } from "../../db/schema";
import {
  applyExecutionEvent,
  boundedEvent,
  type ExecutionEventInput,
  type ExecutionState,
  type RecordedEvent,
  TERMINAL_EVENT_TYPES,
  TERMINAL_STATUSES,
} from "./state";
import { loadExecution, saveExecutionState } from "./store";

export type RecordOutcome =
  | { recorded: boolean; status: ExecutionStatus; seq: number | null }
  | { refused: "execution_finished" | "not_found"; status: ExecutionStatus | null };

/** Keep-alive comment interval of an open stream (proxies drop idle connections). */
const KEEPALIVE_MS = 25_000;
const encoder = new TextEncoder();

/** One SSE message (WHATWG HTML §9.2 "Server-sent events"): `id:`, `event:`, `data:` and a blank line. */
export function sseMessage(event: RecordedEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * One instance per execution (`idFromName(executionId)`): the single writer of the execution's state and the
 * source of its event stream (SPEC §7.2). `record` is idempotent by event id, refuses events after a terminal
 * one, applies the event to the `executions` row (pure reducer in `state.ts`) and appends it to this object's
 * SQLite log; `fetch` serves the log as server-sent events — replay after `Last-Event-ID`, then live, ending
 * after the terminal event. Calls are serialized so two events never read the same state.
 */
export class ExecutionEvents extends DurableObject<Env> {
  #queue: Promise<unknown> = Promise.resolve();
  #state: ExecutionState | null = null;
  #listeners = new Set<(event: RecordedEvent) => void>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(
        "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, body TEXT NOT NULL)",
      );
    });
  }

  /** Records one event for `executionId` (see the class comment). */
  record(executionId: string, event: ExecutionEventInput): Promise<RecordOutcome> {
    const run = this.#queue.then(() => this.#record(executionId, event));
    this.#queue = run.catch(() => {});
    return run;
  }

  /** The events recorded so far, oldest first. */
  events(after = 0): RecordedEvent[] {
    return this.ctx.storage.sql
      .exec<{ seq: number; body: string }>("SELECT seq, body FROM events WHERE seq > ? ORDER BY seq", after)
      .toArray()
      .map((row) => ({ ...(JSON.parse(row.body) as ExecutionEventInput), seq: row.seq }));
  }

  async #record(executionId: string, event: ExecutionEventInput): Promise<RecordOutcome> {
    const state = await this.#loadState(executionId);
    if (!state) return { refused: "not_found", status: null };
    const seen = this.ctx.storage.sql
      .exec<{ seq: number }>("SELECT seq FROM events WHERE id = ?", event.id)
      .toArray()[0];
    if (seen) return { recorded: false, status: state.status, seq: seen.seq };
    const next = applyExecutionEvent(state, event);
    if (!next) return { refused: "execution_finished", status: state.status };
    // The row first: if it fails, nothing is logged and the engine's retry records the event.
    await saveExecutionState(getDb(this.env.DB), executionId, next, Date.now());
    this.#state = next;
    const stored = boundedEvent(event);
    const seq = this.ctx.storage.sql
      .exec<{ seq: number }>(
        "INSERT INTO events (id, type, body) VALUES (?, ?, ?) RETURNING seq",
        event.id,
        event.type,
        JSON.stringify(stored),
      )
      .one().seq;
    const recorded = { ...stored, seq };
    for (const listener of this.#listeners) listener(recorded);
    return { recorded: true, status: next.status, seq };
  }

  async #loadState(executionId: string): Promise<ExecutionState | null> {
    if (this.#state) return this.#state;
    const row = await loadExecution(getDb(this.env.DB), executionId);
    if (!row) return null;
    this.#state = {
      status: row.status,
      statusReason: row.statusReason,
      output: row.output,
      error: row.error,
      nodes: row.nodes,
      startedAt: row.startedAt,
      completedAt: row.completedAt,
    };
    return this.#state;
  }

  /** `GET` → the event stream; `Last-Event-ID` (or `?after=`) resumes after that sequence number. */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const resumeFrom = request.headers.get("last-event-id") ?? url.searchParams.get("after") ?? "0";
    const after = /^\d{1,15}$/.test(resumeFrom.trim()) ? Number(resumeFrom.trim()) : 0;
    const executionId = url.searchParams.get("execution_id") ?? "";
    const state = executionId ? await this.#loadState(executionId) : this.#state;
    const listeners = this.#listeners;
    const replay = this.events(after);
    let cleanup = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        const send = (event: RecordedEvent) => {
          controller.enqueue(encoder.encode(sseMessage(event)));
          if (TERMINAL_EVENT_TYPES.has(event.type)) {
            cleanup();
            controller.close();
          }
        };
        controller.enqueue(encoder.encode(": execution events\n\n"));
        for (const event of replay) {
          send(event);
          if (TERMINAL_EVENT_TYPES.has(event.type)) return;
        }
        // Ended without a terminal event in the log after `after` (the client already saw it): close too.
        if (state && TERMINAL_STATUSES.has(state.status)) {
          controller.close();
          return;
        }
        const keepalive = setInterval(() => controller.enqueue(encoder.encode(": keepalive\n\n")), KEEPALIVE_MS);
        listeners.add(send);
        cleanup = () => {
          clearInterval(keepalive);
          listeners.delete(send);
        };
      },
      cancel: () => cleanup(),
    });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        "x-accel-buffering": "no",
      },
    });
  }
}
