/**
 * Settings of the Temporal worker, read from its environment. The edge side of each setting is in SPEC §7.3–7.4;
 * `docs/temporal-worker.md` lists them all.
 */
export interface WorkerConfig {
  /** Temporal frontend gRPC address (`host:port`), e.g. `localhost:7233` or `<ns>.<acct>.tmprl.cloud:7233`. */
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  /** Temporal Cloud API key; turns TLS on. */
  temporalApiKey?: string;
  /** The edge application's public URL (its `APP_URL`); the internal API is `{appUrl}/internal/v1`. */
  appUrl: URL;
  /** The private signing key, a JWK with `kid` and `alg` (ES256 or EdDSA). Its public half is the edge's WORKER_JWKS. */
  privateJwk: Record<string, unknown>;
  issuer: string;
}

export class WorkerConfigError extends Error {
  constructor(problems: string[]) {
    super(`Invalid worker configuration: ${problems.join("; ")}`);
    this.name = "WorkerConfigError";
  }
}

export function readWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const problems: string[] = [];
  const value = (name: string) => (env[name]?.trim() ? env[name]?.trim() : undefined);

  let appUrl: URL | undefined;
  const rawAppUrl = value("APP_URL");
  if (!rawAppUrl) problems.push("APP_URL: is required (the edge application's URL)");
  else {
    try {
      appUrl = new URL(rawAppUrl);
    } catch {
      problems.push("APP_URL: must be an absolute URL");
    }
  }

  let privateJwk: Record<string, unknown> | undefined;
  const rawJwk = value("WORKER_PRIVATE_JWK");
  if (!rawJwk) problems.push("WORKER_PRIVATE_JWK: is required (run `npm run keys` in worker/ to make one)");
  else {
    try {
      privateJwk = JSON.parse(rawJwk) as Record<string, unknown>;
      if (typeof privateJwk.d !== "string") problems.push("WORKER_PRIVATE_JWK: must be a private JWK (has `d`)");
      if (typeof privateJwk.kid !== "string") problems.push("WORKER_PRIVATE_JWK: needs a `kid`");
      if (privateJwk.alg !== "ES256" && privateJwk.alg !== "EdDSA") {
        problems.push("WORKER_PRIVATE_JWK: `alg` must be ES256 or EdDSA");
      }
    } catch {
      problems.push("WORKER_PRIVATE_JWK: is not JSON");
    }
  }
  if (problems.length > 0 || !appUrl || !privateJwk) throw new WorkerConfigError(problems);
  return {
    temporalAddress: value("TEMPORAL_ADDRESS") ?? "localhost:7233",
    namespace: value("TEMPORAL_NAMESPACE") ?? "default",
    taskQueue: value("TEMPORAL_TASK_QUEUE") ?? "edge-workflows",
    temporalApiKey: value("TEMPORAL_API_KEY"),
    appUrl,
    privateJwk,
    issuer: value("WORKER_JWT_ISSUER") ?? "temporal-worker",
  };
}
