/**
 * The provider catalog (SPEC §6.4): the entry schema and the validated entries.
 * Providers are data; see `providers.ts` to add one.
 */
export { findProvider, PROVIDERS } from "./providers";
export {
  CATALOG_AUTH_METHODS,
  type CatalogAuthMethod,
  CONNECTION_METHODS,
  type ConnectionMethod,
  DATA_FIELDS_BY_METHOD,
  PROVIDER_CATEGORIES,
  type ProviderApiKey,
  type ProviderCategory,
  type ProviderEntry,
  type ProviderEntryInput,
  type ProviderOAuth2,
  type ProviderUserSupplied,
  type ProviderVerify,
  placeholdersOf,
  providerEntrySchema,
} from "./schema";
