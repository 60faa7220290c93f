import { DurableObject } from "cloudflare:workers";
import { findProvider } from "../connections/catalog";
import { applyStatusEvent, decryptConnection, findLiveConnection, updateConnection } from "../connections/store";
import { keyringFor } from "../crypto/keyring";
import { getDb } from "../db/client";
import { getConfig } from "../platform/config";
import { isAppError } from "../platform/errors";
import { createLogger, describeError } from "../platform/logger";
import { resolveOAuthApp, storedOAuthApp } from "./oauth-app";
import { cooldownMs, decideRefresh, isExhausted, tokenTimesOf, utcDay } from "./refresh-policy";
import { callTokenEndpoint } from "./token-endpoint";
import { authorizedTokenColumns, readStoredTokens } from "./token-store";

export interface RefreshRequest {
  connectionId: string;
  userId: string;
  /** The upstream refused this access token although we believed it valid (RFC 6750 §3.1). */
  rejectedAccessToken?: string;
}

export type RefreshOutcome =
  | { ok: true; accessToken: string; refreshed: boolean }
  | {
      ok: false;
      code:
        | "connection_expired"
        | "connection_refresh_backoff"
        | "connection_not_authorized"
        | "provider_not_configured";
      message: string;
      retryAfterSeconds?: number;
    };

interface FailureState {
  /** No refresh is attempted before this instant (epoch ms). */
  until: number;
  consecutiveFailures: number;
  /** UTC days with failures since the last success. */
  days: number[];
}

const FAILURE_STATE_KEY = "refresh-failures";

/**
 * One instance per OAuth connection (`idFromName(connectionId)`): the single place its tokens are
 * refreshed (SPEC §6.5). Every caller, from any isolate, whose token is due goes through `refresh()`:
 *
 * - concurrent callers share one in-flight refresh (one token-endpoint call, whatever the load);
 * - after taking its turn it re-reads the stored tokens, and returns them untouched if another caller
 *   already refreshed (no second call, and never a rotated-away refresh token);
 * - the new tokens — the rotated refresh token first of all — are persisted before anyone is answered;
 * - `invalid_grant` ends the connection (`expired`: the user must reconnect); transient failures start
 *   a growing cooldown during which callers are answered at once, and failures on consecutive days
 *   exhaust the connection instead of retrying forever.
 */
export class ConnectionRefresher extends DurableObject<Env> {
  #inflight: Promise<RefreshOutcome> | null = null;
  /** The clock every decision reads; tests move it instead of writing this object's storage. */
  now: () => number = Date.now;

