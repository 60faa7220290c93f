import { describe, expect, it } from "vitest";
import {
  classifyRefreshFailure,
  cooldownMs,
  decideRefresh,
  isClientCredentialsTokenDue,
  isExhausted,
  MIN_TOKEN_AGE_MS,
  REFRESH_COOLDOWN_MAX_MS,
  REFRESH_MARGIN_MS,
  refreshMarginMs,
  utcDay,
} from "../../../src/oauth-client/refresh-policy";

const NOW = 1_800_000_000_000;

describe("decideRefresh (RFC 6749 §6; refresh ahead of expiry by a margin)", () => {
  it.each([
    {
      name: "a token valid well beyond the margin",
      tokens: { expiresAt: NOW + REFRESH_MARGIN_MS + 1, hasRefreshToken: true },
      force: false,
      decision: { refresh: false, reason: "valid" },
    },
    {
      name: "a token inside the margin",
      tokens: { expiresAt: NOW + REFRESH_MARGIN_MS, hasRefreshToken: true },
      force: false,
      decision: { refresh: true, reason: "expiring" },
    },
    {
      name: "an expired token",
      tokens: { expiresAt: NOW - 1, hasRefreshToken: true },
      force: false,
      decision: { refresh: true, reason: "expired" },
    },
    {
      name: "a token expiring this very millisecond",
      tokens: { expiresAt: NOW, hasRefreshToken: true },
      force: false,
      decision: { refresh: true, reason: "expired" },
    },
    {
      name: "a token with no expiry (no expires_in, RFC 6749 §5.1 makes it optional)",
      tokens: { expiresAt: null, hasRefreshToken: true },
      force: false,
      decision: { refresh: false, reason: "no_expiry" },
    },
    {
      name: "a token refused upstream (RFC 6750 §3.1 invalid_token)",
      tokens: { expiresAt: NOW + 3_600_000, hasRefreshToken: true },
      force: true,
      decision: { refresh: true, reason: "forced" },
    },
    {
      name: "an expired token without a refresh token",
      tokens: { expiresAt: NOW - 1, hasRefreshToken: false },
      force: false,
      decision: { refresh: false, reason: "no_refresh_token" },
    },
  ])("$name → $decision.reason", ({ tokens, force, decision }) => {
    expect(decideRefresh(tokens, NOW, force)).toEqual(decision);
  });
});

// Regression for issue 14 finding 2 ("a refresh on every call when a token lives under the margin"): with a
// fixed five-minute margin every token living under five minutes was due from the moment it was issued.
describe("refresh margin relative to the token's lifetime (issue 14 #2, RFC 6749 §5.1 expires_in)", () => {
  const S = 1000;
  it.each([
    { lifetime: 3, margin: 750 },
    { lifetime: 60, margin: 15 * S },
    { lifetime: 120, margin: 30 * S },
    { lifetime: 300, margin: 75 * S },
    { lifetime: 3600, margin: REFRESH_MARGIN_MS },
  ])("a $lifetime s token has a $margin ms margin", ({ lifetime, margin }) => {
    expect(refreshMarginMs({ issuedAt: NOW, expiresAt: NOW + lifetime * S })).toBe(margin);
  });

  it("keeps the fixed margin when the issue time is unknown, and none without an expiry", () => {
    expect(refreshMarginMs({ expiresAt: NOW + 120 * S })).toBe(REFRESH_MARGIN_MS);
    expect(refreshMarginMs({ issuedAt: NOW, expiresAt: null })).toBe(0);
  });

  it.each([
    // [lifetime s, seconds after issue, refresh?, reason]
    [3, 0, false, "recently_issued"],
    [3, 1, false, "recently_issued"],
    [3, 2.2, false, "valid"],
    [3, 2.25, true, "expiring"],
    [3, 3, true, "expired"],
    [60, 1, false, "recently_issued"],
    [60, 44, false, "valid"],
    [60, 45, true, "expiring"],
    [120, 2, false, "valid"],
    [120, 30, false, "valid"],
    [120, 89, false, "valid"],
    [120, 90, true, "expiring"],
    [300, 224, false, "valid"],
    [300, 225, true, "expiring"],
    [3600, 3299, false, "valid"],
    [3600, 3300, true, "expiring"],
    [3600, 3700, true, "expired"],
    [0, 0, false, "recently_issued"],
    [0, 5, true, "expired"],
  ] as const)("a %s s token, %s s after issue → %s (%s)", (lifetime, age, refresh, reason) => {
    const tokens = { issuedAt: NOW, expiresAt: NOW + lifetime * S, hasRefreshToken: true };
    expect(decideRefresh(tokens, NOW + age * S)).toEqual({ refresh, reason });
  });

  it.each([
    { name: "no expires_in", tokens: { issuedAt: NOW, expiresAt: null, hasRefreshToken: true }, reason: "no_expiry" },
    {
      name: "an upstream refusal of a token issued moments ago (RFC 6750 §3.1)",
      tokens: { issuedAt: NOW, expiresAt: NOW + 3 * S, hasRefreshToken: true },
      force: true,
      reason: "forced",
    },
  ])("$name → $reason", ({ tokens, force, reason }) => {
    expect(decideRefresh(tokens, NOW + 100, force).reason).toBe(reason);
  });

  /** Replays calls through the decision, refreshing (a new token of the same lifetime) when it says so. */
  function countRefreshes(lifetimeS: number, callEveryMs: number, durationMs: number): number {
    let tokens = { issuedAt: NOW, expiresAt: NOW + lifetimeS * S, hasRefreshToken: true };
    let refreshes = 0;
    for (let t = NOW; t < NOW + durationMs; t += callEveryMs) {
      if (decideRefresh(tokens, t).refresh) {
        refreshes++;
        tokens = { ...tokens, issuedAt: t, expiresAt: t + lifetimeS * S };
      }
    }
    return refreshes;
  }

  it.each([
    // The reproduction: 30 calls 1 s apart.
    { lifetime: 120, every: 1 * S, duration: 30 * S, refreshes: 0 },
    { lifetime: 3, every: 1 * S, duration: 30 * S, refreshes: 9 },
    // Over ten minutes: one refresh per (lifetime − margin), never one per call.
    { lifetime: 120, every: 1 * S, duration: 600 * S, refreshes: 6 },
    { lifetime: 60, every: 1 * S, duration: 600 * S, refreshes: 13 },
    { lifetime: 300, every: 1 * S, duration: 600 * S, refreshes: 2 },
    { lifetime: 3600, every: 1 * S, duration: 600 * S, refreshes: 0 },
    // A storm on a 3 s token: 100 calls per second still costs one refresh per token lifetime window.
    { lifetime: 3, every: 10, duration: 30 * S, refreshes: 13 },
  ])("$lifetime s token, a call every $every ms for $duration ms → $refreshes refreshes", (row) => {
    expect(countRefreshes(row.lifetime, row.every, row.duration)).toBe(row.refreshes);
  });

  it("never refreshes twice within MIN_TOKEN_AGE_MS without an upstream refusal", () => {
    const tokens = { issuedAt: NOW, expiresAt: NOW, hasRefreshToken: true };
    for (let age = 0; age < MIN_TOKEN_AGE_MS; age += 100) expect(decideRefresh(tokens, NOW + age).refresh).toBe(false);
  });
});

