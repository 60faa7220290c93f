/**
 * The Paragon fake as a standalone local server, for trying Paragon on `npm run dev` without Paragon:
 * `npm run dev:paragon-fake` (scripts/paragon-dev-fake.mjs) configures `.dev.vars` and starts this Worker.
 * It answers ActionKit and the Proxy API on one origin, and stands in for the Connect Portal:
 * `POST /_fake/connect {userId, integration}` marks the integration connected for that user and delivers
 * a signed `integration.installed` webhook to the app, as Paragon would; `POST /_fake/disconnect` likewise
 * delivers `integration.uninstalled`.
 */
import { importSPKI } from "jose";
import { createFakeParagon, paragonConnectionEvent, signParagonWebhook } from "./paragon";

interface FakeEnv {
  PARAGON_PROJECT_ID: string;
  /** SPKI PEM (escaped newlines allowed) of the app's signing key. */
  PARAGON_PUBLIC_KEY: string;
  PARAGON_WEBHOOK_SECRET: string;
  /** Where the app's webhook is, e.g. http://localhost:8787/api/paragon/webhook. */
  APP_WEBHOOK_URL: string;
}

let fake: ReturnType<typeof createFakeParagon> | undefined;
const credentials = new Map<string, string>();

async function deliver(env: FakeEnv, event: "integration.installed" | "integration.uninstalled", body: unknown) {
  const { userId, integration } = (body ?? {}) as { userId?: string; integration?: string };
  if (!userId || !integration)
    return Response.json({ message: "userId and integration are required" }, { status: 400 });
  const key = `${userId}:${integration}`;
  const credentialId = credentials.get(key) ?? crypto.randomUUID();
  credentials.set(key, credentialId);
  if (event === "integration.installed") fake?.connect(userId, integration);
  const raw = JSON.stringify(
    paragonConnectionEvent({ event, userId, integration, credentialId, eventId: crypto.randomUUID() }),
  );
  const response = await fetch(env.APP_WEBHOOK_URL, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-paragon-signature": await signParagonWebhook(env.PARAGON_WEBHOOK_SECRET, raw),
    },
    body: raw,
  });
  return Response.json({
    delivered: event,
    credentialId,
    webhook_status: response.status,
    webhook: await response.json(),
  });
}

export default {
  async fetch(request: Request, env: FakeEnv): Promise<Response> {
    fake ??= createFakeParagon({
      projectId: env.PARAGON_PROJECT_ID,
      publicKey: await importSPKI(env.PARAGON_PUBLIC_KEY.replaceAll("\\n", "\n"), "RS256"),
    });
    const { pathname } = new URL(request.url);
    if (request.method === "POST" && pathname === "/_fake/connect") {
      return deliver(env, "integration.installed", await request.json().catch(() => null));
    }
    if (request.method === "POST" && pathname === "/_fake/disconnect") {
      return deliver(env, "integration.uninstalled", await request.json().catch(() => null));
    }
    return fake.fetch(request);
  },
};
