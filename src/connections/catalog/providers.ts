import { AI_PROVIDERS } from "./entries/ai";
import { BUSINESS_PROVIDERS } from "./entries/business";
import { COMMERCE_PROVIDERS } from "./entries/commerce";
import { COMMUNICATION_PROVIDERS } from "./entries/communication";
import { DEVELOPER_PROVIDERS } from "./entries/developer";
import { GENERIC_PROVIDERS } from "./entries/generic";
import { PRODUCTIVITY_PROVIDERS } from "./entries/productivity";
import { PROJECT_MANAGEMENT_PROVIDERS } from "./entries/project-management";
import { SOCIAL_PROVIDERS } from "./entries/social";
import { type ProviderEntry, type ProviderEntryInput, providerEntrySchema } from "./schema";

/**
 * The provider catalog (SPEC §6.4), assembled from the files in `entries/` (one per group of
 * categories, so no file grows past a screenful of providers). Each entry cites the provider's API
 * reference in `docs_url`; the endpoints, headers and versions are taken from those pages. Adding a
 * provider is adding an entry there: it is validated when this module loads and by
 * `test/unit/connections/catalog.test.ts`.
 */
const CATALOG: ProviderEntryInput[] = [
  ...AI_PROVIDERS,
  ...DEVELOPER_PROVIDERS,
  ...COMMUNICATION_PROVIDERS,
  ...PRODUCTIVITY_PROVIDERS,
  ...PROJECT_MANAGEMENT_PROVIDERS,
  ...BUSINESS_PROVIDERS,
  ...COMMERCE_PROVIDERS,
  ...SOCIAL_PROVIDERS,
  ...GENERIC_PROVIDERS,
];

/** Shared by every request; frozen so no caller can change the catalog for the others. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function loadCatalog(entries: ProviderEntryInput[]): readonly ProviderEntry[] {
  const parsed = providerEntrySchema.array().parse(entries);
  const seen = new Set<string>();
  for (const entry of parsed) {
    if (seen.has(entry.id)) throw new Error(`provider catalog: duplicate id "${entry.id}"`);
    seen.add(entry.id);
  }
  return deepFreeze(parsed);
}

/**
 * Every provider of the catalog, validated when this module loads (a bad entry fails the Worker's
 * startup and the catalog test, never a user's request). Served as JSON by `GET /api/providers`.
 */
export const PROVIDERS: readonly ProviderEntry[] = loadCatalog(CATALOG);

const BY_ID: ReadonlyMap<string, ProviderEntry> = new Map(PROVIDERS.map((entry) => [entry.id, entry]));

/** The catalog entry of a provider id, or `undefined` for an unknown id. */
export function findProvider(id: string): ProviderEntry | undefined {
  return BY_ID.get(id);
}
