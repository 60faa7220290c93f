import { auditRecordJob } from "./audit/job";
import { reencryptJob } from "./connections/rotation-job";
import { createJobRegistry } from "./jobs/define";
import { paragonSyncJob } from "./paragon/job";
import { temporalStartJob } from "./workflows/temporal/engine";

/** Every job kind of the application, declared by the feature that owns it. */
export const JOB_REGISTRY = createJobRegistry([auditRecordJob, reencryptJob, paragonSyncJob, temporalStartJob]);
