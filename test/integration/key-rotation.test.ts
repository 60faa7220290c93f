import { createExecutionContext, createMessageBatch, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { encryptConnectionData, keyIdOf } from "../../src/connections/store";
import { Keyring, parseKeyringMaterial } from "../../src/crypto/keyring";
import worker from "../../src/index";
import { bodyFor, createConnection, type Summary } from "../helpers/connections";
import { APP_ORIGIN, expectData, expectError } from "../helpers/http";
import { Browser, signInWithDevProvider } from "../helpers/session";

const K1 = "t1:dGVzdC1rZXktb25lLXRlc3Qta2V5LW9uZS10ZXN0LWs=";
const K2 = "t2:dGVzdC1rZXktdHdvLXRlc3Qta2V5LXR3by10ZXN0LWs=";
const ADMIN = "keys-admin@example.com";

/** The real Worker under a given keyring (and platform admin list). */
function deployment(keys: string) {
  const configured = { ...env, ENCRYPTION_KEYS: keys, PLATFORM_ADMIN_EMAILS: ADMIN };
  const app = createApp();
  const fetcher = async (path: string, init: RequestInit = {}) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(new URL(path, APP_ORIGIN), init), configured, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
  return { env: configured, fetcher };
}

/** Runs queued jobs through the real queue consumer until none are left (captured from JOBS.send). */
async function drainJobs(sent: unknown[], deploymentEnv: Env) {
  for (let round = 0; sent.length > 0 && round < 20; round++) {
    const bodies = sent.splice(0, sent.length);
    const batch = createMessageBatch(
      "edge-jobs",
      bodies.map((body, index) => ({ id: `rotation-${round}-${index}`, timestamp: new Date(), body, attempts: 1 })),
    );
    await worker.queue(batch, deploymentEnv);
  }
}

describe("key rotation without downtime (SPEC §6.2)", () => {
  it("re-encrypts every connection from key 1 to key 2 in resumable batches, after which key 1 can go", async () => {
    const sent: unknown[] = [];
    vi.spyOn(env.JOBS, "send").mockImplementation(async (body) => {
      sent.push(body);
      return { metadata: {} } as QueueSendResponse;
    });

    // 1. Before rotation: only key 1 exists. A user signs in and stores connections under it.
    const before = deployment(K1);
    const browser = new Browser(before.fetcher);
    await signInWithDevProvider(browser, { email: ADMIN, name: "Keys Admin" });
    const viaApi = await createConnection(browser, bodyFor("bearer", { data: { token: "rotating-token" } }));
    const me = await expectData<{ user: { id: string } }>(await browser.request("/api/auth/me"));
    const k1 = new Keyring(parseKeyringMaterial({ keys: K1 }));
    for (let i = 0; i < 120; i++) {
      const id = crypto.randomUUID();
      const data = await encryptConnectionData(k1, id, me.user.id, { token: `bulk-${i}` });
      await env.DB.prepare(
        "insert into connections (id, user_id, name, provider, connection_method, data_encrypted, encryption_key_id, base_url) values (?, ?, ?, 'custom_api', 'bearer', ?, ?, 'https://api.upstream.test')",
      )
        .bind(id, me.user.id, `bulk ${i}`, data, keyIdOf(data))
        .run();
    }

    // 2. Rotate: key 2 becomes primary, key 1 still decrypts. Reads keep working throughout.
    const during = deployment(`${K2},${K1}`);
    const duringBrowser = new Browser(during.fetcher);
    duringBrowser.cookies.set("session", browser.cookies.get("session") as string);
    expect((await expectData<Summary>(await duringBrowser.request(`/api/connections/${viaApi.id}`))).id).toBe(
      viaApi.id,
    );
    const status = await expectData<{
      primary_key_id: string;
      connections_by_key: Array<{ key_id: string; connections: number }>;
    }>(await duringBrowser.request("/api/admin/encryption"));
    expect(status.primary_key_id).toBe("t2");
    expect(status.connections_by_key).toEqual([{ key_id: "t1", connections: 121 }]);

    const run = await expectData<{ id: string; status: string }>(
      await duringBrowser.request("/api/admin/encryption/reencrypt", { method: "POST" }),
      202,
    );
    expect(run.status).toBe("running");
    // Starting again while it runs returns the same run (safe to run twice).
    expect(
      (
        await expectData<{ id: string }>(
          await duringBrowser.request("/api/admin/encryption/reencrypt", { method: "POST" }),
          202,
        )
      ).id,
    ).toBe(run.id);
    await drainJobs(sent, during.env);
    const finished = await expectData<{ status: string; processed: number; failed: number }>(
      await duringBrowser.request(`/api/admin/encryption/reencrypt/${run.id}`),
    );
    expect(finished).toMatchObject({ status: "completed", processed: 121, failed: 0 });

    // 3. Key 1 removed: everything still decrypts.
    const after = deployment(K2);
    const afterBrowser = new Browser(after.fetcher);
    afterBrowser.cookies.set("session", browser.cookies.get("session") as string);
    const all = await expectData<Summary[]>(await afterBrowser.request("/api/connections?limit=500"));
    expect(all).toHaveLength(121);
    for (const summary of all.slice(0, 10))
      expect((await afterBrowser.request(`/api/connections/${summary.id}`)).status).toBe(200);
    const keys = await env.DB.prepare("select distinct encryption_key_id as k from connections").all<{ k: string }>();
    expect(keys.results.map((row) => row.k)).toEqual(["t2"]);

    // 4. Running it again finds nothing to do.
    const again = await expectData<{ id: string }>(
      await afterBrowser.request("/api/admin/encryption/reencrypt", { method: "POST" }),
      202,
    );
    await drainJobs(sent, after.env);
    expect(await expectData(await afterBrowser.request(`/api/admin/encryption/reencrypt/${again.id}`))).toMatchObject({
      status: "completed",
      processed: 0,
    });
  });

  it("is for platform administrators only", async () => {
    const { fetcher } = deployment(`${K2},${K1}`);
    const browser = new Browser(fetcher);
    await signInWithDevProvider(browser, { email: "not-an-operator@example.com" });
    await expectError(await browser.request("/api/admin/encryption"), 403, "forbidden");
    await expectError(await browser.request("/api/admin/encryption/reencrypt", { method: "POST" }), 403, "forbidden");
  });
});
