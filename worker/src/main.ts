/**
 * Starts the Temporal worker: `npm run worker` at the repository root (or `npm start` in worker/).
 * Polls TEMPORAL_TASK_QUEUE on TEMPORAL_ADDRESS and runs `runWorkflow` / `runAgent`.
 */
import { fileURLToPath } from "node:url";
import { NativeConnection, Worker } from "@temporalio/worker";
import { createActivities } from "./activities";
import { readWorkerConfig } from "./config";
import { createInternalApiClient } from "./internal-api";
import { createTokenSigner, internalAudience } from "./token";

async function main() {
  const config = readWorkerConfig(process.env);
  const signer = await createTokenSigner({
    privateJwk: config.privateJwk,
    issuer: config.issuer,
    audience: internalAudience(config.appUrl),
  });
  const api = createInternalApiClient({ appUrl: config.appUrl, signer });
  const connection = await NativeConnection.connect({
    address: config.temporalAddress,
    // Temporal Cloud API keys require TLS; a local dev server speaks plain gRPC.
    ...(config.temporalApiKey ? { tls: true, apiKey: config.temporalApiKey } : {}),
  });
  const worker = await Worker.create({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    workflowsPath: fileURLToPath(new URL("./workflows.ts", import.meta.url)),
    activities: createActivities(api),
  });
  console.log(
    JSON.stringify({
      level: "info",
      msg: "temporal worker started",
      address: config.temporalAddress,
      namespace: config.namespace,
      task_queue: config.taskQueue,
      edge: config.appUrl.origin,
    }),
  );
  await worker.run();
}

main().catch((error) => {
  console.error(JSON.stringify({ level: "error", msg: "temporal worker stopped", error: String(error) }));
  process.exit(1);
});
