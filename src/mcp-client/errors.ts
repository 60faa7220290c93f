import { AppError } from "../platform/errors";

/**
 * The failures of talking to an external MCP server, with the stable codes and HTTP statuses of the wire
 * contract (SPEC §6.7; statuses in `ERROR_TABLE`): the server refused our credential → 400 `mcp_auth_failed`;
 * unreachable, timed out while connecting or listing, or not an MCP server → 502 `mcp_unreachable`; a tool call
 * without an answer in time → 504 `mcp_timeout`; arguments that do not fit the tool's schema → 400
 * `invalid_tool_arguments`; a tool not in `mcp_tools` → 404 `tool_not_found`; a URL refused by the SSRF policy →
 * 403 `target_not_allowed`. An {@link McpClientError} is an `AppError`, so routes need no translation. Messages
 * never carry a credential or the server's raw answer.
 */
export type McpErrorCode =
  | "mcp_auth_failed"
  | "mcp_unreachable"
  | "mcp_timeout"
  | "invalid_tool_arguments"
  | "tool_not_found"
  | "target_not_allowed";

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

export class McpClientError extends AppError {
  declare readonly code: McpErrorCode;
  /** Set on `mcp_auth_failed`: the server's challenge, for the OAuth flow or a forced token refresh. */
  readonly challenge?: McpAuthChallenge;

  constructor(
    code: McpErrorCode,
    message: string,
    options: { details?: unknown; cause?: unknown; challenge?: McpAuthChallenge } = {},
  ) {
    super(code, message, { details: options.details, cause: options.cause });
    this.challenge = options.challenge;
  }
}

export function isMcpClientError(value: unknown): value is McpClientError {
  return value instanceof McpClientError;
}
