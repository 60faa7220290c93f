import { describe, expect, it } from "vitest";
import {
  decideParagonSync,
  type ParagonConnectionRow,
  sameJson,
  uniqueConnectionName,
} from "../../../src/paragon/sync";

const row = (fields: Partial<ParagonConnectionRow> & { id: string }): ParagonConnectionRow => ({
  name: "slack (Paragon)",
  status: "active",
  credentialId: "cred-1",
  metadata: null,
  ...fields,
});
const none = new Set<string>();

describe("Paragon connection sync decisions (SPEC §9)", () => {
  it.each([
    {
      name: "install with no connection creates `<integration> (Paragon)`",
      event: {
        type: "integration.installed" as const,
        integration: "slack",
        credentialId: "cred-1",
        metadata: { a: 1 },
      },
      existing: [],
      taken: none,
      decision: { action: "create", name: "slack (Paragon)", credentialId: "cred-1", metadata: { a: 1 } },
    },
    {
      name: "install makes the name unique on collision",
      event: { type: "integration.installed" as const, integration: "slack", credentialId: "cred-2" },
      existing: [row({ id: "c1" })],
      taken: new Set(["slack (Paragon)", "slack (Paragon) (2)"]),
      decision: { action: "create", name: "slack (Paragon) (3)", credentialId: "cred-2", metadata: null },
    },
    {
      name: "a replayed install changes nothing (idempotent)",
      event: { type: "integration.installed" as const, integration: "slack", credentialId: "cred-1" },
      existing: [row({ id: "c1" })],
      taken: none,
      decision: { action: "none", reason: "already in sync" },
    },
    {
      name: "install of a known, disconnected credential reactivates it",
      event: { type: "integration.installed" as const, integration: "slack", credentialId: "cred-1" },
      existing: [row({ id: "c1", status: "disconnected" })],
      taken: none,
      decision: { action: "update", connectionId: "c1", changes: { status: "active" } },
    },
    {
      name: "a reconnect (new credential) reuses the disconnected connection",
      event: { type: "integration.installed" as const, integration: "slack", credentialId: "cred-9" },
      existing: [row({ id: "c1", status: "disconnected" })],
      taken: none,
      decision: { action: "update", connectionId: "c1", changes: { status: "active", credentialId: "cred-9" } },
    },
    {
      name: "install without a credential id cannot create",
      event: { type: "integration.installed" as const, integration: "slack" },
      existing: [],
      taken: none,
      decision: { action: "none", reason: "no credential id to create a connection with" },
    },
    {
      name: "uninstall disconnects the credential's connection",
      event: { type: "integration.uninstalled" as const, integration: "slack", credentialId: "cred-1" },
      existing: [row({ id: "c1" }), row({ id: "c2", credentialId: "cred-2", name: "slack (Paragon) (2)" })],
      taken: none,
      decision: { action: "disconnect", connectionIds: ["c1"] },
    },
    {
      name: "uninstall without a credential disconnects every active one of the integration",
      event: { type: "integration.uninstalled" as const, integration: "slack" },
      existing: [row({ id: "c1" }), row({ id: "c2", status: "disconnected" }), row({ id: "c3", credentialId: "x" })],
      taken: none,
      decision: { action: "disconnect", connectionIds: ["c1", "c3"] },
    },
    {
      name: "a replayed uninstall changes nothing",
      event: { type: "integration.uninstalled" as const, integration: "slack", credentialId: "cred-1" },
      existing: [row({ id: "c1", status: "disconnected" })],
      taken: none,
      decision: { action: "none", reason: "nothing to disconnect" },
    },
    {
      name: "uninstall of an unknown credential changes nothing",
      event: { type: "integration.uninstalled" as const, integration: "slack", credentialId: "cred-404" },
      existing: [row({ id: "c1" })],
      taken: none,
      decision: { action: "none", reason: "nothing to disconnect" },
    },
    {
      name: "update replaces the metadata",
      event: { type: "integration.updated" as const, integration: "slack", credentialId: "cred-1", metadata: { b: 2 } },
      existing: [row({ id: "c1", metadata: { a: 1 } })],
      taken: none,
      decision: { action: "update", connectionId: "c1", changes: { metadata: { b: 2 } } },
    },
    {
      name: "an update with the same metadata (other key order) changes nothing",
      event: {
        type: "integration.updated" as const,
        integration: "slack",
        credentialId: "cred-1",
        metadata: { y: [1, { z: 2 }], x: 1 },
      },
      existing: [row({ id: "c1", metadata: { x: 1, y: [1, { z: 2 }] } })],
      taken: none,
      decision: { action: "none", reason: "already in sync" },
    },
    {
      name: "an update never revives a disconnected connection",
      event: { type: "integration.updated" as const, integration: "slack", credentialId: "cred-1", metadata: { b: 2 } },
      existing: [row({ id: "c1", status: "disconnected" })],
      taken: none,
      decision: { action: "update", connectionId: "c1", changes: { metadata: { b: 2 } } },
    },
    {
      name: "an update for a credential never seen creates it (lost install)",
      event: { type: "integration.updated" as const, integration: "notion", credentialId: "cred-5" },
      existing: [],
      taken: none,
      decision: { action: "create", name: "notion (Paragon)", credentialId: "cred-5", metadata: null },
    },
  ])("$name", ({ event, existing, taken, decision }) => {
    expect(decideParagonSync(event, existing, taken)).toEqual(decision);
  });

  it.each([
    { taken: [], name: "x (Paragon)" },
    { taken: ["x (Paragon)"], name: "x (Paragon) (2)" },
    { taken: ["x (Paragon)", "x (Paragon) (2)", "x (Paragon) (3)"], name: "x (Paragon) (4)" },
    { taken: ["x (Paragon) (2)"], name: "x (Paragon)" },
  ])("names uniquely given $taken", ({ taken, name }) => {
    expect(uniqueConnectionName("x (Paragon)", new Set(taken))).toBe(name);
  });

  it.each([
    { a: { x: 1 }, b: { x: 1 }, same: true },
    { a: { x: 1 }, b: { x: 1, y: undefined }, same: false },
    { a: [1, 2], b: [2, 1], same: false },
    { a: null, b: {}, same: false },
    { a: { x: [1] }, b: { x: { 0: 1 } }, same: false },
  ])("compares JSON structurally ($a vs $b)", ({ a, b, same }) => {
    expect(sameJson(a, b)).toBe(same);
  });
});
