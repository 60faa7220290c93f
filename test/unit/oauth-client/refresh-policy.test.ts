import { describe, expect, it } from "vitest";
import {
  classifyRefreshFailure,
  cooldownMs,
  decideRefresh,
  isExhausted,
  REFRESH_COOLDOWN_MAX_MS,
  REFRESH_MARGIN_MS,
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
