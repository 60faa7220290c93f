import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import { createApp } from "../../src/app";
import { createFakeParagon, FAKE_ACTIONKIT_HOST, FAKE_PROXY_HOST } from "../fakes/paragon";
import type { ParagonTestKeys } from "../fakes/paragon-keys";
import { APP_ORIGIN, expectData } from "./http";
import { Browser, signInWithDevProvider } from "./session";

export const PARAGON_PROJECT_ID = "38b1f170-0c43-4eae-9a04-ab85325d99f7";
export const PARAGON_WEBHOOK_SECRET = "paragon-webhook-secret-for-tests";

export interface ParagonWorldOptions {
  keys: ParagonTestKeys;
  /** Which settings to give the Worker (default: all). */
  configure?: { api?: boolean; webhook?: boolean; keyFormat?: "pkcs8" | "pkcs1" };
  /** Replaces bindings (a failing D1, a spy queue) for one scenario. */
  bindings?: Partial<Env>;
}

/**
 * The real Worker configured for Paragon, with every call to ActionKit and the Proxy API answered by the
 * in-memory fake (outbound `fetch` is intercepted by host; nothing else is mocked).
 */
export function paragonWorld(options: ParagonWorldOptions) {
  const configure = { api: true, webhook: true, keyFormat: "pkcs8" as const, ...options.configure };
  const fake = createFakeParagon({ projectId: PARAGON_PROJECT_ID, publicKey: options.keys.publicKey });
  const paragonEnv = {
    ...env,
    ...(configure.api
      ? {
          PARAGON_PROJECT_ID: PARAGON_PROJECT_ID,
          // As operators paste it into a secret: one line with escaped newlines.
          PARAGON_SIGNING_KEY: (configure.keyFormat === "pkcs1"
            ? options.keys.pkcs1Pem
            : options.keys.pkcs8Pem
          ).replaceAll("\n", "\\n"),
        }
      : {}),
    ...(configure.webhook ? { PARAGON_WEBHOOK_SECRET } : {}),
    ...options.bindings,
  } as Env;
  const app = createApp();
  const realFetch = globalThis.fetch;
  const intercept = () =>
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      const host = new URL(request.url).host;
      if (host !== FAKE_ACTIONKIT_HOST && host !== FAKE_PROXY_HOST) return realFetch(request);
      if (init?.signal?.aborted) throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
      return Promise.race([
        fake.fetch(request),
        new Promise<never>((_, reject) =>
          init?.signal?.addEventListener("abort", () =>
            reject(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
          ),
        ),
      ]);
    });
  const worker = async (path: string, init: RequestInit = {}) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(new URL(path, APP_ORIGIN), init), paragonEnv, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
  /** A signed-in user (dev identity provider) and their user id — the Connected User id at Paragon. */
  const signedInUser = async (email = `p-${crypto.randomUUID().slice(0, 8)}@example.com`, name = "Pat Paragon") => {
    const browser = new Browser(worker);
    const final = await signInWithDevProvider(browser, { email, name });
    expect(final.status).toBe(302);
    const me = await expectData<{ user: { id: string } }>(await browser.request("/api/auth/me"));
    return { browser, userId: me.user.id, email, name };
  };
  return { fake, env: paragonEnv, worker, intercept, signedInUser };
}
