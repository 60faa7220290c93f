import { exports } from "cloudflare:workers";
import { expect } from "vitest";

export const APP_ORIGIN = "http://localhost:8787";

/** Calls the real Worker's fetch handler, as a browser or client would. */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, APP_ORIGIN), init));
}

/** `init` for a JSON request with the given body (same-origin, as the SPA sends it). */
export function jsonInit(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { "content-type": "application/json", origin: APP_ORIGIN, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

export interface ErrorBody {
  success: false;
  error: { code: string; message: string; details?: unknown; request_id: string };
}

/** Asserts the error envelope (SPEC §6.3) with the given status and stable code, and returns it. */
export async function expectError(response: Response, status: number, code: string): Promise<ErrorBody> {
  const body = (await response.json()) as ErrorBody;
  expect({ status: response.status, code: body.error?.code }).toEqual({ status, code });
  expect(body.success).toBe(false);
  expect(body.error.request_id).toBe(response.headers.get("x-request-id"));
  return body;
}

/** Asserts a success envelope and returns its `data`. */
export async function expectData<T = unknown>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  const body = JSON.parse(text) as { success: boolean; data: T };
  expect(body.success).toBe(true);
  return body.data;
}
