import { describe, expect, it } from "vitest";
import { type StatusEvent, type StatusTransition, transitionStatus } from "../../../src/connections/status";
import { CONNECTION_STATUSES, type ConnectionStatus } from "../../../src/db/schema";

/**
 * Every state a connection can be in (SPEC §6.1), with a realistic reason; `disconnected` twice, because
 * "not authorized yet" and "switched off by the owner" answer reactivation differently.
 */
const STATES = {
  none: null,
  active: { status: "active", statusReason: null },
  invalid: { status: "invalid", statusReason: "The provider refused the credentials (HTTP 401)" },
  expired: { status: "expired", statusReason: "Refreshing failed on consecutive days; reconnect" },
  disconnected_by_owner: { status: "disconnected", statusReason: "Disconnected by the owner" },
  not_authorized_yet: { status: "disconnected", statusReason: "Not authorized yet" },
  revoked: { status: "revoked", statusReason: "Deleted by the owner" },
} as const satisfies Record<string, { status: ConnectionStatus; statusReason: string | null } | null>;
type StateName = keyof typeof STATES;

/** The next status and reason; "unchanged" keeps both; a RegExp is a refusal matching it. */
type Expected = readonly [ConnectionStatus, string | null] | "unchanged" | RegExp;

const EXISTS = /already exists/;
const MISSING = /does not exist/;
const DELETED = /was deleted/;

/** One row per event, one column per state: the whole machine. */
const MACHINE: Array<{ rule: string; event: StatusEvent; next: Record<StateName, Expected> }> = [
  {
    rule: "created, usable at once (api_key, bearer, basic, …)",
    event: { type: "created", method: "api_key", awaitsAuthorization: false },
    next: {
      none: ["active", null],
      active: EXISTS,
      invalid: EXISTS,
      expired: EXISTS,
      disconnected_by_owner: EXISTS,
      not_authorized_yet: EXISTS,
      revoked: EXISTS,
    },
  },
  {
    rule: "created, awaiting an OAuth authorization (RFC 6749 §4.1)",
    event: { type: "created", method: "oauth2", awaitsAuthorization: true },
    next: {
      none: ["disconnected", "Not authorized yet"],
      active: EXISTS,
      invalid: EXISTS,
      expired: EXISTS,
      disconnected_by_owner: EXISTS,
      not_authorized_yet: EXISTS,
      revoked: EXISTS,
    },
  },
  {
    rule: "authorized (the OAuth callback stored a grant)",
    event: { type: "authorized" },
    next: {
      none: MISSING,
      active: ["active", null],
      invalid: ["active", null],
      expired: ["active", null],
      disconnected_by_owner: ["active", null],
      not_authorized_yet: ["active", null],
      revoked: DELETED,
    },
  },
  {
    rule: "test_passed (a connection test succeeded)",
    event: { type: "test_passed" },
    next: {
      none: MISSING,
      active: ["active", null],
      invalid: ["active", null],
      expired: ["active", null],
      disconnected_by_owner: ["active", null],
      not_authorized_yet: ["active", null],
      revoked: DELETED,
    },
  },
  {
    rule: "credentials_rejected (the provider answered 401/403)",
    event: { type: "credentials_rejected", message: "HTTP 403 from the provider" },
    next: {
      none: MISSING,
      active: ["invalid", "HTTP 403 from the provider"],
      invalid: ["invalid", "HTTP 403 from the provider"],
      expired: ["invalid", "HTTP 403 from the provider"],
      disconnected_by_owner: ["invalid", "HTTP 403 from the provider"],
      not_authorized_yet: ["invalid", "HTTP 403 from the provider"],
      revoked: DELETED,
    },
  },
  {
    rule: "secrets_replaced (fixes refused credentials, cannot revive an ended grant)",
    event: { type: "secrets_replaced" },
    next: {
      none: MISSING,
      active: "unchanged",
      invalid: ["active", null],
      expired: "unchanged",
      disconnected_by_owner: "unchanged",
      not_authorized_yet: "unchanged",
      revoked: DELETED,
    },
  },
  {
    rule: "disconnected_by_owner",
    event: { type: "disconnected_by_owner" },
    next: {
      none: MISSING,
      active: ["disconnected", "Disconnected by the owner"],
      invalid: ["disconnected", "Disconnected by the owner"],
      expired: ["disconnected", "Disconnected by the owner"],
      disconnected_by_owner: ["disconnected", "Disconnected by the owner"],
      not_authorized_yet: ["disconnected", "Disconnected by the owner"],
      revoked: DELETED,
    },
  },
  {
    rule: "reactivated_by_owner (not for an ended grant or a never-authorized connection)",
    event: { type: "reactivated_by_owner" },
    next: {
      none: MISSING,
      active: ["active", null],
      invalid: ["active", null],
      expired: /authorization ended; reconnect it instead/,
      disconnected_by_owner: ["active", null],
      not_authorized_yet: /Authorize this connection first/,
      revoked: DELETED,
    },
  },
  {
    rule: "grant_ended with invalid_grant (RFC 6749 §5.2: refresh token revoked or expired)",
    event: { type: "grant_ended", reason: "invalid_grant" },
    next: {
      none: MISSING,
      active: ["expired", "The provider revoked or expired the authorization; reconnect"],
      invalid: ["expired", "The provider revoked or expired the authorization; reconnect"],
      expired: ["expired", "The provider revoked or expired the authorization; reconnect"],
      disconnected_by_owner: ["expired", "The provider revoked or expired the authorization; reconnect"],
      not_authorized_yet: ["expired", "The provider revoked or expired the authorization; reconnect"],
      revoked: DELETED,
    },
  },
  {
    rule: "grant_ended, refused with an error code (RFC 6749 §5.2 invalid_client)",
    event: { type: "grant_ended", reason: "refused", error: "invalid_client" },
    next: {
      none: MISSING,
      active: ["expired", "The provider refused the refresh (invalid_client); reconnect"],
      invalid: ["expired", "The provider refused the refresh (invalid_client); reconnect"],
      expired: ["expired", "The provider refused the refresh (invalid_client); reconnect"],
      disconnected_by_owner: ["expired", "The provider refused the refresh (invalid_client); reconnect"],
      not_authorized_yet: ["expired", "The provider refused the refresh (invalid_client); reconnect"],
      revoked: DELETED,
    },
  },
  {
    rule: "grant_ended, refused without an error code",
    event: { type: "grant_ended", reason: "refused" },
    next: {
      none: MISSING,
      active: ["expired", "The provider refused the refresh (refused); reconnect"],
      invalid: ["expired", "The provider refused the refresh (refused); reconnect"],
      expired: ["expired", "The provider refused the refresh (refused); reconnect"],
      disconnected_by_owner: ["expired", "The provider refused the refresh (refused); reconnect"],
      not_authorized_yet: ["expired", "The provider refused the refresh (refused); reconnect"],
      revoked: DELETED,
    },
  },
  {
    rule: "refresh_exhausted (transient failures on consecutive UTC days, SPEC §6.5)",
    event: { type: "refresh_exhausted" },
    next: {
      none: MISSING,
      active: ["expired", "Refreshing failed on consecutive days; reconnect"],
      invalid: ["expired", "Refreshing failed on consecutive days; reconnect"],
      expired: ["expired", "Refreshing failed on consecutive days; reconnect"],
      disconnected_by_owner: ["expired", "Refreshing failed on consecutive days; reconnect"],
      not_authorized_yet: ["expired", "Refreshing failed on consecutive days; reconnect"],
      revoked: DELETED,
    },
  },
  {
    rule: "unreachable (the provider could not be reached during a test)",
    event: { type: "unreachable", message: "The provider did not answer" },
    next: {
      none: MISSING,
      active: ["invalid", "The provider did not answer"],
      invalid: ["invalid", "The provider did not answer"],
      expired: ["invalid", "The provider did not answer"],
      disconnected_by_owner: ["invalid", "The provider did not answer"],
      not_authorized_yet: ["invalid", "The provider did not answer"],
      revoked: DELETED,
    },
  },
  {
    rule: "deleted",
    event: { type: "deleted" },
    next: {
      none: MISSING,
      active: ["revoked", "Deleted by the owner"],
      invalid: ["revoked", "Deleted by the owner"],
      expired: ["revoked", "Deleted by the owner"],
      disconnected_by_owner: ["revoked", "Deleted by the owner"],
      not_authorized_yet: ["revoked", "Deleted by the owner"],
      revoked: DELETED,
    },
  },
];

