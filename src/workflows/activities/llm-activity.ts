import { proxyThroughConnection, type UseContext } from "../../proxy/core";
import { ActivityError } from "../interpreter";
import { findLlmProvider, LlmResponseError, llmRequestFromConfig } from "./llm";
import {
  type ActivityExecution,
  activityErrorOf,
  invalidConfig,
  ownedConnection,
  redactSecrets,
  responseOutput,
  upstreamStatusError,
} from "./shared";

/** Model calls can be slow; one attempt may take this long. */
const LLM_TIMEOUT_MS = 120_000;

/**
 * The `llm` activity: the provider's chat API through the node's (or agent's) `api_key` connection — the proxy
 * core injects the key the catalog way (`Authorization: Bearer`, `x-api-key`, `x-goog-api-key`) and adds
 * the provider's required headers. Output `{text, usage, model}` (plus `tool_calls` for an agent turn).
 */
export async function runLlmActivity(
  context: UseContext,
  execution: ActivityExecution,
  config: Record<string, unknown>,
) {
  const provider = findLlmProvider(String(config.provider));
  if (!provider) throw invalidConfig(`Unknown llm provider "${String(config.provider)}"`);
  if (typeof config.connectionId !== "string") throw invalidConfig("connectionId is required");
  const { connection, secrets } = await ownedConnection(context, execution, config.connectionId, ["api_key"]);
  const request = llmRequestFromConfig(config);
  const body = JSON.stringify(provider.buildBody(request));
  try {
    const response = await proxyThroughConnection(context, connection, {
      method: "POST",
      path: provider.path(request.model),
      search: "",
      headers: new Headers({ "content-type": "application/json" }),
      body: new Response(body).body,
      contentLength: new TextEncoder().encode(body).length,
      allowNonIdempotent: false,
      policy: { retries: 0, timeoutMs: LLM_TIMEOUT_MS },
    });
    const answer = redactSecrets(await responseOutput(response, true), secrets);
    if (answer.status < 200 || answer.status > 299)
      throw upstreamStatusError(answer.status, response.headers, provider.errorMessage(answer.body));
    const output = provider.parseResponse(answer.body, request);
    const forAgent = Array.isArray(config.messages);
    return forAgent ? output : { text: output.text, usage: output.usage, model: output.model };
  } catch (error) {
    if (error instanceof LlmResponseError) throw new ActivityError(error.code, error.message, { retryable: false });
    throw activityErrorOf(error);
  }
}
