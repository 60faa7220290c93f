import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { createApp } from "../../src/app";
import { createFakeWorkOS, type FakeWorkOS } from "../fakes/workos";
import { APP_ORIGIN } from "./http";
import { Browser } from "./session";

/**
 * The real Worker configured for WorkOS, with every outbound call to the WorkOS API answered by the
 * fake (the SDK uses the global `fetch`, which is intercepted here; nothing else is mocked).
 */
export function workosWorld() {
  const fake = createFakeWorkOS();
  const workosEnv = {
    ...env,
    WORKOS_API_KEY: fake.apiKey,
    WORKOS_CLIENT_ID: fake.clientId,
    WORKOS_WEBHOOK_SECRET: fake.webhookSecret,
    WORKOS_API_HOSTNAME: fake.hostname,
    WORKOS_MAX_RETRIES: "0",
  };
  const app = createApp();
  const realFetch = globalThis.fetch;
  const interceptWorkOS = () =>
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      const request = new Request(input, init);
      return fake.handles(request.url) ? fake.fetch(request) : realFetch(request);
    });
  /** Calls the Worker with the WorkOS configuration, waiting for its background work. */
  const worker = async (path: string, init: RequestInit = {}) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(new URL(path, APP_ORIGIN), init), workosEnv, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
  return { fake, env: workosEnv, worker, interceptWorkOS, browser: () => new Browser(worker) };
}

/** Follows the authorization redirect through the fake WorkOS and back into our callback. */
export async function signInThroughWorkOS(fake: FakeWorkOS, browser: Browser, authorizePath = "/api/auth/authorize") {
  const authorize = await browser.request(authorizePath);
  if (authorize.status !== 302) return { authorize, callback: undefined, authorizeUrl: undefined };
  const authorizeUrl = new URL(authorize.headers.get("location") as string);
  const atProvider = await fake.fetch(new Request(authorizeUrl, { redirect: "manual" }));
  const back = new URL(atProvider.headers.get("location") as string);
  const callback = await browser.request(back.pathname + back.search);
  return { authorize, authorizeUrl, callback };
}