const CASES = MACHINE.flatMap(({ rule, event, next }) =>
  (Object.keys(STATES) as StateName[]).map((state) => ({ rule, state, event, expected: next[state] })),
);

function describeExpected(expected: Expected): string {
  if (expected === "unchanged") return "unchanged";
  if (expected instanceof RegExp) return `refused (${expected.source})`;
  return `${expected[0]} (${expected[1] ?? "no reason"})`;
}

describe("transitionStatus: every (state × event) pair of the status machine (SPEC §6.1)", () => {
  it.each(CASES.map((c) => ({ ...c, outcome: describeExpected(c.expected) })))(
    "$state + $rule → $outcome",
    ({ state, event, expected }) => {
      const current = STATES[state];
      const result: StatusTransition = transitionStatus(current, event);
      if (expected instanceof RegExp) {
        expect(result.ok).toBe(false);
        expect(!result.ok && result.refusal).toMatch(expected);
      } else if (expected === "unchanged") {
        expect(result).toEqual({ ok: true, status: current?.status, statusReason: current?.statusReason ?? null });
      } else {
        expect(result).toEqual({ ok: true, status: expected[0], statusReason: expected[1] });
      }
    },
  );

  it("the table covers every event type and every stored status", () => {
    const eventTypes = new Set(MACHINE.map((row) => row.event.type));
    expect([...eventTypes].sort()).toEqual(
      [
        "authorized",
        "created",
        "credentials_rejected",
        "deleted",
        "disconnected_by_owner",
        "grant_ended",
        "reactivated_by_owner",
        "refresh_exhausted",
        "secrets_replaced",
        "test_passed",
        "unreachable",
      ].sort(),
    );
    const statuses = new Set(Object.values(STATES).flatMap((state) => (state ? [state.status] : [])));
    expect([...statuses].sort()).toEqual([...CONNECTION_STATUSES].sort());
  });
});

describe("transitionStatus: revoked is terminal", () => {
  it.each(MACHINE.filter((row) => row.event.type !== "created"))("a deleted connection refuses $rule", ({ event }) => {
    expect(transitionStatus({ status: "revoked", statusReason: null }, event)).toEqual({
      ok: false,
      refusal: "The connection was deleted",
    });
  });
});

describe("transitionStatus: a missing statusReason reads as none", () => {
  it("an unchanged transition from a state without statusReason gives null, not undefined", () => {
    expect(transitionStatus({ status: "active" }, { type: "secrets_replaced" })).toEqual({
      ok: true,
      status: "active",
      statusReason: null,
    });
  });

  it("a disconnected connection without a reason is the owner's doing, so it may be reactivated", () => {
    expect(transitionStatus({ status: "disconnected" }, { type: "reactivated_by_owner" })).toEqual({
      ok: true,
      status: "active",
      statusReason: null,
    });
  });
});
