import type { ConnectionMethodColumn, ConnectionStatus } from "../db/schema";

/**
 * The connection status machine (SPEC §6.1): every status change, with the reason shown to the owner,
 * is decided here and nowhere else. Pure: the store writes what this returns.
 *
 * - `active`: usable. `invalid`: the provider refused the stored credentials (fixed by replacing them).
 * - `expired`: an OAuth grant ended (revoked, rotated away, or refreshing kept failing): only a new
 *   authorization fixes it. `disconnected`: not authorized yet, or switched off by the owner.
 * - `revoked`: deleted. Terminal: nothing moves a deleted connection.
 */
export type StatusEvent =
  | { type: "created"; method: ConnectionMethodColumn; awaitsAuthorization: boolean }
  | { type: "authorized" }
  | { type: "test_passed" }
  | { type: "credentials_rejected"; message: string }
  | { type: "secrets_replaced" }
  /** Where an OAuth connection's credentials go changed (base_url, token or authorization URL): re-authorize. */
  | { type: "destination_changed" }
  | { type: "disconnected_by_owner" }
  | { type: "reactivated_by_owner" }
  | { type: "grant_ended"; reason: "invalid_grant" | "refused"; error?: string }
  | { type: "refresh_exhausted" }
  | { type: "unreachable"; message: string }
  /** The account was disconnected where it is managed (Paragon's Connect Portal), not by the owner here. */
  | { type: "disconnected_at_provider"; message: string }
  | { type: "deleted" };

export type StatusTransition =
  | { ok: true; status: ConnectionStatus; statusReason: string | null }
  /** The event does not apply in this state (`refusal` explains why, for the owner). */
  | { ok: false; refusal: string };

/** The reason of an OAuth connection that must be (re-)authorized before use. */
const NOT_AUTHORIZED_YET = "Not authorized yet";

const to = (status: ConnectionStatus, statusReason: string | null = null): StatusTransition => ({
  ok: true,
  status,
  statusReason,
});

/**
 * The next status of a connection in `current` (null: not created yet) after `event`.
 * @example transitionStatus("invalid", { type: "secrets_replaced" }) // → { ok: true, status: "active", … }
 */
export function transitionStatus(
  current: { status: ConnectionStatus; statusReason?: string | null } | null,
  event: StatusEvent,
): StatusTransition {
  if (event.type === "created") {
    if (current) return { ok: false, refusal: "The connection already exists" };
    return event.awaitsAuthorization ? to("disconnected", NOT_AUTHORIZED_YET) : to("active");
  }
  if (!current) return { ok: false, refusal: "The connection does not exist" };
  if (current.status === "revoked") return { ok: false, refusal: "The connection was deleted" };
  const unchanged = to(current.status, current.statusReason ?? null);
  switch (event.type) {
    case "authorized":
    case "test_passed":
      return to("active");
    case "credentials_rejected":
      return to("invalid", event.message);
    case "secrets_replaced":
      // New secrets may fix what the provider refused; they cannot revive an ended grant.
      return current.status === "invalid" ? to("active") : unchanged;
    case "destination_changed":
      return to("disconnected", NOT_AUTHORIZED_YET);
    case "disconnected_by_owner":
      return to("disconnected", "Disconnected by the owner");
    case "reactivated_by_owner":
      if (current.status === "expired")
        return { ok: false, refusal: "This connection's authorization ended; reconnect it instead" };
      return current.status === "disconnected" && current.statusReason === NOT_AUTHORIZED_YET
        ? { ok: false, refusal: "Authorize this connection first" }
        : to("active");
    case "grant_ended":
      return to(
        "expired",
        event.reason === "invalid_grant"
          ? "The provider revoked or expired the authorization; reconnect"
          : `The provider refused the refresh (${event.error ?? "refused"}); reconnect`,
      );
    case "refresh_exhausted":
      return to("expired", "Refreshing failed on consecutive days; reconnect");
    case "unreachable":
      return to("invalid", event.message);
    case "disconnected_at_provider":
      return to("disconnected", event.message);
    case "deleted":
      return to("revoked", "Deleted by the owner");
  }
}
