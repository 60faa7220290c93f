import { ProtocolError, ProtocolErrorCode, SdkError, SdkErrorCode, SdkHttpError } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { storedServerFacts } from "../../../src/mcp-client/connection";
import { callLaneFor, isStatelessProtocolVersion, priorDiscoveryFor } from "../../../src/mcp-client/lanes";
import { isRevisionRefusedSignal } from "../../../src/mcp-client/session";

describe("isStatelessProtocolVersion (MCP 2026-07-28 'Lifecycle': no initialize)", () => {
  it.each([
    ["2026-07-28", true],
    ["2027-01-15", true],
    ["2025-11-25", false],
    ["2025-06-18", false],
    ["2024-11-05", false],
    ["unknown", false],
    ["2026-07-28-draft", false],
    ["", false],
    [undefined, false],
  ])("%s → %s", (version, stateless) => {
    expect(isStatelessProtocolVersion(version)).toBe(stateless);
  });
});

describe("callLaneFor: what discovery stored decides the lane", () => {
  it.each([
    ["a 2026-07-28 server", { protocolVersion: "2026-07-28", capabilities: { tools: {} } }, "stateless"],
    ["a 2025-11-25 server", { protocolVersion: "2025-11-25", capabilities: { tools: {} } }, "handshake"],
    ["a server never discovered", undefined, "handshake"],
  ] as const)("%s → %s", (_name, server, lane) => {
    expect(callLaneFor(server)).toBe(lane);
  });

  it("reads the stored capabilities column, and ignores one without a protocol version", () => {
    const stored = {
      server: { name: "s", version: "1" },
      protocol_version: "2026-07-28",
      transport: "streamable-http",
      server_capabilities: { tools: { listChanged: true } },
    };
    expect(storedServerFacts({ capabilities: stored })).toEqual({
      protocolVersion: "2026-07-28",
      capabilities: { tools: { listChanged: true } },
    });
    expect(storedServerFacts({ capabilities: { ...stored, server_capabilities: "junk" } })?.capabilities).toEqual({});
    expect(storedServerFacts({ capabilities: null })).toBeUndefined();
    expect(storedServerFacts({ capabilities: { server_capabilities: {} } })).toBeUndefined();
  });

  it("gives the SDK a prior discovery naming the stored revision", () => {
    expect(priorDiscoveryFor({ protocolVersion: "2026-07-28", capabilities: { tools: {} } })).toEqual({
      kind: "modern",
      discover: { supportedVersions: ["2026-07-28"], capabilities: { tools: {} } },
    });
  });
});

describe("isRevisionRefusedSignal: when a stateless call is made again with the handshake", () => {
  const http = (status: number) =>
    new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, "Error POSTing to endpoint", { status, statusText: "" });
  it.each([
    [
      "JSON-RPC -32022 unsupported protocol version",
      new ProtocolError(ProtocolErrorCode.UnsupportedProtocolVersion, "no"),
      true,
    ],
    ["HTTP 400 from a 2025-era transport", http(400), true],
    ["the SDK refusing the stored revision", new SdkError(SdkErrorCode.EraNegotiationFailed, "no overlap"), true],
    ["a tool's JSON-RPC error", new ProtocolError(ProtocolErrorCode.InvalidParams, "bad"), false],
    ["HTTP 401", http(401), false],
    ["HTTP 404", http(404), false],
    ["HTTP 500", http(500), false],
    ["a timeout", new SdkError(SdkErrorCode.RequestTimeout, "late"), false],
    ["anything else", new Error("boom"), false],
  ])("%s → %s", (_name, error, refused) => {
    expect(isRevisionRefusedSignal(error)).toBe(refused);
  });
});
