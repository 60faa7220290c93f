/**
 * The failures of talking to an external MCP server, with the stable codes and HTTP statuses of the wire
 * contract (SPEC §6.7). Everything in this folder throws {@link McpClientError}; the routes turn it into the
 * error envelope. Messages never carry a credential or the server's raw answer.
 */
export const MCP_ERROR_STATUS = {
  /** The server refused our credential (HTTP 401/403 on the MCP endpoint). */
  mcp_auth_failed: 400,
  /** Unreachable, timed out while connecting or listing, or not an MCP server. */
  mcp_unreachable: 502,
  /** A tool call got no answer within the connection's timeout. */
  mcp_timeout: 504,
  /** The arguments do not match the tool's input schema; nothing was sent upstream. */
  invalid_tool_arguments: 400,
  /** The tool is not in the connection's discovered `mcp_tools`. */
  tool_not_found: 404,
  /** The server URL (or a URL it sent us to) is refused by the SSRF policy. */
  target_not_allowed: 403,
} as const;

export type McpErrorCode = keyof typeof MCP_ERROR_STATUS;

/** What an OAuth-protected server said when it refused us (RFC 6750 §3, RFC 9728 §5.1). */
export interface McpAuthChallenge {
  status: number;
  /** The `resource_metadata` parameter of `WWW-Authenticate`, when the server sent one. */
  resourceMetadataUrl?: string;
  /** The `scope` the server challenged with, when any. */
  scope?: string;
  /** The `error` parameter (`invalid_token`, `insufficient_scope`, …). */
  error?: string;
}

export class McpClientError extends Error {
  readonly code: McpErrorCode;
  readonly status: (typeof MCP_ERROR_STATUS)[McpErrorCode];
  readonly details?: unknown;
  /** Set on `mcp_auth_failed`: the server's challenge, for the OAuth flow or a forced token refresh. */
  readonly challenge?: McpAuthChallenge;

  constructor(
    code: McpErrorCode,
    message: string,
    options: { details?: unknown; cause?: unknown; challenge?: McpAuthChallenge } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "McpClientError";
    this.code = code;
    this.status = MCP_ERROR_STATUS[code];
    this.details = options.details;
    this.challenge = options.challenge;
  }
}

export function isMcpClientError(value: unknown): value is McpClientError {
  return value instanceof McpClientError || (value instanceof Error && value.name === "McpClientError");
}
