import { AppError } from "../platform/errors";
import type { ParagonApiSettings, ParagonSettings } from "../platform/paragon-settings";
import { type ActionKitTarget, listActionKitTools, runActionKitTool } from "./actionkit";
import { type ParagonUserToken, signParagonUserToken } from "./token";
import { formatTools, type ParagonTool, type ToolFormat } from "./tool-formats";

/**
 * What other features call to use Paragon for a user: the `/api/paragon` routes, the workflow
 * `paragon_action` node and the MCP gateway. Each call signs a fresh user token for `user.id` (the
 * Connected User is always the caller, so one user can never act as another) and talks to ActionKit.
 *
 * `context` is anything carrying the parsed Paragon settings (the application config does).
 */
export interface ParagonContext {
  paragon: ParagonSettings;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

export interface ParagonUser {
  id: string;
}

export interface ListParagonToolsOptions {
  format?: ToolFormat;
  integrations?: string[];
  categories?: string[];
  /** `X-Paragon-Credential`: one of the user's accounts. */
  credentialId?: string;
  timeoutMs?: number;
}

export interface RunParagonActionOptions {
  credentialId?: string;
  timeoutMs?: number;
}

/** The API settings, or 503 `paragon_not_configured` (SPEC §9). */
export function requireParagonApi(context: ParagonContext): ParagonApiSettings {
  const api = context.paragon.api;
  if (!api) {
    throw new AppError(
      "paragon_not_configured",
      "Paragon is not configured (set PARAGON_PROJECT_ID and PARAGON_SIGNING_KEY)",
    );
  }
  return api;
}

/** A Paragon User Token for the user (SPEC §9 `GET /api/paragon/token`). */
export async function paragonTokenFor(context: ParagonContext, user: ParagonUser): Promise<ParagonUserToken> {
  const api = requireParagonApi(context);
  return signParagonUserToken({
    projectId: api.projectId,
    signingKeyPem: api.signingKeyPem,
    userId: user.id,
    now: context.now?.() ?? Date.now(),
  });
}

async function targetFor(
  context: ParagonContext,
  user: ParagonUser,
  options: { credentialId?: string; timeoutMs?: number },
): Promise<ActionKitTarget> {
  const api = requireParagonApi(context);
  const { token } = await paragonTokenFor(context, user);
  return {
    origin: api.actionKitOrigin,
    projectId: api.projectId,
    userToken: token,
    ...(options.credentialId ? { credentialId: options.credentialId } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  };
}

/**
 * The ActionKit tools available to the user, in the requested format (`json_schema` by default;
 * `anthropic` / `openai` converted from it; `paragon` as Paragon's UI schema).
 */
export async function listParagonTools(
  context: ParagonContext,
  user: ParagonUser,
  options: ListParagonToolsOptions = {},
): Promise<{ tools: unknown[]; errors: unknown[] }> {
  const format = options.format ?? "json_schema";
  const target = await targetFor(context, user, options);
  const query = { integrations: options.integrations, categories: options.categories };
  if (format === "paragon") return listActionKitTools(target, { ...query, paragonFormat: true });
  const list = (await listActionKitTools(target, query)) as { tools: ParagonTool[]; errors: unknown[] };
  return { tools: formatTools(list.tools, format), errors: list.errors };
}

/** The tools normalized (name, description, integration, parameters), for agents and the MCP gateway. */
export async function listParagonToolDefinitions(
  context: ParagonContext,
  user: ParagonUser,
  options: Omit<ListParagonToolsOptions, "format"> = {},
): Promise<ParagonTool[]> {
  const target = await targetFor(context, user, options);
  const list = (await listActionKitTools(target, {
    integrations: options.integrations,
    categories: options.categories,
  })) as { tools: ParagonTool[] };
  return list.tools;
}

/** Runs one ActionKit tool as the user; resolves to Paragon's result (SPEC §9 `POST /api/paragon/actions`). */
export async function runParagonAction(
  context: ParagonContext,
  user: ParagonUser,
  tool: string,
  parameters: Record<string, unknown>,
  options: RunParagonActionOptions = {},
): Promise<unknown> {
  const target = await targetFor(context, user, options);
  return runActionKitTool(target, tool, parameters);
}