  async refresh(request: RefreshRequest): Promise<RefreshOutcome> {
    this.#inflight ??= this.#refreshOnce(request).finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  async #refreshOnce(request: RefreshRequest): Promise<RefreshOutcome> {
    const env = this.env;
    const config = getConfig(env);
    const db = getDb(env.DB);
    const keyring = keyringFor(config.keyring);
    const log = createLogger({
      level: config.logLevel,
      context: { connection_id: request.connectionId, component: "refresher" },
    });
    const now = this.now();

    const row = await findLiveConnection(db, { id: request.connectionId, userId: request.userId });
    if (!row) return { ok: false, code: "connection_not_authorized", message: "Connection not found" };
    if (row.status === "expired" || row.refreshExhausted) {
      return {
        ok: false,
        code: "connection_expired",
        message: row.statusReason ?? "The connection expired; reconnect it",
      };
    }
    const connection = await decryptConnection(keyring, row);
    const tokens = await readStoredTokens(keyring, connection);
    if (!tokens)
      return {
        ok: false,
        code: "connection_not_authorized",
        message: "Authorize this OAuth connection before using it",
      };

    const forced = request.rejectedAccessToken !== undefined && request.rejectedAccessToken === tokens.access_token;
    const decision = decideRefresh(tokenTimesOf(tokens), now, forced);
    if (!decision.refresh) return { ok: true, accessToken: tokens.access_token, refreshed: false };

    const failures = await this.ctx.storage.get<FailureState>(FAILURE_STATE_KEY);
    if (failures && failures.until > now) {
      return {
        ok: false,
        code: "connection_refresh_backoff",
        message: "The provider failed to refresh this connection recently; retrying shortly",
        retryAfterSeconds: Math.max(1, Math.ceil((failures.until - now) / 1000)),
      };
    }

    // An app stored with the tokens (MCP servers' discovered AS and registered client) wins over the catalog.
    const storedApp = storedOAuthApp(tokens.extras);
    const provider = storedApp ? undefined : findProvider(row.provider);
    if (!storedApp && !provider)
      return { ok: false, code: "connection_not_authorized", message: `Unknown provider ${row.provider}` };
    let result: Awaited<ReturnType<typeof callTokenEndpoint>>;
    try {
      const app = storedApp ?? resolveOAuthApp(provider as NonNullable<typeof provider>, connection.connection, env);
      result = await callTokenEndpoint(
        app,
        { grant_type: "refresh_token", refresh_token: tokens.refresh_token as string },
        { allowInsecure: config.allowInsecureTargets, now, previous: tokens },
      );
    } catch (error) {
      if (isAppError(error) && error.code === "provider_not_configured")
        return { ok: false, code: "provider_not_configured", message: error.message };
      throw error;
    }

    if (result.ok) {
      // Persist first: the provider has already invalidated the old refresh token if it rotates them.
      await updateConnection(db, row, await authorizedTokenColumns(keyring, row, result.tokens, now), {
        event: { type: "authorized" },
        now,
      });
      await this.ctx.storage.delete(FAILURE_STATE_KEY);
      log.info("token refreshed", {
        reason: decision.reason,
        rotated: result.tokens.refresh_token !== tokens.refresh_token,
      });
      return { ok: true, accessToken: result.tokens.access_token, refreshed: true };
    }

    const reason = `${result.error}: ${result.description}`.slice(0, 500);
    if (result.kind !== "transient") {
      await applyStatusEvent(
        db,
        row,
        {
          type: "grant_ended",
          reason: result.kind === "invalid_grant" ? "invalid_grant" : "refused",
          error: result.error,
        },
        { lastRefreshError: reason, refreshAttempts: row.refreshAttempts + 1 },
      );
      await this.ctx.storage.delete(FAILURE_STATE_KEY);
      log.warn("refresh refused; connection expired", { error: result.error });
      return {
        ok: false,
        code: "connection_expired",
        message: "The connection's authorization has expired; reconnect it",
      };
    }

    const consecutiveFailures = (failures?.consecutiveFailures ?? 0) + 1;
    const days = [...new Set([...(failures?.days ?? []), utcDay(now)])];
    const exhausted = isExhausted(days);
    const until = now + cooldownMs(consecutiveFailures);
    await this.ctx.storage.put(FAILURE_STATE_KEY, { until, consecutiveFailures, days } satisfies FailureState);
    const failure = { lastRefreshError: reason, refreshAttempts: row.refreshAttempts + 1 };
    if (exhausted)
      await applyStatusEvent(db, row, { type: "refresh_exhausted" }, { ...failure, refreshExhausted: true });
    else await updateConnection(db, row, failure, { now });
    log.warn("refresh failed; cooling down", {
      error: result.error,
      consecutive_failures: consecutiveFailures,
      exhausted,
      error_detail: describeError(new Error(result.description)),
    });
    if (exhausted)
      return {
        ok: false,
        code: "connection_expired",
        message: "Refreshing this connection kept failing; reconnect it",
      };
    return {
      ok: false,
      code: "connection_refresh_backoff",
      message: "The provider could not refresh this connection; retrying shortly",
      retryAfterSeconds: Math.ceil((until - now) / 1000),
    };
  }
}
