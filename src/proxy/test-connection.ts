import { findProvider } from "../connections/catalog";
import { credentialProviderFor, type UsableConnection } from "../connections/credentials";
import { fillPlaceholders, judgeVerification, verifySpecFor } from "../connections/verify";
import { sendWithRetries } from "../outbound/send";
import { AppError } from "../platform/errors";
import { buildingRequest, checkedUrl, connectionHeaders, resolveUpstream, type UseContext } from "./core";

export interface TestResult {
  success: boolean;
  message: string;
  statusCode: number | null;
  responseTime: number;
  tested_at: number;
  /** Internal: whether the provider refused the credentials (→ status `invalid`). */
  credentialsRejected: boolean;
}

/** Bound on one verification request; tests never retry (a user is waiting for the answer). */
export const CONNECTION_TEST_TIMEOUT_MS = 10_000;

/** The wire form of a test result (without the internal verdict). */
export function publicTestResult(result: TestResult) {
  const { credentialsRejected: _, ...rest } = result;
  return rest;
}

/** Runs the connection's verification request and judges the answer (SPEC §6.4 "verify"). */
export async function testConnection(context: UseContext, connection: UsableConnection): Promise<TestResult> {
  const started = context.now();
  const result = (
    success: boolean,
    message: string,
    statusCode: number | null,
    credentialsRejected = false,
  ): TestResult => ({
    success,
    message,
    statusCode,
    responseTime: context.now() - started,
    tested_at: context.now(),
    credentialsRejected,
  });
  const credentials = credentialProviderFor(context.credentials, connection);
  if (credentials.proxyable !== true) return result(false, credentials.proxyable.refusal, null);
  const provider = findProvider(connection.provider);
  const spec = verifySpecFor(provider, connection.verifyRequest);
  const path = fillPlaceholders(spec.path, connection.connection.data as Record<string, unknown>);
  if (path === null) return result(false, "The connection lacks a field its verification request needs", null);
  const [pathname, search = ""] = path.split("?");
  let url: URL;
  let headers: Headers;
  try {
    ({ url, headers } = await buildingRequest(async () => {
      const headers = connectionHeaders(credentials, connection, provider, undefined);
      for (const [name, value] of Object.entries(spec.headers ?? {})) headers.set(name, value);
      headers.set("accept", "application/json");
      const url = spec.absoluteUrl
        ? checkedUrl(context, spec.absoluteUrl)
        : resolveUpstream(context, connection, pathname as string, search ? `?${search}` : "");
      await credentials.inject(context, connection, { url, headers }, provider);
      return { url, headers };
    }));
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return result(false, error.message, null);
    throw error;
  }
  let body: string | null = null;
  if (spec.body !== undefined && spec.method === "POST") {
    body = JSON.stringify(spec.body);
    headers.set("content-type", "application/json");
  }
  const sent = await sendWithRetries({
    url,
    method: spec.method,
    headers,
    body,
    timeoutMs: Math.min(connection.timeoutMs, CONNECTION_TEST_TIMEOUT_MS),
    retries: 0,
    backoffMs: 0,
  });
  if (!sent.ok)
    return result(
      false,
      sent.failure.kind === "timeout" ? "The provider did not answer in time" : "The provider could not be reached",
      null,
    );
  let json: unknown = null;
  if (spec.success_json) json = await sent.response.json().catch(() => null);
  else await sent.response.body?.cancel();
  const verdict = judgeVerification(spec, sent.response.status, json);
  return result(verdict.success, verdict.message, sent.response.status, verdict.credentialsRejected);
}