describe("client-credentials tokens follow the same margin (issue 14 #9, RFC 6749 §4.4)", () => {
  const S = 1000;
  it.each([
    { lifetime: 30, age: 0, due: false },
    { lifetime: 30, age: 1, due: false },
    { lifetime: 30, age: 22, due: false },
    { lifetime: 30, age: 23, due: true },
    { lifetime: 30, age: 31, due: true },
    { lifetime: 3600, age: 3299, due: false },
    { lifetime: 3600, age: 3300, due: true },
  ])("a $lifetime s token fetched $age s ago is due: $due", ({ lifetime, age, due }) => {
    expect(isClientCredentialsTokenDue({ issuedAt: NOW, expiresAt: NOW + lifetime * S }, NOW + age * S)).toBe(due);
  });

  it("a token without expires_in is used until refused", () => {
    expect(isClientCredentialsTokenDue({ issuedAt: NOW, expiresAt: null }, NOW + 10 ** 9)).toBe(false);
  });
});

describe("classifyRefreshFailure (RFC 6749 §5.2)", () => {
  it.each([
    { input: { status: 400, error: "invalid_grant" }, kind: "invalid_grant" },
    { input: { status: 401, error: "invalid_client" }, kind: "rejected" },
    { input: { status: 400, error: "unauthorized_client" }, kind: "rejected" },
    { input: { status: 400, error: "temporarily_unavailable" }, kind: "transient" },
    { input: { status: 503, error: null }, kind: "transient" },
    { input: { status: 500, error: "server_error" }, kind: "transient" },
    { input: { status: 429, error: null }, kind: "transient" },
    { input: { status: null, error: "network_error" }, kind: "transient" },
    { input: { status: 200, error: "malformed_response" }, kind: "transient" },
    // GitHub sends its errors with HTTP 200 (docs.github.com, troubleshooting token request errors).
    { input: { status: 200, error: "bad_refresh_token" }, kind: "invalid_grant" },
    { input: { status: 200, error: "incorrect_client_credentials" }, kind: "rejected" },
    { input: { status: 200, error: "invalid_grant" }, kind: "invalid_grant" },
    { input: { status: 503, error: "invalid_client" }, kind: "transient" },
  ])("$input.status $input.error → $kind", ({ input, kind }) => {
    expect(classifyRefreshFailure(input)).toBe(kind);
  });
});

describe("cooldown and exhaustion", () => {
  it.each([
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [6, 900_000],
    [50, REFRESH_COOLDOWN_MAX_MS],
  ])("pauses after failure %i for %i ms", (failures, ms) => {
    expect(cooldownMs(failures)).toBe(ms);
  });

  it.each([
    { days: [], exhausted: false },
    { days: [100], exhausted: false },
    { days: [100, 100], exhausted: false },
    { days: [100, 101], exhausted: true },
    { days: [100, 102], exhausted: false },
    { days: [102, 100, 101], exhausted: true },
  ])("failures on days $days → exhausted $exhausted", ({ days, exhausted }) => {
    expect(isExhausted(days)).toBe(exhausted);
  });

  it("counts UTC days", () => {
    expect(utcDay(Date.UTC(2026, 10, 22, 23, 59))).toBe(utcDay(Date.UTC(2026, 10, 22, 0, 0)));
    expect(utcDay(Date.UTC(2026, 10, 23, 0, 0))).toBe(utcDay(Date.UTC(2026, 10, 22)) + 1);
  });
});
