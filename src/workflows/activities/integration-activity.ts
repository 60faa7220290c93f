import { proxyThroughConnection, type UseContext } from "../../proxy/core";
import { ActivityError } from "../interpreter";
import { buildIntegrationRequest, findIntegrationOperation, judgeIntegrationResponse } from "./integrations";
import {
  type ActivityExecution,
  activityErrorOf,
  invalidConfig,
  ownedConnection,
  redactSecrets,
  responseOutput,
  upstreamStatusError,
} from "./shared";

/**
 * The `integration` activity: a catalog operation (`integrations.ts`) through the node's connection. Params
 * are validated again after interpolation; a provider's "200 but failed" answer (Slack `{ok:false}`) fails too.
 * Output `{status, body}`.
 */
export async function runIntegrationActivity(
  context: UseContext,
  execution: ActivityExecution,
  config: Record<string, unknown>,
) {
  const operation = findIntegrationOperation(String(config.service), String(config.operation));
  if (!operation) throw invalidConfig(`Unknown operation ${String(config.service)}.${String(config.operation)}`);
  const params = operation.params.safeParse(config.config ?? {});
  if (!params.success)
    throw invalidConfig(
      `Invalid ${operation.service}.${operation.operation} config: ${params.error.issues
        .map((issue) => `${issue.path.join(".") || "(root)"} ${issue.message}`)
        .join("; ")}`,
    );
  if (typeof config.connectionId !== "string") throw invalidConfig("connectionId is required");
  const { connection, secrets } = await ownedConnection(
    context,
    execution,
    config.connectionId,
    operation.connection_methods,
  );
  let request: ReturnType<typeof buildIntegrationRequest>;
  try {
    request = buildIntegrationRequest(operation, params.data);
  } catch (error) {
    throw invalidConfig((error as Error).message);
  }
  const body = JSON.stringify(request.body);
  try {
    const response = await proxyThroughConnection(context, connection, {
      method: request.method,
      path: request.path,
      search: "",
      headers: new Headers({ "content-type": "application/json; charset=utf-8" }),
      body: new Response(body).body,
      contentLength: new TextEncoder().encode(body).length,
      allowNonIdempotent: false,
      policy: { retries: 0 },
    });
    const answer = redactSecrets(await responseOutput(response, true), secrets);
    const verdict = judgeIntegrationResponse(operation, answer.status, answer.body);
    if (!verdict.ok) {
      if (answer.status < 200 || answer.status > 299)
        throw upstreamStatusError(answer.status, response.headers, verdict.message);
      throw new ActivityError("integration_failed", verdict.message, { retryable: false });
    }
    return { status: answer.status, body: answer.body };
  } catch (error) {
    throw activityErrorOf(error);
  }
}
