import { AppError } from "../platform/errors";
import { type ParagonToolList, parseParagonFormatList, parseToolList } from "./tool-formats";
import { callParagon, paragonFailure, readResult } from "./upstream";

/**
 * ActionKit API client: List Tools and Run Tool for one Connected User (Paragon User Token as Bearer).
 * `X-Paragon-Credential` picks one of several accounts the user connected for the same integration.
 * @see https://docs.useparagon.com/actionkit/api-reference/list-tools  GET  /projects/{id}/tools
 * @see https://docs.useparagon.com/actionkit/api-reference/run-tool    POST /projects/{id}/tools {tool, parameters}
 *   (the `/actions` path and `action` field are Paragon's preserved legacy names; we send the current ones)
 */
export const ACTIONKIT_LIST_TIMEOUT_MS = 15_000;
export const ACTIONKIT_RUN_TIMEOUT_MS = 30_000;

export interface ActionKitTarget {
  origin: string;
  projectId: string;
  /** A Paragon User Token for the user the call is made for. */
  userToken: string;
  /** `X-Paragon-Credential`: which of the user's accounts to use. */
  credentialId?: string;
  timeoutMs?: number;
}

export interface ListToolsQuery {
  integrations?: string[];
  categories?: string[];
  /** Paragon's default is true: only integrations the user connected. */
  limitToAvailable?: boolean;
  /** `paragon` asks for Paragon's UI schema; everything else is derived from `json_schema`. */
  paragonFormat?: boolean;
}

function toolsUrl(target: ActionKitTarget): URL {
  return new URL(`/projects/${encodeURIComponent(target.projectId)}/tools`, target.origin);
}

function headersFor(target: ActionKitTarget, json: boolean): Headers {
  const headers = new Headers({ authorization: `Bearer ${target.userToken}`, accept: "application/json" });
  if (json) headers.set("content-type", "application/json");
  if (target.credentialId) headers.set("x-paragon-credential", target.credentialId);
  return headers;
}

/** Lists the tools available to the user (json_schema format unless `paragonFormat`). */
export async function listActionKitTools(target: ActionKitTarget, query: ListToolsQuery = {}) {
  const url = toolsUrl(target);
  url.searchParams.set("format", query.paragonFormat ? "paragon" : "json_schema");
  if (query.integrations?.length) url.searchParams.set("integrations", query.integrations.join(","));
  if (query.categories?.length) url.searchParams.set("categories", query.categories.join(","));
  if (query.limitToAvailable !== undefined) url.searchParams.set("limit_to_available", String(query.limitToAvailable));
  const response = await callParagon({
    url,
    method: "GET",
    headers: headersFor(target, false),
    timeoutMs: target.timeoutMs ?? ACTIONKIT_LIST_TIMEOUT_MS,
    retries: 1,
  });
  if (!response.ok) throw await paragonFailure(response);
  const body = await readResult(response);
  if (typeof body !== "object" || body === null) {
    throw new AppError("paragon_unavailable", "Paragon answered List Tools with an unexpected body");
  }
  return query.paragonFormat ? parseParagonFormatList(body) : (parseToolList(body) satisfies ParagonToolList);
}

/** Runs one tool for the user; resolves to Paragon's result (JSON, text, or a base64 file). */
export async function runActionKitTool(
  target: ActionKitTarget,
  tool: string,
  parameters: Record<string, unknown>,
): Promise<unknown> {
  const response = await callParagon({
    url: toolsUrl(target),
    method: "POST",
    headers: headersFor(target, true),
    body: JSON.stringify({ tool, parameters }),
    timeoutMs: target.timeoutMs ?? ACTIONKIT_RUN_TIMEOUT_MS,
    // Running a tool has side effects (a sent message, a created record): never retried.
    retries: 0,
  });
  if (!response.ok) throw await paragonFailure(response);
  return readResult(response);
}
